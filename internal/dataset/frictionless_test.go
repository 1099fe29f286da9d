package dataset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ecmaRegexp is a pattern of the schemas, which are JSON Schema draft 4:
// ECMA 262 regular expressions, with the lookaheads that Go's regexp
// lacks (the dictionary's path pattern has two).
type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return err == nil && ok
}

func (r ecmaRegexp) String() string { return r.re.String() }

func compileECMA(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return ecmaRegexp{re}, nil
}

// frictionlessDir holds the official Frictionless JSON Schemas (v1), as
// testdata/frictionless/README.md says where from.
var frictionlessDir = filepath.Join("testdata", "frictionless")

// frictionless compiles the official profiles: each refers to
// schemas/dictionary.json relative to the folder it sits in.
func frictionless(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(compileECMA)
	out := map[string]*jsonschema.Schema{}
	for _, profile := range []string{"data-package", "tabular-data-package", "tabular-data-resource", "table-schema"} {
		path, err := filepath.Abs(filepath.Join(frictionlessDir, profile+".json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(path)
		if err != nil {
			t.Fatalf("compile the official %s schema: %v", profile, err)
		}
		out[profile] = s
	}
	return out
}

// checkDescriptor validates a descriptor's JSON against the profiles it
// claims: data package and tabular data package for the whole, tabular data
// resource for each resource and table schema for each schema.
func checkDescriptor(t *testing.T, profiles map[string]*jsonschema.Schema, name string, b []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, p := range []string{"data-package", "tabular-data-package"} {
		if err := profiles[p].Validate(doc); err != nil {
			t.Errorf("%s does not pass the %s profile: %v", name, p, err)
		}
	}
	for i, r := range doc.(map[string]any)["resources"].([]any) {
		if err := profiles["tabular-data-resource"].Validate(r); err != nil {
			t.Errorf("%s resource %d does not pass the tabular-data-resource profile: %v", name, i, err)
		}
		if err := profiles["table-schema"].Validate(r.(map[string]any)["schema"]); err != nil {
			t.Errorf("%s resource %d: its schema does not pass the table-schema profile: %v", name, i, err)
		}
	}
}

// Every dataset's descriptor, as the pipeline writes one, passes the
// official profiles.
func TestDescriptorsPassTheOfficialProfiles(t *testing.T) {
	profiles := frictionless(t)
	for _, def := range []*Definition{MilitaryExpenditure, CBMReports, AuditOutcomes, RiskReports} {
		t.Run(def.Name, func(t *testing.T) {
			d := exampleDescriptor(t)
			d.Name, d.Title, d.Description, d.Keywords, d.Method = def.Name, def.Title, def.Description, def.Keywords, def.Method
			d.Resources = []Resource{
				NewResource(def.Name, def.Name+".parquet", "parquet", []byte("PAR1"), 1, def.Schema),
				NewResource(def.Name+"-csv", def.Name+".csv", "csv", []byte("a\n"), 1, def.Schema),
			}
			d.Changes = &VersionChanges{Previous: "2026-11-25", Added: 1, Revisions: 2, Replaced: 3, Material: 1}
			b, err := d.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			checkDescriptor(t, profiles, def.Name, b)
		})
	}
	// The golden descriptor, as committed.
	b, err := os.ReadFile(filepath.Join("testdata", "descriptor", "military-expenditure.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkDescriptor(t, profiles, "the golden descriptor", b)
}

// The check can fail: what the profiles reject is rejected. (Draft 4
// ignores keywords beside a $ref, so the schemas require a profile but
// cannot pin its value; TestDescriptorGolden pins that.)
func TestDescriptorProfilesReject(t *testing.T) {
	profiles := frictionless(t)
	for _, tt := range []struct {
		name string
		edit func(d *Descriptor)
	}{
		{"a resource without its profile", func(d *Descriptor) { d.Resources[0].Profile = "" }},
		{"a package without its profile", func(d *Descriptor) { d.Profile = "" }},
		{"a name with capitals", func(d *Descriptor) { d.Name = "Military Expenditure" }},
		{"an unknown field type", func(d *Descriptor) { d.Resources[0].Schema.Fields[0].Type = "text" }},
		{"a hash that is not hex", func(d *Descriptor) { d.Resources[0].Hash = "sha256:xyz" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := exampleDescriptor(t)
			tt.edit(d)
			b, err := d.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			err = profiles["tabular-data-package"].Validate(doc)
			var verr *jsonschema.ValidationError
			if !errors.As(err, &verr) {
				t.Errorf("tabular-data-package accepted %s (error %v)", tt.name, err)
			}
		})
	}
}
