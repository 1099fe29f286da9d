package diff

import (
	"cmp"
	"container/heap"
	"slices"

	"github.com/defence-transparency/publish/internal/dataset"
)

// SectionOrder is the order in which people read the classes of a diff:
// revisions of published figures first, then missing markers, other
// changes, series replaced, and rows added and removed.
var SectionOrder = []Class{ClassRevised, ClassFilled, ClassWithdrawn, ClassMarker, ClassOther,
	ClassReplaced, ClassAdded, ClassRemoved}

// Decide returns the section an added or removed row belongs in, once the
// whole comparison is analysed: ClassReplaced for a row of a series that
// gave way to another of its stem (constant US$ at a new base year); ""
// for a row that a period or series which came or went as a whole accounts
// for, which the analysis reports instead of row by row; and the row's own
// class otherwise. Changed rows keep the class Compare gave them. This is
// the one place that decides; publish diff, the version pages, the country
// pages and the feeds all go through it.
func (a *Analysis) Decide(c Class, period, series string) Class {
	if c != ClassAdded && c != ClassRemoved {
		return c
	}
	if series != "" && a.Replaced(series) {
		return ClassReplaced
	}
	if period != "" && (slices.Contains(a.AddedPeriods, period) || slices.Contains(a.RemovedPeriods, period)) {
		return ""
	}
	if series != "" && (slices.Contains(a.AddedSeries, series) || slices.Contains(a.RemovedSeries, series)) {
		return ""
	}
	return c
}

// TextRow is a row as text, one entry per schema field as
// dataset.FormatValue writes it; nil is null.
type TextRow []*string

// RowText returns r as text; nil for a nil row.
func RowText(s *dataset.Schema, r dataset.Row) TextRow {
	if r == nil {
		return nil
	}
	out := make(TextRow, len(s.Fields))
	for i, f := range s.Fields {
		if !r[i].Null {
			v := dataset.FormatValue(f.Type, r[i])
			out[i] = &v
		}
	}
	return out
}

// At returns field i as text and whether it is set.
func (r TextRow) At(i int) (string, bool) {
	if i < 0 || i >= len(r) || r[i] == nil {
		return "", false
	}
	return *r[i], true
}

// Row is one changed row as a Report keeps it.
type Row struct {
	Class Class   `json:"class"` // as the report decided it
	Old   TextRow `json:"old,omitempty"`
	New   TextRow `json:"new,omitempty"`
	// Fields are the schema positions of the changed fields of a changed
	// row.
	Fields []int `json:"fields,omitempty"`
	Size   *Size `json:"size,omitempty"`
	Seq    int   `json:"seq"` // position in key order in the comparison
}

// Current returns the row as it stands in the newer version, or the removed
// row.
func (r *Row) Current() TextRow {
	if r.New != nil {
		return r.New
	}
	return r.Old
}

// Group is the listed rows of one country in a section.
type Group struct {
	Country  string `json:"country"`            // the country field's value; "" for rows without one
	N        int    `json:"n"`                  // the country's rows in the section, listed or not
	Material int    `json:"material,omitempty"` // of which material revisions
	Rows     []Row  `json:"rows"`
}

// Section is the rows of one class.
type Section struct {
	Class    Class `json:"class"`
	N        int   `json:"n"`
	Material int   `json:"material,omitempty"` // material revisions, in the revised section
	// Listed counts the rows of Groups: at most the Grouper's cap. The
	// revised rows listed are the largest, the others the first in key
	// order; ClassReplaced lists none, since the analysis names each
	// series replaced.
	Listed int     `json:"listed"`
	Groups []Group `json:"groups,omitempty"`
}

// CountryDelta is what a comparison changed in one country's rows.
type CountryDelta struct {
	// Classes counts the country's changed rows by class (ClassReplaced
	// for a unit that changed), and its added and removed rows that
	// nothing explains (ClassAdded, ClassRemoved).
	Classes map[Class]int `json:"classes,omitempty"`
	// Periods counts the country's added rows of each added period.
	Periods map[string]int `json:"periods,omitempty"`
	// Replaced counts the country's removed rows of each series that
	// gave way to another of its stem, by that series.
	Replaced map[string]int `json:"replaced,omitempty"`
	// ExplainedAdded and ExplainedRemoved count the other added and
	// removed rows that a period or series which came or went as a whole
	// accounts for.
	ExplainedAdded   int `json:"explained_added,omitempty"`
	ExplainedRemoved int `json:"explained_removed,omitempty"`
	Material         int `json:"material,omitempty"`
	// Rows are the country's revisions (largest first) and marker
	// changes (in key order), at most the Grouper's country cap.
	Rows []Row `json:"rows,omitempty"`
	// buckets counts added and removed rows by bucket until the analysis
	// can decide them.
	buckets map[bucket]int
}

// Report is a comparison as people read it: the counts, what the analysis
// explains (periods and series that came, went or were replaced, units
// that changed), and the rows of each section, grouped by country. It is
// plain data, kept as JSON in the history's cache of version diffs.
type Report struct {
	First    bool              `json:"first"` // no older version: every row is new
	Counts   Counts            `json:"counts"`
	OldRows  int               `json:"old_rows"`
	NewRows  int               `json:"new_rows"`
	BySource map[string]Counts `json:"by_source,omitempty"`
	// SameNumbers counts rows whose figures differ only below the
	// publishers' precision: not changes (see dataset.SameNumber).
	SameNumbers int      `json:"same_numbers,omitempty"`
	Analysis    Analysis `json:"analysis"`
	// Periods and Series count the rows of each added (new version) and
	// removed (old version) period and series.
	Periods   map[string]int           `json:"periods,omitempty"`
	Series    map[string]int           `json:"series,omitempty"`
	Sections  []Section                `json:"sections,omitempty"` // in SectionOrder, non-empty only
	Countries map[string]*CountryDelta `json:"countries,omitempty"`
}

// Section returns the section of class c, or nil.
func (r *Report) Section(c Class) *Section {
	for i := range r.Sections {
		if r.Sections[i].Class == c {
			return &r.Sections[i]
		}
	}
	return nil
}

// Grouper gathers the changes of one comparison into a Report, in memory
// bounded by its caps: pass its Add to Compare, then call Report with the
// summary. The zero value is not usable; make one with NewGrouper.
type Grouper struct {
	s         *dataset.Schema
	country   int
	period    int
	series    int
	cap       int // rows listed per section; 0 for all
	cntryCap  int // rows kept per country; 0 for all
	first     bool
	seq       int
	revised   rankHeap
	sections  map[Class]*pending
	buckets   map[bucket]*pending
	countries map[string]*CountryDelta
	cntryRev  map[string]*rankHeap
}

// bucket names the added or removed rows of one period and series.
type bucket struct {
	class          Class
	period, series string
}

// pending is the rows of a section or bucket while the comparison runs.
type pending struct {
	n    int
	rows []Row
}

// Caps on the rows a Report lists.
const (
	DefaultCap        = 200 // rows per section
	DefaultCountryCap = 50  // revisions and marker changes per country
)

// NewGrouper returns a Grouper for a comparison of schema s under opts.
// first says that there is no older version (every row is added). cap
// bounds the rows listed per section and countryCap those kept per
// country; 0 lists all.
func NewGrouper(s *dataset.Schema, opts Options, first bool, cap, countryCap int) *Grouper {
	return &Grouper{s: s, country: s.Index(opts.CountryField), period: index(s, opts.PeriodField), series: index(s, opts.SeriesField),
		cap: cap, cntryCap: countryCap, first: first,
		sections: map[Class]*pending{}, buckets: map[bucket]*pending{}, countries: map[string]*CountryDelta{},
		cntryRev: map[string]*rankHeap{}}
}

func index(s *dataset.Schema, name string) int {
	if name == "" {
		return -1
	}
	return s.Index(name)
}

func full(n, cap int) bool { return cap > 0 && n >= cap }

// Add takes one change; Compare calls it in key order.
func (g *Grouper) Add(c *Change) error {
	g.seq++
	seq := g.seq
	row := c.Row()
	text := func(i int) string {
		if i < 0 || row[i].Null {
			return ""
		}
		return dataset.FormatValue(g.s.Fields[i].Type, row[i])
	}
	keep := func() Row {
		r := Row{Class: c.Class, Old: RowText(g.s, c.Old), New: RowText(g.s, c.New), Size: c.Size, Seq: seq}
		for _, fc := range c.Fields {
			r.Fields = append(r.Fields, g.s.Index(fc.Field))
		}
		return r
	}
	var cd *CountryDelta
	if code := text(g.country); code != "" && !g.first {
		if cd = g.countries[code]; cd == nil {
			cd = &CountryDelta{Classes: map[Class]int{}, buckets: map[bucket]int{}}
			g.countries[code] = cd
		}
	}
	if c.Kind != Changed && g.first {
		// Every row is added, and no period or series explains any: the
		// rows listed are the first in key order, so only those are kept
		// (a first version of millions of rows is not held as text).
		p := g.sections[c.Class]
		if p == nil {
			p = &pending{}
			g.sections[c.Class] = p
		}
		p.n++
		if !full(len(p.rows), g.cap) {
			p.rows = append(p.rows, keep())
		}
		return nil
	}
	if c.Kind != Changed {
		k := bucket{c.Class, text(g.period), text(g.series)}
		b := g.buckets[k]
		if b == nil {
			b = &pending{}
			g.buckets[k] = b
		}
		b.n++
		if !full(len(b.rows), g.cap) {
			b.rows = append(b.rows, keep())
		}
		if cd != nil {
			cd.buckets[k]++
		}
		return nil
	}
	p := g.sections[c.Class]
	if p == nil {
		p = &pending{}
		g.sections[c.Class] = p
	}
	p.n++
	switch {
	case c.Class == ClassRevised:
		g.revised.offer(g.cap, keep, c.Size, seq)
	case c.Class != ClassReplaced && !full(len(p.rows), g.cap):
		p.rows = append(p.rows, keep())
	}
	if cd == nil {
		return nil
	}
	cd.Classes[c.Class]++
	if c.Size != nil && c.Size.Material {
		cd.Material++
	}
	switch c.Class {
	case ClassRevised:
		h := g.cntryRev[text(g.country)]
		if h == nil {
			h = &rankHeap{}
			g.cntryRev[text(g.country)] = h
		}
		h.offer(g.cntryCap, keep, c.Size, seq)
	case ClassFilled, ClassWithdrawn, ClassMarker:
		if !full(len(cd.Rows), g.cntryCap) {
			cd.Rows = append(cd.Rows, keep())
		}
	}
	return nil
}

// Report returns the comparison as people read it; sum is what Compare
// returned. The Grouper is spent.
func (g *Grouper) Report(sum *Summary) *Report {
	r := &Report{First: g.first, Counts: sum.Counts, OldRows: sum.OldRows, NewRows: sum.NewRows,
		BySource: map[string]Counts{}, SameNumbers: sum.SameNumbers}
	for src, c := range sum.BySource {
		r.BySource[src] = *c
	}
	if !g.first {
		r.Analysis = Analyze(sum)
	}
	a := &r.Analysis
	r.Periods, r.Series = map[string]int{}, map[string]int{}
	for _, x := range a.AddedPeriods {
		r.Periods[x] = sum.NewPeriods[x]
	}
	for _, x := range a.RemovedPeriods {
		r.Periods[x] = sum.OldPeriods[x]
	}
	for _, x := range a.AddedSeries {
		r.Series[x] = sum.NewSeries[x]
	}
	for _, x := range a.RemovedSeries {
		r.Series[x] = sum.OldSeries[x]
	}
	// Added and removed rows: each bucket kept its first rows in key
	// order, so the first of their union are among them.
	for k, b := range g.buckets {
		class := a.Decide(k.class, k.period, k.series)
		if class == "" {
			continue
		}
		p := g.sections[class]
		if p == nil {
			p = &pending{}
			g.sections[class] = p
		}
		p.n += b.n
		if class != ClassReplaced {
			p.rows = append(p.rows, b.rows...)
		}
	}
	for _, class := range SectionOrder {
		p := g.sections[class]
		if p == nil || p.n == 0 {
			continue
		}
		sec := Section{Class: class, N: p.n}
		var rows []Row
		if class == ClassRevised {
			rows = g.revised.sorted()
			sec.Material = sum.Material
		} else {
			rows = p.rows
			slices.SortFunc(rows, func(x, y Row) int { return x.Seq - y.Seq })
			if g.cap > 0 && len(rows) > g.cap {
				rows = rows[:g.cap]
			}
		}
		for i := range rows {
			rows[i].Class = class
		}
		sec.Listed = len(rows)
		r.Sections = append(r.Sections, sec)
		r.Sections[len(r.Sections)-1].Groups = g.group(rows, class)
	}
	if g.first {
		return r
	}
	r.Countries = g.countries
	for code, cd := range g.countries {
		for k, n := range cd.buckets {
			switch class := a.Decide(k.class, k.period, k.series); {
			case class == ClassReplaced && k.class == ClassRemoved:
				if cd.Replaced == nil {
					cd.Replaced = map[string]int{}
				}
				cd.Replaced[k.series] += n
			case class == ClassReplaced:
				// The added rows of the new series: said by the removed.
			case class == "" && k.class == ClassAdded && k.period != "" && slices.Contains(a.AddedPeriods, k.period):
				if cd.Periods == nil {
					cd.Periods = map[string]int{}
				}
				cd.Periods[k.period] += n
			case class == "" && k.class == ClassAdded:
				cd.ExplainedAdded += n
			case class == "":
				cd.ExplainedRemoved += n
			default:
				cd.Classes[class] += n
			}
		}
		cd.buckets = nil
		var rows []Row
		if h := g.cntryRev[code]; h != nil {
			rows = h.sorted()
		}
		rows = append(rows, cd.Rows...)
		if g.cntryCap > 0 && len(rows) > g.cntryCap {
			rows = rows[:g.cntryCap]
		}
		cd.Rows = rows
		if len(cd.Classes) == 0 {
			cd.Classes = nil
		}
	}
	return r
}

// group groups the listed rows of a section by country: for revisions in
// the order of each country's largest, for the rest in key order; rows
// keep their order within a country.
func (g *Grouper) group(rows []Row, class Class) []Group {
	var out []Group
	at := map[string]int{}
	for _, row := range rows {
		code := ""
		if g.country >= 0 {
			code, _ = row.Current().At(g.country)
		}
		i, ok := at[code]
		if !ok {
			i = len(out)
			at[code] = i
			gr := Group{Country: code}
			if cd := g.countries[code]; cd != nil {
				gr.N = cd.Classes[class]
				if class == ClassRevised {
					gr.Material = cd.Material
				}
			}
			out = append(out, gr)
		}
		out[i].Rows = append(out[i].Rows, row)
	}
	for i := range out {
		if out[i].N == 0 {
			// No country counts (a first version, or rows without a
			// country): what is listed is what there is.
			out[i].N = len(out[i].Rows)
		}
	}
	return out
}

// rankHeap keeps the largest revisions seen, at most a cap of them: the
// smallest kept is at the top, so that a larger one replaces it.
type rankHeap []Row

func (h rankHeap) Len() int { return len(h) }
func (h rankHeap) Less(i, j int) bool {
	// The top is the row ranked last.
	return worse(&h[i], &h[j])
}
func (h rankHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *rankHeap) Push(x any)   { *h = append(*h, x.(Row)) }
func (h *rankHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// worse reports whether a ranks after b: smaller, or as large and later.
func worse(a, b *Row) bool {
	if c := Rank(a.Size, b.Size); c != 0 {
		return c > 0
	}
	return a.Seq > b.Seq
}

// offer keeps a revision of the given size if it is among the cap largest;
// keep makes the row, only when it is kept.
func (h *rankHeap) offer(cap int, keep func() Row, size *Size, seq int) {
	if cap <= 0 || h.Len() < cap {
		heap.Push(h, keep())
		return
	}
	probe := Row{Size: size, Seq: seq}
	if worse(&probe, &(*h)[0]) {
		return
	}
	(*h)[0] = keep()
	heap.Fix(h, 0)
}

// sorted returns the kept rows, largest first.
func (h *rankHeap) sorted() []Row {
	out := slices.Clone(*h)
	slices.SortFunc(out, func(a, b Row) int {
		if c := Rank(a.Size, b.Size); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out
}
