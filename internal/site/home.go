package site

// homePage is the front matter of the home page.
type homePage struct {
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Lastmod     string     `json:"lastmod,omitempty"`
	Params      homeParams `json:"params"`
}

type homeParams struct {
	Datasets  []datasetSummary `json:"datasets"`
	Notices   []failure        `json:"notices,omitempty"`
	Countries count            `json:"countries"`
	Changes   []changesRow     `json:"changes,omitempty"` // the newest versions
	Feeds     []feedLink       `json:"feeds,omitempty"`
	// Participation is each UN instrument's reporting in its latest year
	// with a report, nil reports counted as reports.
	Participation []participation `json:"participation,omitempty"`
	TrackerPath   string          `json:"trackerpath,omitempty"`
	AuditsPath    string          `json:"auditspath,omitempty"`
	Reports       count           `json:"reports"`  // audit reports
	Auditors      count           `json:"auditors"` // their auditors
}

// datasetSummary is a dataset as the home page lists it.
type datasetSummary struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Path        string    `json:"path"`
	Rows        count     `json:"rows"`
	Version     string    `json:"version,omitempty"`
	Created     when      `json:"created"`
	Coverage    *coverage `json:"coverage,omitempty"`
}

// homeChanges is how many of the newest versions the home page lists.
const homeChanges = 6

func (g *generator) homePage(summaries []datasetSummary, countries int) homePage {
	return homePage{
		Title:       g.title,
		Description: g.description,
		Lastmod:     g.lastmod,
		Params:      homeParams{Datasets: summaries, Countries: g.count(countries), Notices: g.failures("")},
	}
}
