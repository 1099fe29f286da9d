package site

import (
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/chart"
)

// sourcesPage is the front matter of the sources page.
type sourcesPage struct {
	Title   string        `json:"title"`
	Type    string        `json:"type"`
	Lastmod string        `json:"lastmod,omitempty"`
	Params  sourcesParams `json:"params"`
}

type sourcesParams struct {
	Sources []sourceItem `json:"sources"`
}

// sourceItem is one source on the sources page.
type sourceItem struct {
	Slug        string `json:"slug"` // of its name, for the section's id
	Name        string `json:"name"`
	Title       link   `json:"title"`
	Dataset     string `json:"dataset,omitempty"`
	DatasetPath string `json:"datasetpath,omitempty"`
	// Status is ok (collected, whether or not anything changed), failed,
	// not-run or, for a status the site does not know, other, with the
	// status as recorded in Other. A source that is collected shows when
	// its data last changed (Changed); one that failed, its last attempt
	// and last success: the page carries no time of a run that found
	// nothing new.
	Status      string   `json:"status"`
	Other       string   `json:"other,omitempty"`
	Error       string   `json:"error,omitempty"`
	Failure     *failure `json:"failure,omitempty"`
	LastAttempt string   `json:"lastattempt,omitempty"`
	LastSuccess string   `json:"lastsuccess,omitempty"`
	Changed     string   `json:"changed,omitempty"`
	Rows        string   `json:"rows"`
	Licence     link     `json:"licence"`
	Attribution string   `json:"attribution,omitempty"`
	Homepage    link     `json:"homepage"`
	Warnings    []string `json:"warnings,omitempty"`
	// WarningCount counts all the warnings; MoreWarnings those past
	// maxWarnings, left to the run's log.
	WarningCount string `json:"warningcount,omitempty"`
	MoreWarnings *count `json:"morewarnings,omitempty"`
	// What the publisher's terms allow (open, excerpt, link), how we read
	// them and whether that reading was confirmed at the publisher;
	// Publishes tells whether the source's rows are in the published
	// files, Withheld how many are not.
	Terms         string          `json:"terms,omitempty"`
	TermsNote     string          `json:"termsnote,omitempty"`
	TermsVerified bool            `json:"termsverified"`
	Publishes     bool            `json:"publishes"`
	Permission    *permissionItem `json:"permission,omitempty"`
	Withheld      *count          `json:"withheld,omitempty"`
	Download      link            `json:"download"`
}

// Error messages can quote a whole page of the publisher's; the notices
// quote the start.
const (
	noticeErrorRunes = 300
	maxWarnings      = 20 // warnings listed per source on the sources page
	pageErrorRunes   = 2000
)

// statusCode returns the code of a source's status the templates know.
func statusCode(s string) string {
	switch s {
	case dataset.SourceOK, dataset.SourceUnchanged:
		// Whether this run found something new is the run's news, not
		// the source's: the page says when its data last changed.
		return dataset.SourceOK
	case dataset.SourceFailed, dataset.SourceRemoved:
		return s
	case dataset.SourceNotRun, "":
		return "not-run"
	}
	return "other"
}

func (g *generator) sourcesPage(datasetTitles map[string]string) sourcesPage {
	p := sourcesPage{Type: "sources", Lastmod: g.lastmod}
	for i := range g.in.Sources {
		s := &g.in.Sources[i]
		item := sourceItem{
			Slug:          slug(s.Name),
			Name:          s.Name,
			Title:         newLink(s.label(), s.Homepage),
			Dataset:       datasetTitles[s.Dataset],
			Status:        statusCode(s.Status),
			Changed:       machineTime(s.Changed),
			Rows:          g.num.Int(int64(s.Rows)),
			Licence:       newLink(s.Licence, s.LicenceURL),
			Attribution:   s.Attribution,
			Homepage:      newLink("", s.Homepage),
			Terms:         s.Terms,
			TermsNote:     s.TermsNote,
			TermsVerified: s.TermsVerified,
			Publishes:     s.Publishes,
			Permission:    permissionOf(s.Permission),
			Download:      newLink("", s.Download),
		}
		if !s.Publishes && s.Withheld > 0 {
			w := g.count(s.Withheld)
			item.Withheld = &w
		}
		if item.Status == "other" {
			item.Other = s.Status
		}
		if item.Dataset != "" && datasetName.MatchString(s.Dataset) {
			item.DatasetPath = g.urls.link(datasetPath(s.Dataset))
		} else if s.Dataset != "" {
			item.Dataset = s.Dataset
		}
		if s.Status == dataset.SourceFailed {
			item.LastAttempt, item.LastSuccess = machineTime(s.LastAttempt), machineTime(s.LastSuccess)
			item.Error = chart.Truncate(strings.TrimSpace(s.Error), pageErrorRunes)
			f := failureOf(s)
			item.Failure = &f
		}
		if len(s.Warnings) > 0 {
			item.WarningCount = g.num.Int(int64(len(s.Warnings)))
		}
		for i, w := range s.Warnings {
			if i == maxWarnings {
				more := g.count(len(s.Warnings) - i)
				item.MoreWarnings = &more
				break
			}
			item.Warnings = append(item.Warnings, chart.Truncate(strings.TrimSpace(w), noticeErrorRunes))
		}
		p.Params.Sources = append(p.Params.Sources, item)
	}
	return p
}

// failures returns the notices of the failed sources, of one dataset or,
// with name empty, of all.
func (g *generator) failures(name string) []failure {
	var out []failure
	for i := range g.in.Sources {
		if s := &g.in.Sources[i]; s.Status == dataset.SourceFailed && (name == "" || s.Dataset == name) {
			out = append(out, failureOf(s))
		}
	}
	return out
}
