package site

import (
	"fmt"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
)

// sourcesPage is the front matter of the sources page.
type sourcesPage struct {
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Type        string        `json:"type"`
	Lastmod     string        `json:"lastmod,omitempty"`
	Params      sourcesParams `json:"params"`
}

type sourcesParams struct {
	Sources []sourceItem `json:"sources"`
}

type sourceItem struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Title          link     `json:"title"`
	Dataset        string   `json:"dataset,omitempty"`
	DatasetPath    string   `json:"datasetpath,omitempty"`
	Status         string   `json:"status"` // class: ok, unchanged, failed, not-run
	StatusText     string   `json:"statustext"`
	Error          string   `json:"error,omitempty"`
	Notice         string   `json:"notice,omitempty"`
	LastAttempt    string   `json:"lastattempt,omitempty"`
	LastAttemptISO string   `json:"lastattemptiso,omitempty"`
	LastSuccess    string   `json:"lastsuccess"`
	LastSuccessISO string   `json:"lastsuccessiso,omitempty"`
	Rows           string   `json:"rows"`
	Licence        link     `json:"licence"`
	Attribution    string   `json:"attribution,omitempty"`
	Homepage       link     `json:"homepage"`
	Warnings       []string `json:"warnings,omitempty"`
	// What the publisher's terms allow, how we read them and whether that
	// reading was confirmed at the publisher; Publishes tells whether the
	// source's rows are in the published files, Withheld how many are not.
	Terms         string          `json:"terms,omitempty"`
	TermsNote     string          `json:"termsnote,omitempty"`
	TermsVerified bool            `json:"termsverified"`
	Publishes     bool            `json:"publishes"`
	Permission    *permissionItem `json:"permission,omitempty"`
	Withheld      string          `json:"withheld,omitempty"`
	WithheldCount int             `json:"withheldcount,omitempty"`
	Download      link            `json:"download"`
}

// Error messages can quote a whole page of the publisher's; the notices
// quote the start.
const (
	noticeErrorRunes = 300
	maxWarnings      = 20 // warnings listed per source on the sources page
	pageErrorRunes   = 2000
)

// failureNotice tells readers that a source could not be collected and
// which figures they see instead.
func failureNotice(s *SourceStatus) string {
	var b strings.Builder
	b.WriteString(s.label())
	b.WriteString(" could not be collected")
	if d := day(s.LastAttempt); d != "" {
		b.WriteString(" on " + d)
	}
	if e := oneLine(s.Error); e != "" {
		b.WriteString(": " + strings.TrimRight(truncate(e, noticeErrorRunes), "."))
	}
	b.WriteString(".")
	if d := day(s.LastSuccess); d != "" {
		b.WriteString(" The figures shown are the last good version from " + d + ".")
	} else {
		b.WriteString(" No earlier version of its figures is available.")
	}
	return b.String()
}

// oneLine joins the lines of an error message.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func statusText(s string) (class, text string) {
	switch s {
	case dataset.SourceOK:
		return "ok", "Collected: new data"
	case dataset.SourceUnchanged:
		return "unchanged", "Collected: unchanged since the last run"
	case dataset.SourceFailed:
		return "failed", "Failed"
	case dataset.SourceNotRun, "":
		return "not-run", "Not collected in this run"
	}
	return "other", s
}

func sourcesPageOf(in *Input, datasetTitles map[string]string, urls siteURLs, lastmod string) sourcesPage {
	p := sourcesPage{
		Title:       "Sources",
		Description: "Where the figures come from: each source's publisher, licence and the state of its last collection.",
		Type:        "sources",
		Lastmod:     lastmod,
	}
	for i := range in.Sources {
		s := &in.Sources[i]
		class, text := statusText(s.Status)
		item := sourceItem{
			ID:             "source-" + slug(s.Name),
			Name:           s.Name,
			Title:          newLink(s.label(), s.Homepage),
			Dataset:        datasetTitles[s.Dataset],
			Status:         class,
			StatusText:     text,
			LastAttempt:    dayTime(s.LastAttempt),
			LastAttemptISO: machineTime(s.LastAttempt),
			LastSuccess:    dayTime(s.LastSuccess),
			LastSuccessISO: machineTime(s.LastSuccess),
			Rows:           integer(int64(s.Rows)),
			Licence:        newLink(s.Licence, s.LicenceURL),
			Attribution:    s.Attribution,
			Homepage:       newLink("", s.Homepage),
			Terms:          s.Terms,
			TermsNote:      s.TermsNote,
			TermsVerified:  s.TermsVerified,
			Publishes:      s.Publishes,
			Permission:     permissionOf(s.Permission),
			Download:       newLink("", s.Download),
		}
		if !s.Publishes && s.Withheld > 0 {
			item.Withheld, item.WithheldCount = integer(int64(s.Withheld)), s.Withheld
		}
		if item.Dataset != "" && datasetName.MatchString(s.Dataset) {
			item.DatasetPath = urls.link(datasetPath(s.Dataset))
		} else if s.Dataset != "" {
			item.Dataset = s.Dataset
		}
		if item.LastSuccess == "" {
			item.LastSuccess = "never"
		}
		if s.Status == dataset.SourceFailed {
			item.Error = truncate(strings.TrimSpace(s.Error), pageErrorRunes)
			item.Notice = failureNotice(s)
		}
		for i, w := range s.Warnings {
			if i == maxWarnings {
				item.Warnings = append(item.Warnings, fmt.Sprintf("… and %d more (see the run's log)", len(s.Warnings)-i))
				break
			}
			item.Warnings = append(item.Warnings, truncate(strings.TrimSpace(w), noticeErrorRunes))
		}
		p.Params.Sources = append(p.Params.Sources, item)
	}
	return p
}

// homePage is the front matter of the home page.
type homePage struct {
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Lastmod     string     `json:"lastmod,omitempty"`
	Params      homeParams `json:"params"`
}

type homeParams struct {
	Datasets  []datasetSummary `json:"datasets"`
	Notices   []string         `json:"notices,omitempty"`
	Countries int              `json:"countries"`
	Sources   int              `json:"sources"`
	Failed    int              `json:"failed"`
	Changes   []changesRow     `json:"changes,omitempty"` // the newest versions
	Feeds     []feedLink       `json:"feeds,omitempty"`
	// Participation is each UN instrument's reporting in its latest year
	// with a report, nil reports counted as reports.
	Participation []participation `json:"participation,omitempty"`
	TrackerPath   string          `json:"trackerpath,omitempty"`
	AuditsPath    string          `json:"auditspath,omitempty"`
	Audits        string          `json:"audits,omitempty"` // "18 reports from 3 auditors"
}

func homePageOf(in *Input, summaries []datasetSummary, countries int, title, description, lastmod string) homePage {
	p := homePage{
		Title:       title,
		Description: description,
		Lastmod:     lastmod,
		Params:      homeParams{Datasets: summaries, Countries: countries, Sources: len(in.Sources)},
	}
	for i := range in.Sources {
		if s := &in.Sources[i]; s.Status == dataset.SourceFailed {
			p.Params.Notices = append(p.Params.Notices, failureNotice(s))
			p.Params.Failed++
		}
	}
	return p
}
