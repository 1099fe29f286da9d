package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// checkOneUnit checks the rule of one unit per measure on a published
// table: every series of a dataset whose rows state their unit has exactly
// one, across all sources; every number of a dataset whose rows do not has
// one unit, fixed by its field.
func checkOneUnit(t *testing.T, def *dataset.Definition, tbl *dataset.Table) {
	t.Helper()
	if def.UnitField != "" {
		for series, units := range def.UnitsBySeries(tbl) {
			if len(units) != 1 {
				t.Errorf("%s: %s %q has %d units across sources: %q", def.Name, def.SeriesField, series, len(units), units)
			}
		}
		return
	}
	for _, f := range def.Schema.Fields {
		if f.Type == dataset.Number && (f.Unit == "" || strings.Contains(f.Unit, "×") || strings.Contains(f.Unit, "see ")) {
			t.Errorf("%s: number %s has no fixed unit (%q) and the rows state none", def.Name, f.Name, f.Unit)
		}
	}
}

// builtTables reads the datasets a build wrote into data, by name.
func builtTables(t *testing.T, data string) map[string]*dataset.Table {
	t.Helper()
	out := map[string]*dataset.Table{}
	for _, def := range definitions() {
		p := filepath.Join(data, "datasets", def.Name, def.Name+".parquet")
		tbl, err := dataset.ReadParquetFile(p, def.Schema)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out[def.Name] = tbl
	}
	return out
}

// frictionlessProfiles compiles the official Frictionless JSON Schemas
// vendored in internal/dataset/testdata/frictionless (see its README).
func frictionlessProfiles(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	// Draft 4 patterns are ECMA 262 regular expressions: the dictionary's
	// path pattern has lookaheads that Go's regexp lacks.
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecmaRegexp{re}, nil
	})
	out := map[string]*jsonschema.Schema{}
	for _, p := range []string{"data-package", "tabular-data-package", "tabular-data-resource", "table-schema"} {
		path, err := filepath.Abs(filepath.Join("..", "..", "internal", "dataset", "testdata", "frictionless", p+".json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(path)
		if err != nil {
			t.Fatalf("compile the official %s schema: %v", p, err)
		}
		out[p] = s
	}
	return out
}

type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return err == nil && ok
}
func (r ecmaRegexp) String() string { return r.re.String() }

// checkProfiles validates a descriptor against the profiles it claims.
func checkProfiles(t *testing.T, profiles map[string]*jsonschema.Schema, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, p := range []string{"data-package", "tabular-data-package"} {
		if err := profiles[p].Validate(doc); err != nil {
			t.Errorf("%s does not pass the %s profile: %v", path, p, err)
		}
	}
	resources, _ := doc.(map[string]any)["resources"].([]any)
	if len(resources) == 0 {
		t.Errorf("%s has no resources", path)
	}
	for i, r := range resources {
		if err := profiles["tabular-data-resource"].Validate(r); err != nil {
			t.Errorf("%s resource %d does not pass the tabular-data-resource profile: %v", path, i, err)
		}
		if err := profiles["table-schema"].Validate(r.(map[string]any)["schema"]); err != nil {
			t.Errorf("%s resource %d: its schema does not pass the table-schema profile: %v", path, i, err)
		}
	}
}

// TestSampleRunDatasets runs the whole pipeline on the bundled mirror and
// checks what it publishes: one unit per measure in every dataset, and every
// descriptor, committed and offered for download, valid against the
// official Frictionless profiles it claims.
func TestSampleRunDatasets(t *testing.T) {
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	if r := run(t, time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC), "run", "--sources", sourcesFile, "--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	tables := builtTables(t, data)
	if len(tables) != len(definitions()) {
		t.Fatalf("the sample run published %d datasets, want %d", len(tables), len(definitions()))
	}
	for _, def := range definitions() {
		checkOneUnit(t, def, tables[def.Name])
	}
	profiles := frictionlessProfiles(t)
	for _, def := range definitions() {
		checkProfiles(t, profiles, filepath.Join(data, "datasets", def.Name, dataset.DescriptorFile))
		checkProfiles(t, profiles, filepath.Join(public, "datasets", def.Name, dataset.DescriptorFile))
	}
}

// TestRealRunOneUnitPerMeasure builds military-expenditure from the real
// SIPRI 1948-2023 workbook and the World Bank's files (the 2026 share of
// GDP, the 2021 current US$) through file:// URLs: every measure has one
// unit, the unit it is declared in; the aggregates are published and
// marked.
func TestRealRunOneUnitPerMeasure(t *testing.T) {
	dir := realdata.Dir(t)
	tmp := t.TempDir()
	// With SIPRI's permission recorded, so that its rows are published.
	sources := permit(t, tmp, sourcesWith(t, tmp, map[string][]string{
		"sipri": {fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))},
		"worldbank": {fileURL(filepath.Join(dir, "worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip")),
			fileURL(filepath.Join(dir, "worldbank", "2021-10-28", "Expenditure.csv"))},
	}), "sipri")
	data := filepath.Join(tmp, "data")
	when := time.Date(2026, 2, 24, 12, 0, 0, 0, time.UTC)
	if r := run(t, when, "collect", "--sources", sources, "--data", data, "--source", "sipri", "--source", "worldbank"); r.code != exitOK {
		t.Fatalf("collect: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	// The other sources were not collected: their datasets fail, this one
	// is built.
	if r := run(t, when, "build", "--sources", sources, "--data", data); r.code != exitOK && r.code != exitPartial {
		t.Fatalf("build: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	tbl := builtTables(t, data)[dataset.MilitaryExpenditure.Name]
	if tbl == nil {
		t.Fatal("no military-expenditure built")
	}
	checkOneUnit(t, dataset.MilitaryExpenditure, tbl)
	units := dataset.MilitaryExpenditure.UnitsBySeries(tbl)
	for series, us := range units {
		if want, _ := dataset.ExpenditureUnits.Of(series); len(us) != 1 || us[0] != want {
			t.Errorf("%s in %q, want %s", series, us, want)
		}
	}
	aggregates := map[string]int{}
	for _, r := range dataset.Expenditures(tbl) {
		if r.Aggregate {
			aggregates[r.Source]++
		}
	}
	// SIPRI: the EU's 452 rows and 703 regional totals; the World Bank: the
	// aggregates' 2,678 shares of GDP (2026) and 2,264 current US$ (2021).
	if aggregates["sipri"] != 452+703 || aggregates["worldbank"] != 2678+2264 {
		t.Errorf("aggregate rows = %v, want sipri %d, worldbank %d", aggregates, 452+703, 2678+2264)
	}
	t.Logf("aggregate rows published: %v; measures and units: %v", aggregates, units)
}

// sourcesWith writes a copy of the repository's sources file with the
// URLs of the named sources replaced.
func sourcesWith(t *testing.T, dir string, urls map[string][]string) string {
	t.Helper()
	b, err := os.ReadFile(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for name, us := range urls {
		start := strings.Index(text, "name = \""+name+"\"")
		if start < 0 {
			t.Fatalf("no source %s in %s", name, sourcesFile)
		}
		i := start + strings.Index(text[start:], "urls = [")
		j := i + strings.Index(text[i:], "]")
		quoted := make([]string, len(us))
		for k, u := range us {
			quoted[k] = `"` + u + `"`
		}
		text = text[:i] + "urls = [" + strings.Join(quoted, ", ") + text[j:]
	}
	p := filepath.Join(dir, "sources-real.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
