package dataset

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// exampleDescriptor is the descriptor of a small military-expenditure
// release, with every property set.
func exampleDescriptor(t testing.TB) *Descriptor {
	t.Helper()
	def := MilitaryExpenditure
	// Fixed content, so the golden file does not change with the Parquet
	// writer (which TestWriteParquetGolden watches).
	content := []byte("PAR1 stand-in for the Parquet file PAR1")
	return &Descriptor{
		Profile:     TabularDataPackage,
		Name:        def.Name,
		Title:       def.Title,
		Description: def.Description,
		Version:     "2026-11-25.2",
		Created:     "2026-11-25T06:00:00Z",
		Sample:      true,
		Homepage:    "https://example.org/datasets/military-expenditure/",
		Keywords:    def.Keywords,
		Licenses: []License{
			{Name: "CC-BY-4.0", Path: "https://creativecommons.org/licenses/by/4.0/", Title: "Creative Commons Attribution 4.0"},
		},
		Sources: []SourceRef{
			{Name: SourceSIPRI, Title: "SIPRI Military Expenditure Database", Path: "https://www.sipri.org/databases/milex",
				Licence: "SIPRI terms of use", LicenceURL: "https://www.sipri.org/databases/terms",
				Attribution: "SIPRI Military Expenditure Database, 2024", Rows: 7, Updated: "2026-04-27T00:00:00Z"},
			{Name: SourceWorldBank, Title: "World Bank World Development Indicators", Path: "https://data.worldbank.org/indicator/MS.MIL.XPND.GD.ZS",
				Licence: "CC-BY-4.0", LicenceURL: "https://creativecommons.org/licenses/by/4.0/", Rows: 1},
		},
		Resources: []Resource{NewResource(def.Name, def.Name+".parquet", "parquet", content, 8, def.Schema)},
		Method:    def.Method,
	}
}

func TestDescriptorGolden(t *testing.T) {
	d := exampleDescriptor(t)
	got, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "descriptor", "military-expenditure.json")
	if *update {
		if err := WriteFileAtomicBytes(path, got); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Marshal() differs from %s (-want +got):\n%s", path, diff)
	}
	back, err := ReadDescriptor(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, back); diff != "" {
		t.Errorf("ReadDescriptor(%s) differs (-want +got):\n%s", path, diff)
	}
}

func TestDescriptorMarshal(t *testing.T) {
	tests := []struct {
		name string
		d    *Descriptor
	}{
		{"full", exampleDescriptor(t)},
		{"minimal", &Descriptor{Profile: TabularDataPackage, Name: "x", Licenses: []License{}, Sources: []SourceRef{}, Resources: []Resource{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.d.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if b[len(b)-1] != '\n' || b[len(b)-2] == '\n' {
				t.Errorf("Marshal() does not end with exactly one newline")
			}
			again, err := tt.d.Marshal()
			if err != nil || string(again) != string(b) {
				t.Errorf("Marshal() twice gave different output (err %v)", err)
			}
			var got Descriptor
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.d, &got); diff != "" {
				t.Errorf("Unmarshal(Marshal(d)) differs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDescriptorSpecNames checks the property names against the
// Frictionless specifications, reading the JSON as a generic consumer would.
func TestDescriptorSpecNames(t *testing.T) {
	b, err := (&Descriptor{Name: "empty"}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var empty map[string]any
	if err := json.Unmarshal(b, &empty); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"licenses", "sources", "resources"} {
		if v, ok := empty[key].([]any); !ok || len(v) != 0 {
			t.Errorf("descriptor without %s has %s = %#v, want []", key, key, empty[key])
		}
	}

	b, err = exampleDescriptor(t).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Profile   string           `json:"profile"`
		Licenses  []map[string]any `json:"licenses"`
		Sources   []map[string]any `json:"sources"`
		Resources []map[string]any `json:"resources"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.Profile != "tabular-data-package" {
		t.Errorf("profile = %q", d.Profile)
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	if diff := cmp.Diff([]string{"name", "path", "title"}, keys(d.Licenses[0])); diff != "" {
		t.Errorf("licence properties differ (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"path", "title", "x_attribution", "x_license", "x_license_path", "x_name", "x_rows", "x_updated"}, keys(d.Sources[0])); diff != "" {
		t.Errorf("source properties differ (-want +got):\n%s", diff)
	}
	res := d.Resources[0]
	if diff := cmp.Diff([]string{"bytes", "format", "hash", "mediatype", "name", "path", "profile", "schema", "x_rows"}, keys(res)); diff != "" {
		t.Errorf("resource properties differ (-want +got):\n%s", diff)
	}
	if res["mediatype"] != "application/vnd.apache.parquet" || res["format"] != "parquet" {
		t.Errorf("resource format, mediatype = %v, %v", res["format"], res["mediatype"])
	}
	if h, _ := res["hash"].(string); !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(h) {
		t.Errorf("resource hash = %q, want sha256:<64 hex digits>", h)
	}
	schema := res["schema"].(map[string]any)
	if diff := cmp.Diff([]string{"fields", "missingValues", "primaryKey"}, keys(schema)); diff != "" {
		t.Errorf("schema properties differ (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{""}, schema["missingValues"]); diff != "" {
		t.Errorf("missingValues differ (-want +got):\n%s", diff)
	}
	value := schema["fields"].([]any)[ExpenditureSchema.Index("value")].(map[string]any)
	if diff := cmp.Diff(map[string]any{
		"name": "value", "title": "Value", "type": "number", "x_unit": "the measure's unit (see unit)",
		"description": ExpenditureSchema.Fields[ExpenditureSchema.Index("value")].Description,
		"constraints": map[string]any{"minimum": 0.0},
	}, value); diff != "" {
		t.Errorf("value field differs (-want +got):\n%s", diff)
	}
}

func TestTableSchemaOfExpenditure(t *testing.T) {
	ts := TableSchemaOf(ExpenditureSchema)
	if diff := cmp.Diff(ExpenditureSchema.PrimaryKey, ts.PrimaryKey); diff != "" {
		t.Errorf("primary key differs (-want +got):\n%s", diff)
	}
	if len(ts.Fields) != len(ExpenditureSchema.Fields) {
		t.Fatalf("%d fields, want %d", len(ts.Fields), len(ExpenditureSchema.Fields))
	}
	for i, f := range ExpenditureSchema.Fields {
		got := ts.Fields[i]
		want := SchemaField{Name: f.Name, Title: f.Title, Description: f.Description, Type: string(f.Type), Unit: f.Unit}
		if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Constraints" }, cmp.Ignore())); diff != "" {
			t.Errorf("field %q differs (-want +got):\n%s", f.Name, diff)
		}
		if f.Title == "" || f.Description == "" {
			t.Errorf("field %q has no title or description", f.Name)
		}
		c := got.Constraints
		if c == nil {
			c = &Constraints{}
		}
		if c.Required != f.Required || !slices.Equal(c.Enum, f.Enum) || !equalBound(c.Minimum, f.Min) || !equalBound(c.Maximum, f.Max) || (c.Pattern != "") != (f.Pattern != nil) {
			t.Errorf("field %q constraints = %+v, want those of %+v", f.Name, *c, f)
		}
	}
}

func equalBound(a, b *float64) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// TestTableSchemaPatterns checks that each Table Schema pattern, read as
// the specification reads it (matching the whole value), accepts and
// rejects what the Go pattern does.
func TestTableSchemaPatterns(t *testing.T) {
	samples := []string{"", "AFG", "afg", "AFGX", " AFG", "XKX", "current_usd", "constant_usd_2022", "constant_usd_22",
		"xcurrent_usd", "current_usdx", "sipri", "world-bank", "-x", "Sipri", "a|b"}
	ts := TableSchemaOf(ExpenditureSchema)
	for i, f := range ExpenditureSchema.Fields {
		if f.Pattern == nil {
			continue
		}
		whole := regexp.MustCompile(`^(?:` + ts.Fields[i].Constraints.Pattern + `)$`)
		for _, s := range samples {
			if got, want := whole.MatchString(s), f.Pattern.MatchString(s); got != want {
				t.Errorf("field %q: pattern %q matches %q = %v, Go pattern %q = %v", f.Name, ts.Fields[i].Constraints.Pattern, s, got, f.Pattern, want)
			}
		}
	}
}

func TestWholeMatchPattern(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`^[A-Z]{3}$`, `[A-Z]{3}`},
		{`^(a|b)$`, `(a|b)`},
		{`^a|b$`, `a.*|.*b`}, // (^a)|(b$)
		{`^a$|^b$`, `a|b`},
		{`^(?:a|b)c$`, `(?:a|b)c`},
		{`abc`, `.*abc.*`},
		{`^abc`, `abc.*`},
		{`abc$`, `.*abc`},
		{`a\$`, `.*a\$.*`},
		{`^[|]$`, `[|]`},
		{`^[]|]$`, `[]|]`},
		{`^[^]|]$`, `[^]|]`},
		{`^a\|b$`, `a\|b`},
	}
	for _, tt := range tests {
		if got := wholeMatchPattern(tt.in); got != tt.want {
			t.Errorf("wholeMatchPattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewResource(t *testing.T) {
	content := []byte("abc")
	tests := []struct {
		format string
		want   Resource
	}{
		{"parquet", Resource{Profile: TabularDataResource, Name: "x", Path: "x.parquet", Format: "parquet", MediaType: ParquetMediaType, Bytes: 3,
			Hash: "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Rows: 2, Schema: TableSchemaOf(allTypes)}},
		{"csv", Resource{Profile: TabularDataResource, Name: "x", Path: "x.csv", Format: "csv", MediaType: CSVMediaType, Encoding: "utf-8", Bytes: 3,
			Hash: "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Rows: 2, Schema: TableSchemaOf(allTypes)}},
	}
	for _, tt := range tests {
		got := NewResource("x", "x."+tt.format, tt.format, content, 2, allTypes)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("NewResource(%q) differs (-want +got):\n%s", tt.format, diff)
		}
	}
}
