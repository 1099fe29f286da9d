// Package catalog describes the site's datasets for machines: the
// schema.org Dataset in JSON-LD that each dataset page carries, for search
// engines, and the DCAT catalogue of all of them (catalog.json), for data
// portals that harvest DCAT. Addresses are absolute under the site's base
// URL, or relative where the site has none.
package catalog

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Dataset is what the catalogue says about one dataset.
type Dataset struct {
	Name        string // identifier, and the dataset's directory under datasets/
	Title       string
	Description string
	Keywords    []string
	Version     string
	Modified    string // RFC 3339, or ""
	Licences    []string
	// From and To are the years the data covers, when Covered.
	From, To  int
	Covered   bool
	Publisher string // the site's title
	Credit    string // the sources' attributions
	Citation  string // how to cite it, in words
	Sources   []Source
	Fields    []Field
	Files     []File
}

// Source is a publisher the dataset's rows come from.
type Source struct {
	Title, URL, LicenceURL string // URL and LicenceURL are "" or http(s)
}

// Field is one column of the dataset.
type Field struct {
	Name, Description, Unit string
}

// File is one download of the dataset, in its directory.
type File struct {
	Title     string
	File      string
	MediaType string
	Bytes     int64
	Size      string // Bytes for reading, e.g. "1.5 kB"
	SHA256    string
}

// urls makes the addresses: base is the site's base URL with a trailing
// slash, or "".
type urls string

// page returns the URL of a path from the site's root, or "" without a
// base URL.
func (u urls) page(path string) string {
	if u == "" {
		return ""
	}
	return string(u) + path
}

// file returns the URL of a file: absolute under the base URL, or rel.
func (u urls) file(path, rel string) string {
	if u == "" {
		return rel
	}
	return string(u) + path
}

func dir(name string) string { return "datasets/" + name + "/" }

// ldDataset is schema.org's Dataset, the part of it search engines and
// catalogues read.
type ldDataset struct {
	Context             string       `json:"@context"`
	Type                string       `json:"@type"`
	Name                string       `json:"name"`
	Description         string       `json:"description"`
	URL                 string       `json:"url,omitempty"`
	Identifier          string       `json:"identifier"`
	Version             string       `json:"version,omitempty"`
	DateModified        string       `json:"dateModified,omitempty"`
	Keywords            []string     `json:"keywords,omitempty"`
	License             any          `json:"license,omitempty"`
	IsAccessibleForFree bool         `json:"isAccessibleForFree"`
	CreditText          string       `json:"creditText,omitempty"`
	Citation            string       `json:"citation,omitempty"`
	Creator             []ldOrg      `json:"creator,omitempty"`
	Publisher           ldOrg        `json:"publisher"`
	TemporalCoverage    string       `json:"temporalCoverage,omitempty"`
	SpatialCoverage     *ldPlace     `json:"spatialCoverage,omitempty"`
	VariableMeasured    []ldVariable `json:"variableMeasured,omitempty"`
	Distribution        []ldDownload `json:"distribution"`
	IsBasedOn           []ldWork     `json:"isBasedOn,omitempty"`
}

type ldOrg struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ldPlace struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldVariable struct {
	Type        string `json:"@type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	UnitText    string `json:"unitText,omitempty"`
}

type ldDownload struct {
	Type           string `json:"@type"`
	Name           string `json:"name"`
	EncodingFormat string `json:"encodingFormat"`
	ContentURL     string `json:"contentUrl"`
	ContentSize    string `json:"contentSize"`
	SHA256         string `json:"sha256"`
}

type ldWork struct {
	Type    string `json:"@type"`
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	License string `json:"license,omitempty"`
}

// temporal returns the dataset's span as schema.org writes it.
func (d *Dataset) temporal() string {
	if !d.Covered {
		return ""
	}
	if d.From == d.To {
		return strconv.Itoa(d.From)
	}
	return strconv.Itoa(d.From) + "/" + strconv.Itoa(d.To)
}

// JSONLD returns the dataset's schema.org description for its page at
// base (the site's base URL or ""), marshalled with <, > and & escaped, so
// that it cannot end the script element it goes in.
func (d *Dataset) JSONLD(base string) (string, error) {
	u := urls(base)
	ld := ldDataset{
		Context: "https://schema.org/", Type: "Dataset",
		Name: d.Title, Description: d.Description, URL: u.page(dir(d.Name)), Identifier: d.Name,
		Version: d.Version, DateModified: d.Modified,
		Keywords: d.Keywords, IsAccessibleForFree: true, CreditText: d.Credit, Citation: d.Citation,
		Publisher:        ldOrg{Type: "Organization", Name: d.Publisher},
		TemporalCoverage: d.temporal(),
	}
	if d.Covered {
		ld.SpatialCoverage = &ldPlace{Type: "Place", Name: "World"}
	}
	for _, f := range d.Fields {
		ld.VariableMeasured = append(ld.VariableMeasured, ldVariable{Type: "PropertyValue", Name: f.Name, Description: f.Description, UnitText: f.Unit})
	}
	ld.Distribution = []ldDownload{}
	for _, f := range d.Files {
		ld.Distribution = append(ld.Distribution, ldDownload{
			Type: "DataDownload", Name: f.Title, EncodingFormat: f.MediaType,
			ContentURL: u.file(dir(d.Name)+f.File, f.File), ContentSize: f.Size, SHA256: f.SHA256,
		})
	}
	for _, s := range d.Sources {
		ld.Creator = append(ld.Creator, ldOrg{Type: "Organization", Name: s.Title, URL: s.URL})
		ld.IsBasedOn = append(ld.IsBasedOn, ldWork{Type: "CreativeWork", Name: s.Title, URL: s.URL, License: s.LicenceURL})
	}
	switch len(d.Licences) {
	case 0:
	case 1:
		ld.License = d.Licences[0]
	default:
		ld.License = d.Licences
	}
	b, err := json.Marshal(ld)
	if err != nil {
		return "", fmt.Errorf("catalog: dataset %s: json-ld: %w", d.Name, err)
	}
	return string(b), nil
}
