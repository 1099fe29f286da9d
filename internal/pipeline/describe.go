package pipeline

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// describe returns the descriptor of a dataset version: rows counts each
// source's rows, withheld says what the terms keep out of the file and
// leftOut lists what each source's last collection left out (its
// warnings), parquet is the data file and n its row count. Version and
// Created are left for the caller; each source's Updated is carried over
// from prev.
func describe(def *dataset.Definition, rows map[string]int, withheld []*withholding, leftOut map[string][]string, sources []collect.Source, prev *dataset.Descriptor, parquet []byte, n int, sample bool) *dataset.Descriptor {
	updated := map[string]string{}
	if prev != nil {
		for _, s := range prev.Sources {
			updated[s.Name] = s.Updated
		}
	}
	d := &dataset.Descriptor{
		Profile:     dataset.TabularDataPackage,
		Name:        def.Name,
		Title:       def.Title,
		Description: def.Description,
		Sample:      sample,
		Keywords:    def.Keywords,
		Method:      def.Method,
	}
	if sample {
		d.Title = "SAMPLE DATA: " + d.Title
		d.Description = "Sample data built from the bundled offline mirror, not the publishers' live files; do not cite. " + d.Description
	}
	held := map[string]*dataset.Withheld{}
	for _, w := range withheld {
		held[w.src.Name] = w.entry
	}
	seen := map[string]bool{}
	for _, s := range sources {
		ref := dataset.SourceRef{
			Name: s.Name, Title: s.Title, Path: s.Homepage, Licence: s.Licence, LicenceURL: s.LicenceURL,
			Attribution: s.Attribution, Rows: rows[s.Name], Updated: updated[s.Name],
			Terms: string(s.Terms), Withheld: held[s.Name], LeftOut: leftOut[s.Name],
		}
		if p := s.Permission; p != nil {
			ref.Permission = &dataset.Permission{GrantedBy: p.GrantedBy, Granted: p.Granted, Reference: p.Reference, Scope: p.Scope}
		}
		d.Sources = append(d.Sources, ref)
		// The package's licences are those of what the file holds.
		if key := s.Licence + "\x00" + s.LicenceURL; s.Licence != "" && s.Publishes() && !seen[key] {
			seen[key] = true
			d.Licenses = append(d.Licenses, dataset.License{Title: s.Licence, Path: s.LicenceURL})
		}
	}
	d.Resources = []dataset.Resource{dataset.NewResource(def.Name, def.Name+".parquet", "parquet", parquet, n, def.Schema)}
	return d
}

func sameDescription(a, b *dataset.Descriptor) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, err1 := a.Marshal()
	y, err2 := b.Marshal()
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// Readme returns the README.md of a dataset's directory: what it is, its
// files, schema, sources, licences and how to cite it. desc is nil before
// the first version is published; then sources come from the sources file.
func Readme(def *dataset.Definition, desc *dataset.Descriptor) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	title := def.Title
	if desc != nil {
		title = desc.Title
	}
	p("# %s\n\n", title)
	if desc != nil && desc.Sample {
		p("> **Sample data.** These files were built from the bundled offline mirror, not the publishers' live files. Do not cite them.\n\n")
	}
	p("%s\n\n", def.Description)
	if desc == nil {
		p("No version has been published here yet: the scheduled job (`publish run --live`, see the repository's README) writes the data files into this directory and commits each version.\n\n")
	} else {
		p("Version **%s**, published %s, %s rows.\n\n", desc.Version, desc.Created, dataset.Thousands(desc.Resources[0].Rows))
		for _, s := range desc.WithheldSources() {
			p("**Withheld:** %s rows from %s are not in these files, because %s; see [Sources and licences](#sources-and-licences).\n\n",
				dataset.Thousands(s.Withheld.Rows), s.Title, s.Withheld.Reason)
		}
	}
	p("## Files\n\n")
	p("- `%s.parquet`: the data, one row per %s, sorted by the primary key; uncompressed Parquet so that git stores versions compactly.\n", def.Name, strings.Join(def.Schema.PrimaryKey, ", "))
	p("- `datapackage.json`: the [Frictionless Data Package](https://datapackage.org/) descriptor: schema, units, licences, sources, row count, size and SHA-256.\n")
	p("- CSV and compressed Parquet copies are made by the site build and offered for download on the dataset's page.\n\n")
	p("Every published version is a git commit (tagged `%s/<version>`); `publish history %s` lists them and `publish diff %s` shows what changed row by row.\n\n", def.Name, def.Name, def.Name)
	p("## Schema\n\nPrimary key: %s.\n\n", codeList(def.Schema.PrimaryKey))
	p("| Field | Type | Unit | Required | Description |\n|---|---|---|---|---|\n")
	for _, f := range def.Schema.Fields {
		req := ""
		if f.Required {
			req = "yes"
		}
		desc := f.Description
		if len(f.Enum) > 0 {
			desc += " One of: " + codeList(f.Enum) + "."
		}
		p("| `%s` | %s | %s | %s | %s |\n", f.Name, f.Type, mdCell(f.Unit), req, mdCell(desc))
	}
	unitsSection(&b, def)
	aggregatesSection(&b, def)
	p("\n## Method\n\n%s\n\n", def.Method)
	if desc != nil && len(desc.Sources) > 0 {
		p("## Sources and licences\n\n")
		for _, s := range desc.Sources {
			p("### %s\n\n", s.Title)
			if s.Path != "" {
				p("- Publisher's page: <%s>\n", s.Path)
			}
			if s.Licence != "" {
				if s.LicenceURL != "" {
					p("- Licence: [%s](%s)\n", s.Licence, s.LicenceURL)
				} else {
					p("- Licence: %s\n", s.Licence)
				}
			}
			if s.Attribution != "" {
				p("- Attribution: %s\n", s.Attribution)
			}
			if s.Terms != "" {
				p("- What its terms allow: %s\n", termsText(s.Terms))
			}
			if pm := s.Permission; pm != nil {
				p("- Published under a permission granted by %s on %s (%s)", pm.GrantedBy, pm.Granted, pm.Reference)
				if pm.Scope != "" {
					p(": %s", pm.Scope)
				}
				p("\n")
			}
			if w := s.Withheld; w != nil {
				p("- **Withheld:** %s rows, not in this dataset's files, because %s.", dataset.Thousands(w.Rows), w.Reason)
				if w.Download != "" {
					p(" The publisher offers them at <%s>.", w.Download)
				}
				p("\n")
				switch c := w.Changes; {
				case c == nil:
					p("- Changes to the withheld rows in this version: not counted (the previous version's rows were not in the cache of the run that built it).\n")
				case c.Previous == "":
					p("- Changes to the withheld rows in this version: first version, %s rows.\n", dataset.Thousands(c.Added))
				default:
					p("- Changes to the withheld rows since version %s: %s added, %s removed, %s changed (%s revisions of figures).\n",
						c.Previous, dataset.Thousands(c.Added), dataset.Thousands(c.Removed), dataset.Thousands(c.Changed), dataset.Thousands(c.Revisions))
				}
				p("- Rows in this dataset's files: none (source name `%s`)\n", s.Name)
				leftOutLines(p, s.LeftOut)
				continue
			}
			p("- Rows: %s (source name `%s` in the `source` column)\n", dataset.Thousands(s.Rows), s.Name)
			leftOutLines(p, s.LeftOut)
		}
		p("## How to cite\n\n")
		p("%s, version %s (%s). Published with publish, from:", strings.TrimPrefix(desc.Title, "SAMPLE DATA: "), desc.Version, desc.Created[:min(10, len(desc.Created))])
		for _, s := range desc.Sources {
			if s.Attribution != "" && s.Withheld == nil {
				p(" %s.", strings.TrimSuffix(s.Attribution, "."))
			}
		}
		p("\n")
	}
	return b.Bytes()
}

// ReadmeFor returns the README of a dataset that has no published version
// yet, listing the sources the sources file names for it.
func ReadmeFor(def *dataset.Definition, cfg *collect.Config) []byte {
	b := Readme(def, nil)
	var extra bytes.Buffer
	var srcs []collect.Source
	for _, s := range cfg.Sources {
		if s.Dataset == def.Name {
			srcs = append(srcs, s)
		}
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].Name < srcs[j].Name })
	if len(srcs) > 0 {
		extra.WriteString("## Sources and licences\n\n")
		for _, s := range srcs {
			fmt.Fprintf(&extra, "### %s\n\n- Publisher's page: <%s>\n", s.Title, s.Homepage)
			if s.LicenceURL != "" {
				fmt.Fprintf(&extra, "- Licence: [%s](%s)\n", s.Licence, s.LicenceURL)
			} else if s.Licence != "" {
				fmt.Fprintf(&extra, "- Licence: %s\n", s.Licence)
			}
			if s.Attribution != "" {
				fmt.Fprintf(&extra, "- Attribution: %s\n", s.Attribution)
			}
			fmt.Fprintf(&extra, "- What its terms allow: %s\n", termsText(string(s.Terms)))
			if !s.Publishes() {
				fmt.Fprintf(&extra, "- **Withheld:** its rows are not committed here, because %s. The publisher offers them at <%s>.\n", s.WithheldReason(), s.DownloadURL())
			}
			fmt.Fprintf(&extra, "- Source name: `%s`\n\n", s.Name)
		}
	}
	return append(b, extra.Bytes()...)
}

// termsText says in words what a source's terms allow.
func termsText(terms string) string {
	switch collect.Terms(terms) {
	case collect.TermsOpen:
		return "redistribution of the whole data under its licence (`terms = \"open\"`)"
	case collect.TermsExcerpt:
		return "excerpts only (`terms = \"excerpt\"`): the site shows each country's own figures on its page"
	case collect.TermsLink:
		return "no reproduction of the data (`terms = \"link\"`): the site links to the publisher's own download"
	}
	return terms
}

func codeList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// unitsSection writes the one unit of each measure of a dataset that
// declares units, and how to get a figure back as its source published it.
func unitsSection(b *bytes.Buffer, def *dataset.Definition) {
	u := def.Schema.Units
	if u == nil {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("\n## Units\n\n")
	p("Every `%s` has one unit, whatever the source, stated in `%s`; no two sources' figures of one %s differ by a power of ten.\n\n",
		u.SeriesField, u.UnitField, u.SeriesField)
	p("| `%s` | `%s` | a figure is |\n|---|---|---|\n", u.SeriesField, u.UnitField)
	for _, su := range u.Series {
		name := "`" + su.Series + "`"
		if su.Prefix {
			name = "`" + su.Series + "<base year>`"
		}
		p("| %s | %s | %s |\n", name, su.Unit, mdCell(su.Meaning))
	}
	if u.SourceUnitField == "" {
		return
	}
	p("\nWhere a source published in another unit, its figure was converted by moving the decimal point of the published digits, never by a ")
	p("binary floating-point multiplication (0.033 becomes exactly 3.3, not 3.3000000000000003), and `%s` keeps the unit it was published in. ", u.SourceUnitField)
	p("To get the published figure back, move the decimal point back:\n\n")
	p("| `%s` | `%s` | published figure |\n|---|---|---|\n", u.UnitField, u.SourceUnitField)
	for _, c := range u.Conversions {
		n, _ := dataset.UnitShift(c.To, c.From)
		p("| %s | %s | `value` %s |\n", c.To, c.From, shiftText(n))
	}
	p("\nFor example, in DuckDB:\n\n```sql\nSELECT country_iso3, year, %s, source, value, %s, %s,\n", u.SeriesField, u.UnitField, u.SourceUnitField)
	p("       CASE %s\n", u.SourceUnitField)
	for _, c := range u.Conversions {
		n, _ := dataset.UnitShift(c.To, c.From)
		p("         WHEN '%s' THEN value %s\n", c.From, shiftSQL(n))
	}
	p("         ELSE value END AS value_as_published\nFROM '%s.parquet'\nWHERE %s <> %s;\n```\n\n", def.Name, u.SourceUnitField, u.UnitField)
	p("The result equals the published figure at the publishers' precision (15 significant digits); its exact digits are those of `value` with the decimal point moved.\n")
}

// shiftText says in words what moving the decimal point by n places does.
func shiftText(n int) string {
	if n > 0 {
		return "× " + dataset.Thousands(pow10(n))
	}
	return "÷ " + dataset.Thousands(pow10(-n))
}

// shiftSQL is the SQL of moving the decimal point by n places: "* 1e6".
func shiftSQL(n int) string {
	if n > 0 {
		return fmt.Sprintf("* 1e%d", n)
	}
	return fmt.Sprintf("/ 1e%d", -n)
}

func pow10(n int) int {
	x := 1
	for range n {
		x *= 10
	}
	return x
}

// aggregatesSection says which rows are aggregates, for a dataset that
// marks them, in the words of the schema's own descriptions.
func aggregatesSection(b *bytes.Buffer, def *dataset.Definition) {
	s := def.Schema
	i := s.Index(dataset.AggregateField)
	if i < 0 {
		return
	}
	fmt.Fprintf(b, "\n## Aggregates\n\n`%s`: %s Aggregates are published so that world and regional totals can be read beside "+
		"the countries' figures; their codes are explained under `%s` above. Select `WHERE NOT %s` for states only.\n",
		dataset.AggregateField, s.Fields[i].Description, dataset.CountryField, dataset.AggregateField)
}

// leftOutLines writes what a source's last collection left out, counted, or
// that it left out nothing, and ends the source's list.
func leftOutLines(p func(string, ...any), leftOut []string) {
	if len(leftOut) == 0 {
		p("- Left out by its last collection: nothing\n\n")
		return
	}
	p("- Left out by its last collection (%d):\n", len(leftOut))
	for _, w := range leftOut {
		p("  - %s\n", mdCell(w))
	}
	p("\n")
}
