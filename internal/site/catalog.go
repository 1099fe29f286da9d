package site

import (
	"strconv"
	"strings"
)

// The DCAT catalogue of the site's datasets (catalog.json), in JSON-LD, for
// data portals that harvest DCAT. URLs are absolute under the base URL, or
// relative to the catalogue, which sits at the site's root.
type dcatCatalog struct {
	Context     map[string]string `json:"@context"`
	Type        string            `json:"@type"`
	Title       string            `json:"dct:title"`
	Description string            `json:"dct:description"`
	Modified    string            `json:"dct:modified,omitempty"`
	Homepage    *dcatRef          `json:"foaf:homepage,omitempty"`
	Datasets    []dcatDataset     `json:"dcat:dataset"`
}

type dcatRef struct {
	ID string `json:"@id"`
}

type dcatDataset struct {
	Type          string             `json:"@type"`
	Identifier    string             `json:"dct:identifier"`
	Title         string             `json:"dct:title"`
	Description   string             `json:"dct:description"`
	Keywords      []string           `json:"dcat:keyword,omitempty"`
	Version       string             `json:"dcat:version,omitempty"`
	Modified      string             `json:"dct:modified,omitempty"`
	Licenses      []dcatRef          `json:"dct:license,omitempty"`
	Temporal      *dcatPeriod        `json:"dct:temporal,omitempty"`
	LandingPage   dcatRef            `json:"dcat:landingPage"`
	Sources       []string           `json:"dct:source,omitempty"`
	Distributions []dcatDistribution `json:"dcat:distribution"`
}

type dcatPeriod struct {
	Type  string `json:"@type"`
	Start string `json:"dcat:startDate"`
	End   string `json:"dcat:endDate"`
}

type dcatDistribution struct {
	Type        string       `json:"@type"`
	Title       string       `json:"dct:title"`
	DownloadURL dcatRef      `json:"dcat:downloadURL"`
	MediaType   dcatRef      `json:"dcat:mediaType"`
	ByteSize    int64        `json:"dcat:byteSize"`
	Checksum    dcatChecksum `json:"spdx:checksum"`
}

type dcatChecksum struct {
	Type      string  `json:"@type"`
	Algorithm dcatRef `json:"spdx:algorithm"`
	Value     string  `json:"spdx:checksumValue"`
}

func newCatalog(title, description, modified string, urls siteURLs) *dcatCatalog {
	c := &dcatCatalog{
		Context: map[string]string{
			"dcat": "http://www.w3.org/ns/dcat#",
			"dct":  "http://purl.org/dc/terms/",
			"foaf": "http://xmlns.com/foaf/0.1/",
			"spdx": "http://spdx.org/rdf/terms#",
		},
		Type:        "dcat:Catalog",
		Title:       title,
		Description: description,
		Modified:    modified,
		Datasets:    []dcatDataset{},
	}
	if urls.base != "" {
		c.Homepage = &dcatRef{urls.base}
	}
	return c
}

// add describes one dataset from its page's data.
func (c *dcatCatalog) add(p *datasetPage, ld *ldDataset, urls siteURLs) {
	dir := datasetPath(p.Params.Name)
	d := dcatDataset{
		Type:        "dcat:Dataset",
		Identifier:  p.Params.Name,
		Title:       p.Title,
		Description: p.Description,
		Keywords:    p.Params.Keywords,
		Version:     p.Params.Version,
		Modified:    p.Params.CreatedISO,
		LandingPage: dcatRef{urls.file(dir, dir)},
	}
	switch l := ld.License.(type) {
	case string:
		d.Licenses = []dcatRef{{l}}
	case []string:
		for _, u := range l {
			d.Licenses = append(d.Licenses, dcatRef{u})
		}
	}
	if from, to, ok := splitPeriod(ld.TemporalCoverage); ok {
		d.Temporal = &dcatPeriod{Type: "dct:PeriodOfTime", Start: from, End: to}
	}
	for _, s := range ld.IsBasedOn {
		if s.URL != "" {
			d.Sources = append(d.Sources, s.URL)
		}
	}
	for _, dl := range p.Params.Downloads {
		d.Distributions = append(d.Distributions, dcatDistribution{
			Type:        "dcat:Distribution",
			Title:       dl.Label,
			DownloadURL: dcatRef{urls.file(dir+dl.File, dir+dl.File)},
			MediaType:   dcatRef{"https://www.iana.org/assignments/media-types/" + dl.MediaType},
			ByteSize:    dl.Bytes,
			Checksum: dcatChecksum{
				Type:      "spdx:Checksum",
				Algorithm: dcatRef{"spdx:checksumAlgorithm_sha256"},
				Value:     dl.SHA256,
			},
		})
	}
	c.Datasets = append(c.Datasets, d)
}

// splitPeriod reads the "from/to" or single year of a temporal coverage.
func splitPeriod(s string) (string, string, bool) {
	if from, to, ok := strings.Cut(s, "/"); ok {
		return from, to, true
	}
	if _, err := strconv.Atoi(s); err == nil {
		return s, s, true
	}
	return "", "", false
}
