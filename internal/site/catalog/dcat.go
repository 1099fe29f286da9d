package catalog

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Catalog is the DCAT catalogue of the site's datasets, in JSON-LD.
type Catalog struct {
	base string
	c    dcatCatalog
}

type dcatCatalog struct {
	Context     map[string]string `json:"@context"`
	ID          string            `json:"@id,omitempty"`
	Type        string            `json:"@type"`
	Title       string            `json:"dct:title"`
	Description string            `json:"dct:description"`
	Modified    *typed            `json:"dct:modified,omitempty"`
	Homepage    *dcatRef          `json:"foaf:homepage,omitempty"`
	Datasets    []dcatDataset     `json:"dcat:dataset"`
}

// typed is a literal with its datatype, so that a catalogue reads dates as
// dates, not strings.
type typed struct {
	Value string `json:"@value"`
	Type  string `json:"@type"`
}

// dateTime returns an RFC 3339 time as an xsd:dateTime, or nil for "".
func dateTime(s string) *typed {
	if s == "" {
		return nil
	}
	return &typed{s, "xsd:dateTime"}
}

type dcatRef struct {
	ID string `json:"@id"`
}

type dcatDataset struct {
	ID            string             `json:"@id,omitempty"`
	Type          string             `json:"@type"`
	Identifier    string             `json:"dct:identifier"`
	Title         string             `json:"dct:title"`
	Description   string             `json:"dct:description"`
	Keywords      []string           `json:"dcat:keyword,omitempty"`
	Version       string             `json:"dcat:version,omitempty"`
	Modified      *typed             `json:"dct:modified,omitempty"`
	Licenses      []dcatRef          `json:"dct:license,omitempty"`
	Temporal      *dcatPeriod        `json:"dct:temporal,omitempty"`
	LandingPage   dcatRef            `json:"dcat:landingPage"`
	Sources       []dcatRef          `json:"dct:source,omitempty"`
	Distributions []dcatDistribution `json:"dcat:distribution"`
}

type dcatPeriod struct {
	Type  string `json:"@type"`
	Start typed  `json:"dcat:startDate"`
	End   typed  `json:"dcat:endDate"`
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

// New returns an empty catalogue of the site titled title, modified when
// its data last changed (RFC 3339), at base (the site's base URL or "").
// Its addresses are relative to catalog.json, at the site's root, without
// a base URL.
func New(title, description, modified, base string) *Catalog {
	c := &Catalog{base: base, c: dcatCatalog{
		Context: map[string]string{
			"dcat": "http://www.w3.org/ns/dcat#",
			"dct":  "http://purl.org/dc/terms/",
			"foaf": "http://xmlns.com/foaf/0.1/",
			"spdx": "http://spdx.org/rdf/terms#",
			"xsd":  "http://www.w3.org/2001/XMLSchema#",
		},
		Type:        "dcat:Catalog",
		Title:       title,
		Description: description,
		Modified:    dateTime(modified),
		Datasets:    []dcatDataset{},
	}}
	if base != "" {
		// Without a base URL the catalogue and its datasets are blank
		// nodes: a relative @id would be resolved against wherever the
		// file was read from.
		c.c.ID = base + "catalog.json"
		c.c.Homepage = &dcatRef{base}
	}
	return c
}

// Add describes one dataset.
func (c *Catalog) Add(d *Dataset) {
	u := urls(c.base)
	dd := dir(d.Name)
	x := dcatDataset{
		Type:        "dcat:Dataset",
		Identifier:  d.Name,
		Title:       d.Title,
		Description: d.Description,
		Keywords:    d.Keywords,
		Version:     d.Version,
		Modified:    dateTime(d.Modified),
		LandingPage: dcatRef{u.file(dd, dd)},
	}
	if c.base != "" {
		x.ID = u.page(dd) + "#dataset"
	}
	for _, l := range d.Licences {
		x.Licenses = append(x.Licenses, dcatRef{l})
	}
	if d.Covered {
		x.Temporal = &dcatPeriod{Type: "dct:PeriodOfTime",
			Start: typed{strconv.Itoa(d.From), "xsd:gYear"}, End: typed{strconv.Itoa(d.To), "xsd:gYear"}}
	}
	for _, s := range d.Sources {
		if s.URL != "" {
			x.Sources = append(x.Sources, dcatRef{s.URL})
		}
	}
	for _, f := range d.Files {
		x.Distributions = append(x.Distributions, dcatDistribution{
			Type:        "dcat:Distribution",
			Title:       f.Title,
			DownloadURL: dcatRef{u.file(dd+f.File, dd+f.File)},
			MediaType:   dcatRef{"https://www.iana.org/assignments/media-types/" + f.MediaType},
			ByteSize:    f.Bytes,
			Checksum: dcatChecksum{
				Type:      "spdx:Checksum",
				Algorithm: dcatRef{"spdx:checksumAlgorithm_sha256"},
				Value:     f.SHA256,
			},
		})
	}
	c.c.Datasets = append(c.c.Datasets, x)
}

// Marshal returns the catalogue as indented JSON, a line.
func (c *Catalog) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(c.c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return append(b, '\n'), nil
}
