package site

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// changeSite makes the pages and feeds about versions from the histories.
type changeSite struct {
	g         *generator
	urls      siteURLs
	names     *sourceNames
	pages     map[string]string // the countries that have a page, by name; set once they are made
	hist      []*datasetHistory
	siteTitle string
	lastmod   string
}

// countsParams are a version's counts, as text.
type countsParams struct {
	Added     string `json:"added"`
	Removed   string `json:"removed"`
	Changed   string `json:"changed"`
	Revisions string `json:"revisions"`
	Markers   string `json:"markers"`
}

func countsOf(c diff.Counts) countsParams {
	return countsParams{Added: integer(int64(c.Added)), Removed: integer(int64(c.Removed)), Changed: integer(int64(c.Changed)),
		Revisions: integer(int64(c.Revisions)), Markers: integer(int64(c.Markers))}
}

// versionRef names a version and, when it has one, its page.
type versionRef struct {
	Label string `json:"label"`
	Path  string `json:"path,omitempty"`
}

// changesRow is one version in the list of changes.
type changesRow struct {
	Date         string       `json:"date"`
	DateISO      string       `json:"dateiso"`
	Dataset      string       `json:"dataset"`
	DatasetTitle string       `json:"datasettitle"`
	DatasetPath  string       `json:"datasetpath"`
	Version      versionRef   `json:"version"`
	Rows         string       `json:"rows"`
	Counts       countsParams `json:"counts"`
	First        bool         `json:"first,omitempty"`
	Sample       bool         `json:"sample,omitempty"`
	Summary      string       `json:"summary"`
	CountsText   string       `json:"countstext"` // the counts in words, for the home page
	Files        []fileRef    `json:"files,omitempty"`
	sv           *siteVersion
}

// fileRef is a download of an earlier version.
type fileRef struct {
	Kind      string `json:"kind"`
	Path      string `json:"path"`
	MediaType string `json:"mediatype"`
	Bytes     int64  `json:"bytes"`
	Size      size   `json:"size"`
	SHA256    string `json:"sha256"`
}

// datasetFeed is one dataset's feed, on the changes page.
type datasetFeed struct {
	Title string `json:"title"`
	Path  string `json:"path"`
}

// keyCell is one key field of a changed row.
type keyCell struct {
	Text string `json:"text"`
	Path string `json:"path,omitempty"` // a country's page
}

// fieldDelta is one field of a changed row: Old and New are rounded for
// reading, OldValue and NewValue the exact values of numbers.
type fieldDelta struct {
	Label    string `json:"label,omitempty"`
	Old      string `json:"old,omitempty"`
	OldValue string `json:"oldvalue,omitempty"`
	New      string `json:"new,omitempty"`
	NewValue string `json:"newvalue,omitempty"`
}

// changeItem is one changed row on a page.
type changeItem struct {
	Key    []keyCell    `json:"key"`
	Fields []fieldDelta `json:"fields"`
	Size   *sizeParams  `json:"size,omitempty"` // a revised figure's
}

// sizeParams is the size of a revision: Abs and Rel rounded for reading,
// AbsValue and RelValue exact (for a title attribute); Points says that
// Abs is in percentage points, Material that the revision reaches the
// thresholds of package diff.
type sizeParams struct {
	Abs      string `json:"abs"`
	AbsValue string `json:"absvalue"`
	Rel      string `json:"rel,omitempty"` // "" when the old figure was 0
	RelValue string `json:"relvalue,omitempty"`
	Points   bool   `json:"points,omitempty"`
	Material bool   `json:"material,omitempty"`
}

// groupParams is the rows of one country within a section, in the order
// diff.Grouper gives them (largest revisions first).
type groupParams struct {
	Country  keyCell      `json:"country"` // Text "" for rows without a country
	Count    string       `json:"count"`
	Material string       `json:"material,omitempty"` // material revisions of the country, when any
	Rows     []changeItem `json:"rows"`
}

// sectionParams is one class of change on a version page. Its rows come in
// groups, one per country, where the dataset has countries.
type sectionParams struct {
	ID string `json:"id"`
	// Class is the kind of change (diff.Class), which names the section
	// and its introduction in the words of i18n (change_class_CLASS).
	Class    string `json:"class"`
	Count    string `json:"count"`
	Material string `json:"material,omitempty"` // material revisions, in the revised section
	Sized    bool   `json:"sized,omitempty"`    // rows give the size of their revision
	// Listed and Total are the rows listed and in the section, when not
	// all are listed: the rest are in the CSV file of all changes.
	Listed *count        `json:"listed,omitempty"`
	Total  *count        `json:"total,omitempty"`
	Rest   *count        `json:"rest,omitempty"`
	Groups []groupParams `json:"groups,omitempty"`
}

// versionPage is the front matter of a version's page.
type versionPage struct {
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Lastmod     string        `json:"lastmod,omitempty"`
	URL         string        `json:"url"`
	Params      versionParams `json:"params"`
}

type versionParams struct {
	Dataset      string          `json:"dataset"`
	DatasetTitle string          `json:"datasettitle"`
	DatasetPath  string          `json:"datasetpath"`
	Version      string          `json:"version"`
	Commit       string          `json:"commit"`
	Date         string          `json:"date"`
	DateISO      string          `json:"dateiso"`
	Sample       bool            `json:"sample,omitempty"`
	First        bool            `json:"first,omitempty"`
	Previous     *versionRef     `json:"previous,omitempty"`
	Next         *versionRef     `json:"next,omitempty"`
	OldRows      string          `json:"oldrows"`
	Rows         string          `json:"rows"`
	Counts       countsParams    `json:"counts"`
	Summary      string          `json:"summary"`
	BySource     []sourceCounts  `json:"bysource,omitempty"`
	Explained    []string        `json:"explained,omitempty"`
	KeyColumns   []string        `json:"keycolumns"` // without the country when sections are grouped by it
	ByCountry    bool            `json:"bycountry,omitempty"`
	Sections     []sectionParams `json:"sections,omitempty"`
	Files        []fileRef       `json:"files,omitempty"`
	Changes      *fileRef        `json:"changes,omitempty"`
	Feeds        []feedLink      `json:"feeds"`
	// Withheld lists the sources whose rows the version withheld under
	// their terms, with what changed in them.
	Withheld []sourceRefItem `json:"withheld,omitempty"`
}

type sourceCounts struct {
	Source string       `json:"source"`
	Counts countsParams `json:"counts"`
}

// revisionItem is one revision on a country's page.
type revisionItem struct {
	Version versionRef   `json:"version"`
	Date    string       `json:"date"`
	DateISO string       `json:"dateiso"`
	Key     []keyCell    `json:"key"` // without the country
	Fields  []fieldDelta `json:"fields"`
	Class   string       `json:"class"`
	Size    *sizeParams  `json:"size,omitempty"`
}

// revisionsParams is one dataset's table in the Revisions section of a
// country's page.
type revisionsParams struct {
	ID      string         `json:"id"`
	Dataset string         `json:"dataset"`
	Columns []string       `json:"columns"`
	Rows    []revisionItem `json:"rows,omitempty"`
	// More is how many revisions are not listed; Window how many versions
	// the table covers (the last ones, which have pages).
	More   *count `json:"more,omitempty"`
	Window count  `json:"window"`
}

// countryName returns the name a country is known by on the site: the
// name a reader knows ("South Korea"), not the datasets' sort key ("Korea,
// South").
func countryName(code, fallback string) string {
	if c, ok := country.Lookup(code); ok && c.Prose != "" {
		return c.Prose
	}
	if fallback != "" {
		return fallback
	}
	return code
}

// countryInProse returns the country's name as it reads inside a
// sentence, with its article: "the United States".
func countryInProse(code, fallback string) string {
	if c, ok := country.Lookup(code); ok && c.Prose != "" {
		return c.InProse()
	}
	return countryName(code, fallback)
}

// display formats the values of a dataset's rows as the country pages do.
type display struct {
	w     *words
	def   *dataset.Definition
	f     fields
	names *sourceNames
	urls  siteURLs
	pages map[string]string // the countries that have a page
}

// value returns field i of row r for reading and, for numbers, exactly.
func (d *display) value(r diff.TextRow, i int) (text, exactValue string) {
	s := d.f.schema
	v, ok := r.At(i)
	field := s.Fields[i]
	switch {
	case i == d.f.value && !ok:
		m, _ := r.At(d.f.marker)
		return d.w.missingText(m), ""
	case i == d.f.marker:
		if !ok {
			return d.w.say("value_no_marker", nil), ""
		}
		return d.w.missingText(v), ""
	case !ok:
		return d.w.say("value_empty", nil), ""
	case field.Name == "report_kind" && d.def.Schema == dataset.CBMSchema:
		return d.w.code("report_kind_", v), ""
	}
	switch field.Type {
	case dataset.Boolean:
		if v == "true" {
			return d.w.say("value_yes", nil), ""
		}
		return d.w.say("value_no", nil), ""
	case dataset.Number:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return v, ""
		}
		if i != d.f.value {
			return number(x), v
		}
		unit, _ := r.At(d.f.unit)
		switch {
		case isPercentUnit(unit):
			return number(percent(x, unit)) + "%", v
		case unit == dataset.UnitLocal:
			if cur, ok := r.At(d.f.currency); ok && cur != "" {
				return number(x) + " " + cur, v
			}
		}
		if unit != "" {
			return number(x) + " " + unit, v
		}
		return number(x), v
	}
	return v, ""
}

// precise returns a number as published, with thousands separators, in
// the unit value would show it in.
func (d *display) precise(r diff.TextRow, i int) string {
	v, _ := r.At(i)
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	text, _ := d.value(r, i)
	unit, _ := r.At(d.f.unit)
	if i == d.f.value && isPercentUnit(unit) {
		return groupDigits(exact(percent(x, unit))) + "%"
	}
	if _, suffix, ok := strings.Cut(text, " "); ok && i == d.f.value {
		return groupDigits(v) + " " + suffix
	}
	return groupDigits(v)
}

func (d *display) label(i int) string {
	if i == d.f.value {
		return ""
	}
	f := d.f.schema.Fields[i]
	if f.Title != "" {
		return f.Title
	}
	return f.Name
}

// keyColumns returns the headings of the key columns, without the country
// when skipCountry is set.
func (d *display) keyColumns(skipCountry bool) []string {
	var out []string
	for _, i := range d.f.schema.KeyIndex() {
		switch {
		case i == d.f.country && skipCountry:
		case i == d.f.country:
			out = append(out, d.w.say("changes_col_country", nil))
		default:
			out = append(out, d.label(i))
		}
	}
	return out
}

// key returns the key fields of r for reading.
func (d *display) key(r diff.TextRow, skipCountry bool) []keyCell {
	var out []keyCell
	for _, i := range d.f.schema.KeyIndex() {
		v, _ := r.At(i)
		switch i {
		case d.f.country:
			if skipCountry {
				continue
			}
			name, _ := r.At(d.f.schema.Index("country_name"))
			out = append(out, d.country(v, name))
		case d.f.series:
			out = append(out, keyCell{Text: d.w.seriesLabel(d.def, v)})
		case d.f.source:
			out = append(out, keyCell{Text: d.names.labelOf(v)})
		default:
			out = append(out, keyCell{Text: v})
		}
	}
	return out
}

// country names a country, linked to its page when it has one.
func (d *display) country(code, name string) keyCell {
	c := keyCell{Text: countryName(code, name)}
	if _, ok := d.pages[code]; ok {
		c.Path = d.urls.link(countryPath(code))
	}
	return c
}

// size says how much a revision moved, rounded for reading and exactly.
func (d *display) size(sz *diff.Size) *sizeParams {
	if sz == nil {
		return nil
	}
	sign := func(s string) string {
		if !strings.HasPrefix(s, "-") {
			return "+" + s
		}
		return "−" + s[1:]
	}
	p := &sizeParams{Abs: sign(number(sz.Abs)), AbsValue: sz.AbsText(), Points: sz.Points, Material: sz.Material}
	if sz.Points {
		p.Abs += " pp"
	}
	if !math.IsInf(sz.Rel, 0) {
		p.Rel, p.RelValue = sign(number(sz.Rel*100))+"%", exact(sz.Rel)
	}
	return p
}

// deltas returns what changed in a row: each changed field old -> new, or
// the figure of an added or removed row.
func (d *display) deltas(c *diff.Row) []fieldDelta {
	var out []fieldDelta
	switch {
	case c.Old != nil && c.New != nil:
		valueChanged := slices.Contains(c.Fields, d.f.value)
		for _, i := range c.Fields {
			if i == d.f.marker && valueChanged {
				continue // "not available -> 123" already says it
			}
			fd := fieldDelta{Label: d.label(i)}
			fd.Old, fd.OldValue = d.value(c.Old, i)
			fd.New, fd.NewValue = d.value(c.New, i)
			if fd.Old == fd.New && fd.OldValue != fd.NewValue {
				// Rounded alike (0.013 and 0.0134 both read 1.3%): show
				// the published precision, or the change would be invisible.
				fd.Old, fd.New = d.precise(c.Old, i), d.precise(c.New, i)
			}
			out = append(out, fd)
		}
	default:
		r := c.Current()
		shown := []int{d.f.value}
		if d.f.value < 0 {
			shown = nil
			key := d.f.schema.KeyIndex()
			for i := range d.f.schema.Fields {
				if _, ok := r.At(i); ok && !slices.Contains(key, i) {
					shown = append(shown, i)
				}
			}
		}
		for _, i := range shown {
			fd := fieldDelta{Label: d.label(i)}
			if c.New != nil {
				fd.New, fd.NewValue = d.value(r, i)
			} else {
				fd.Old, fd.OldValue = d.value(r, i)
			}
			out = append(out, fd)
		}
	}
	return out
}

func (cs *changeSite) display(def *dataset.Definition) *display {
	return &display{w: cs.g.words, def: def, f: fieldsOf(def), names: cs.names, urls: cs.urls, pages: cs.pages}
}

// feeds returns the feeds of the whole site and of one dataset.
func (cs *changeSite) feeds(dataset string) []feedLink {
	if !cs.any() {
		return nil
	}
	out := []feedLink{{Kind: "all", Path: "changes.atom"}}
	if dataset != "" {
		out = append([]feedLink{{Kind: "dataset", Path: datasetPath(dataset) + "changes.atom"}}, out...)
	}
	return out
}

// any reports whether any dataset has a history.
func (cs *changeSite) any() bool {
	for _, dh := range cs.hist {
		if dh != nil {
			return true
		}
	}
	return false
}

// files returns a version's downloads as links from the site's root.
func (cs *changeSite) files(name string, sv *siteVersion) []fileRef {
	var out []fileRef
	for _, f := range sv.files {
		out = append(out, fileRef{Kind: f.Kind, Path: sv.dir(name) + f.File, MediaType: f.MediaType, Bytes: f.Bytes, Size: f.Size, SHA256: f.SHA256})
	}
	return out
}

func (cs *changeSite) ref(name string, sv *siteVersion) versionRef {
	r := versionRef{Label: sv.v.Label()}
	if sv.page() {
		r.Path = cs.urls.link(sv.dir(name))
	}
	return r
}

// versionPages builds the page of every version that has one.
func (cs *changeSite) versionPages() []versionPage {
	var out []versionPage
	for _, dh := range cs.hist {
		if dh == nil {
			continue
		}
		def := dh.def
		d := cs.display(def)
		for k, sv := range dh.versions {
			if !sv.page() {
				continue
			}
			p := sv.diff
			label := sv.v.Label()
			vp := versionPage{
				Title:       cs.g.words.say("version_page_title", map[string]any{"Dataset": def.Title, "Version": label}),
				Description: cs.g.words.say("version_page_description", map[string]any{"Dataset": def.Title, "Version": label, "Summary": cs.g.words.summary(def, p)}),
				Lastmod:     machineTime(sv.when),
				URL:         "/" + sv.dir(def.Name),
				Params: versionParams{
					Dataset: def.Name, DatasetTitle: def.Title, DatasetPath: cs.urls.link(datasetPath(def.Name)),
					Version: label, Commit: sv.v.Commit, Date: day(sv.when), DateISO: machineTime(sv.when),
					Sample: sv.v.Sample, First: p.First,
					OldRows: integer(int64(p.OldRows)), Rows: integer(int64(p.NewRows)),
					Counts: countsOf(p.Counts), Summary: cs.g.words.summary(def, p),
					Explained:  cs.g.words.explanations(def, p),
					KeyColumns: d.keyColumns(false),
					Files:      cs.files(def.Name, sv),
					Feeds:      cs.feeds(def.Name),
				},
			}
			if k+1 < len(dh.versions) {
				r := cs.ref(def.Name, dh.versions[k+1])
				vp.Params.Previous = &r
			}
			if k > 0 {
				r := cs.ref(def.Name, dh.versions[k-1])
				vp.Params.Next = &r
			}
			if sv.changes != nil {
				c := sv.changes
				vp.Params.Changes = &fileRef{Kind: c.Kind, Path: sv.dir(def.Name) + c.File, MediaType: c.MediaType, Bytes: c.Bytes, Size: c.Size, SHA256: c.SHA256}
			}
			for _, s := range sv.v.Withheld {
				vp.Params.Withheld = append(vp.Params.Withheld, sourceRefItem{Title: newLink(s.Title, s.Path), Withheld: cs.g.withheldOf(s)})
			}
			for _, src := range sortedKeys(p.BySource) {
				vp.Params.BySource = append(vp.Params.BySource, sourceCounts{Source: cs.names.labelOf(src), Counts: countsOf(p.BySource[src])})
			}
			if !p.First {
				vp.Params.ByCountry = d.f.country >= 0
				if vp.Params.ByCountry {
					vp.Params.KeyColumns = d.keyColumns(true)
				}
				for _, sec := range p.Sections {
					vp.Params.Sections = append(vp.Params.Sections, d.section(&sec))
				}
			}
			out = append(out, vp)
		}
	}
	return out
}

// section shapes one section of a version page: its groups, by country
// where the dataset has countries.
func (d *display) section(sec *diff.Section) sectionParams {
	sp := sectionParams{ID: "changes-" + string(sec.Class), Class: string(sec.Class), Count: integer(int64(sec.N))}
	if sec.Material > 0 {
		sp.Material = integer(int64(sec.Material))
	}
	byCountry := d.f.country >= 0
	for _, g := range sec.Groups {
		gp := groupParams{Count: integer(int64(g.N))}
		if byCountry && g.Country != "" {
			name, _ := g.Rows[0].Current().At(d.f.schema.Index("country_name"))
			gp.Country = d.country(g.Country, name)
		}
		if g.Material > 0 {
			gp.Material = integer(int64(g.Material))
		}
		for j := range g.Rows {
			row := &g.Rows[j]
			gp.Rows = append(gp.Rows, changeItem{Key: d.key(row.Current(), byCountry), Fields: d.deltas(row), Size: d.size(row.Size)})
			sp.Sized = sp.Sized || row.Size != nil
		}
		sp.Groups = append(sp.Groups, gp)
	}
	if more := sec.N - sec.Listed; more > 0 && sec.Class != diff.ClassReplaced {
		listed, total, rest := count{N: sec.Listed, Text: integer(int64(sec.Listed))}, count{N: sec.N, Text: integer(int64(sec.N))},
			count{N: more, Text: integer(int64(more))}
		sp.Listed, sp.Total, sp.Rest = &listed, &total, &rest
	}
	return sp
}

// changesRows lists every version of every dataset, newest first.
func (cs *changeSite) changesRows() []changesRow {
	var out []changesRow
	for _, dh := range cs.hist {
		if dh == nil {
			continue
		}
		def := dh.def
		for _, sv := range dh.versions {
			r := changesRow{
				Date: day(sv.when), DateISO: machineTime(sv.when),
				Dataset: def.Name, DatasetTitle: def.Title, DatasetPath: cs.urls.link(datasetPath(def.Name)),
				Version: cs.ref(def.Name, sv), Rows: integer(int64(sv.v.Rows)), Sample: sv.v.Sample,
				Files: cs.files(def.Name, sv), sv: sv,
			}
			var c diff.Counts
			if sv.diff != nil {
				c = sv.diff.Counts
				r.First = sv.diff.First
				r.Rows = integer(int64(sv.diff.NewRows))
				r.Summary = cs.g.words.summary(def, sv.diff)
			} else {
				vc := sv.v.Changes
				c = diff.Counts{Added: vc.Added, Removed: vc.Removed, Changed: vc.Changed, Revisions: vc.Revisions, Markers: vc.Markers}
				r.First = vc.Previous == "" && sv == dh.versions[len(dh.versions)-1]
			}
			r.Counts = countsOf(c)
			r.CountsText = cs.g.words.say("change_counts", cs.g.words.n(c.Revisions, "Added", integer(int64(c.Added)),
				"Removed", integer(int64(c.Removed)), "Changed", integer(int64(c.Changed))))
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b changesRow) int { return b.sv.when.Compare(a.sv.when) })
	return out
}

// countryRevisions lists the revisions and marker changes that touched a
// country in the versions that have a page, newest first: one table per
// dataset that has any, since datasets are keyed differently. With none
// at all, it returns the first dataset's empty table, which says so.
func (cs *changeSite) countryRevisions(code string) []revisionsParams {
	type item struct {
		r  revisionItem
		sv *siteVersion
	}
	var out []revisionsParams
	var empty *revisionsParams
	for _, dh := range cs.hist {
		if dh == nil {
			continue
		}
		d := cs.display(dh.def)
		if d.f.country < 0 {
			continue
		}
		var items []item
		total, n := 0, 0
		for _, sv := range dh.versions {
			if !sv.page() {
				continue
			}
			n++
			cd := sv.diff.Countries[code]
			if cd == nil {
				continue
			}
			total += countRevisions(cd)
			for j := range cd.Rows {
				c := &cd.Rows[j]
				items = append(items, item{sv: sv, r: revisionItem{
					Version: cs.ref(dh.def.Name, sv), Date: day(sv.when), DateISO: machineTime(sv.when),
					Key: d.key(c.Current(), true), Fields: d.deltas(c), Class: string(c.Class), Size: d.size(c.Size),
				}})
			}
		}
		rp := revisionsParams{ID: "revisions-" + dh.def.Name, Dataset: dh.def.Title, Columns: d.keyColumns(true),
			Window: cs.g.count(n)}
		if len(items) == 0 {
			if empty == nil {
				empty = &rp
			}
			continue
		}
		slices.SortStableFunc(items, func(a, b item) int { return b.sv.when.Compare(a.sv.when) })
		for _, it := range items {
			rp.Rows = append(rp.Rows, it.r)
		}
		if more := total - len(items); more > 0 {
			c := cs.g.count(more)
			rp.More = &c
		}
		out = append(out, rp)
	}
	if len(out) == 0 && empty != nil {
		out = append(out, *empty)
	}
	return out
}

// datasetVersions picks one dataset's versions from the list of changes,
// for its page.
func datasetVersions(rows []changesRow, name string) []changesRow {
	var out []changesRow
	for _, r := range rows {
		if r.Dataset == name {
			out = append(out, r)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	return keys
}

// versionPagesOf returns how many versions of each dataset get a page.
func versionPagesOf(in *Input) int {
	if in.VersionPages > 0 {
		return in.VersionPages
	}
	return DefaultVersionPages
}

// changesPage is the front matter of the changes page.
type changesPage struct {
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Lastmod     string        `json:"lastmod,omitempty"`
	Params      changesParams `json:"params"`
}

type changesParams struct {
	Versions []changesRow  `json:"versions,omitempty"`
	Pages    count         `json:"pages"` // how many versions of each dataset have a page
	Feeds    []feedLink    `json:"feeds,omitempty"`
	Datasets []datasetFeed `json:"datasets,omitempty"` // each dataset's feed
}

func changesPageOf(cs *changeSite, rows []changesRow, in *Input, lastmod string) changesPage {
	p := changesPage{
		Title:       cs.g.words.say("changes_page_title", nil),
		Description: cs.g.words.say("changes_page_description", nil),
		Lastmod:     lastmod,
		Params:      changesParams{Versions: rows, Pages: cs.g.count(versionPagesOf(in)), Feeds: cs.feeds("")},
	}
	for _, dh := range cs.hist {
		if dh != nil {
			p.Params.Datasets = append(p.Params.Datasets, datasetFeed{Title: dh.def.Title, Path: datasetPath(dh.def.Name) + "changes.atom"})
		}
	}
	return p
}
