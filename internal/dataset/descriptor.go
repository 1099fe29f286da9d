package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// DescriptorFile is the name of the descriptor beside a dataset's files.
const DescriptorFile = "datapackage.json"

// Descriptor is a Frictionless Tabular Data Package descriptor
// (datapackage.json): what a dataset is, who published its sources under
// which licence, and the schema, size and hash of each file. Properties the
// specification has no name for start with x_, as it allows; sample is the
// exception, kept short because the site and the pipeline key on it.
type Descriptor struct {
	Profile     string      `json:"profile"` // "tabular-data-package"
	Name        string      `json:"name"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Version     string      `json:"version"` // e.g. "2026-11-25" or "2026-11-25.2"
	Created     string      `json:"created"` // RFC 3339 UTC time of this version
	Sample      bool        `json:"sample"`  // true when built from the bundled offline mirror
	Homepage    string      `json:"homepage,omitempty"`
	Keywords    []string    `json:"keywords,omitempty"`
	Licenses    []License   `json:"licenses"`
	Sources     []SourceRef `json:"sources"`
	Resources   []Resource  `json:"resources"`
	Method      string      `json:"x_method,omitempty"`
	// Changes counts what this version changed against the one before,
	// so a history can be listed without diffing every pair again.
	Changes *VersionChanges `json:"x_changes,omitempty"`
}

// VersionChanges counts the rows a version added, removed and changed
// against the previous version (Previous; empty for the first).
type VersionChanges struct {
	Previous  string `json:"previous,omitempty"`
	Added     int    `json:"added"`
	Removed   int    `json:"removed"`
	Changed   int    `json:"changed"`
	Revisions int    `json:"revisions"` // changed rows whose figure changed
	Markers   int    `json:"markers"`   // changed rows whose missing-value marker changed
}

// TabularDataPackage is the profile of every descriptor this package writes.
const TabularDataPackage = "tabular-data-package"

// License is a licence of the data package, as the specification describes
// one: a name (an Open Definition identifier such as "CC-BY-4.0"), a path
// (the licence's URL) or both, and a title.
type License struct {
	Name  string `json:"name,omitempty"`
	Path  string `json:"path,omitempty"`
	Title string `json:"title,omitempty"`
}

// SourceRef is one source of the data, with the title and path the
// specification names, plus the source's identifier, licence, the
// attribution its publisher asks for, how many rows came from it and when
// it last changed.
type SourceRef struct {
	Name        string `json:"x_name,omitempty"` // the source's identifier in the sources file, e.g. "sipri"
	Title       string `json:"title"`
	Path        string `json:"path,omitempty"` // the publisher's page for the data
	Licence     string `json:"x_license,omitempty"`
	LicenceURL  string `json:"x_license_path,omitempty"`
	Attribution string `json:"x_attribution,omitempty"`
	Rows        int    `json:"x_rows"`
	Updated     string `json:"x_updated,omitempty"` // RFC 3339 time of the source's data last used
	// Terms is what the publisher's terms allow: "open", "excerpt" or
	// "link"; Permission, a permission that lifts them; Withheld, the rows
	// that the terms keep out of the file (see withheld.go).
	Terms      string      `json:"x_terms,omitempty"`
	Permission *Permission `json:"x_permission,omitempty"`
	Withheld   *Withheld   `json:"x_withheld,omitempty"`
}

// Resource is one file of the data package.
type Resource struct {
	Name      string      `json:"name"`
	Path      string      `json:"path"`
	Format    string      `json:"format"`             // "parquet" or "csv"
	MediaType string      `json:"mediatype"`          // ParquetMediaType or CSVMediaType
	Encoding  string      `json:"encoding,omitempty"` // text files only: "utf-8"
	Bytes     int64       `json:"bytes"`
	Hash      string      `json:"hash"` // "sha256:<hex>"
	Rows      int         `json:"x_rows"`
	Schema    TableSchema `json:"schema"`
}

// TableSchema is a Frictionless Table Schema.
type TableSchema struct {
	Fields        []SchemaField `json:"fields"`
	PrimaryKey    []string      `json:"primaryKey"`
	MissingValues []string      `json:"missingValues"`
}

// SchemaField is one field of a Table Schema. Unit, which the specification
// has no name for, says what a number measures or which column holds its
// unit.
type SchemaField struct {
	Name        string       `json:"name"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Type        string       `json:"type"`
	Unit        string       `json:"x_unit,omitempty"`
	Constraints *Constraints `json:"constraints,omitempty"`
}

// Constraints are a Table Schema field's constraints. Pattern is a regular
// expression that must match the whole value, as the specification reads
// it (no ^ and $).
type Constraints struct {
	Required bool     `json:"required,omitempty"`
	Unique   bool     `json:"unique,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
	Minimum  *float64 `json:"minimum,omitempty"`
	Maximum  *float64 `json:"maximum,omitempty"`
}

// TableSchemaOf returns s as a Table Schema. The empty string is the only
// missing value: that is how CSV files of the dataset write null.
func TableSchemaOf(s *Schema) TableSchema {
	ts := TableSchema{
		Fields:        make([]SchemaField, len(s.Fields)),
		PrimaryKey:    append([]string{}, s.PrimaryKey...),
		MissingValues: []string{""},
	}
	for i, f := range s.Fields {
		sf := SchemaField{
			Name:        f.Name,
			Title:       f.Title,
			Description: f.Description,
			Type:        string(f.Type),
			Unit:        f.Unit,
		}
		c := Constraints{
			Required: f.Required,
			Unique:   len(s.PrimaryKey) == 1 && s.PrimaryKey[0] == f.Name,
			Enum:     append([]string(nil), f.Enum...),
			Minimum:  copyFloat(f.Min),
			Maximum:  copyFloat(f.Max),
		}
		if f.Pattern != nil {
			c.Pattern = wholeMatchPattern(f.Pattern.String())
		}
		if c.Required || c.Unique || len(c.Enum) > 0 || c.Pattern != "" || c.Minimum != nil || c.Maximum != nil {
			sf.Constraints = &c
		}
		ts.Fields[i] = sf
	}
	return ts
}

func copyFloat(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// wholeMatchPattern turns a Go regular expression, which matches anywhere
// unless anchored, into a Table Schema pattern, which must match the whole
// value and has no anchors: each top-level alternative loses its ^ and $,
// and gets .* where it had none.
func wholeMatchPattern(p string) string {
	branches := topLevelBranches(p)
	for i, b := range branches {
		start := strings.HasPrefix(b, "^")
		end := strings.HasSuffix(b, "$") && !strings.HasSuffix(b, `\$`)
		if start {
			b = b[1:]
		} else {
			b = ".*" + b
		}
		if end {
			b = b[:len(b)-1]
		} else {
			b += ".*"
		}
		branches[i] = b
	}
	return strings.Join(branches, "|")
}

// topLevelBranches splits p at each | outside any group or class.
func topLevelBranches(p string) []string {
	var branches []string
	depth, class, from := 0, false, 0
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case class:
			if c == ']' {
				class = false
			}
		case c == '[':
			class = true
			// A ] first in a class, after any ^, is a literal.
			if i+1 < len(p) && p[i+1] == '^' {
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			branches = append(branches, p[from:i])
			from = i + 1
		}
	}
	return append(branches, p[from:])
}

// NewResource describes a file of the package from its content: name and
// path as the package names it, format "parquet" or "csv", and the number
// of rows it holds.
func NewResource(name, path, format string, content []byte, rows int, s *Schema) Resource {
	r := Resource{
		Name:   name,
		Path:   path,
		Format: format,
		Bytes:  int64(len(content)),
		Hash:   ContentHash(content),
		Rows:   rows,
		Schema: TableSchemaOf(s),
	}
	switch format {
	case "parquet":
		r.MediaType = ParquetMediaType
	case "csv":
		r.MediaType = CSVMediaType
		r.Encoding = "utf-8"
	}
	return r
}

// ContentHash returns the SHA-256 of b as a descriptor writes it:
// "sha256:<hex>".
func ContentHash(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Marshal returns the descriptor as JSON indented by two spaces, with a
// trailing newline and properties in a fixed order. Characters such as <
// and & are written as they are, for people who read the file. Missing
// licences, sources and resources are written as empty lists, which the
// specification requires rather than null.
func (d *Descriptor) Marshal() ([]byte, error) {
	out := *d
	if out.Licenses == nil {
		out.Licenses = []License{}
	}
	if out.Sources == nil {
		out.Sources = []SourceRef{}
	}
	if out.Resources == nil {
		out.Resources = []Resource{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil { // Encode ends with a newline
		return nil, fmt.Errorf("dataset: marshal descriptor: %w", err)
	}
	return buf.Bytes(), nil
}

// ReadDescriptor reads a datapackage.json file.
func ReadDescriptor(path string) (*Descriptor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: read descriptor: %w", err)
	}
	var d Descriptor
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("dataset: read descriptor %s: %w", path, err)
	}
	return &d, nil
}
