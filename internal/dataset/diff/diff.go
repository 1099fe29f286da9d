// Package diff compares two versions of a dataset row by row. Both versions
// are read in primary-key order, a batch at a time, and merged like two
// sorted lists, so memory stays bounded by the batch size rather than the
// dataset's size. Each version is read (and its order checked) in a
// goroutine of its own, one batch ahead of the merge. The CLI, the commit messages, the descriptors and the
// site all use it, and Grouper sorts a comparison into what people read,
// for publish diff and the site's version pages alike.
//
// Two numbers are the same figure when dataset.SameNumber says so (equal
// at 15 significant digits, or one apart in the 15th): a difference below
// the publishers' precision is no change at all. A row whose unit changed
// (SIPRI's shares from fractions to percent) belongs to a series replaced,
// like the constant-dollar series at a new base year, not to thousands of
// revisions.
package diff

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Kind says how a row changed.
type Kind int

// The kinds of row change.
const (
	Added Kind = iota + 1
	Removed
	Changed
)

func (k Kind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Changed:
		return "changed"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Class says what a changed row's change means.
type Class string

// Classes of change. Added and removed rows have the class of their kind.
const (
	ClassAdded     Class = "added"
	ClassRemoved   Class = "removed"
	ClassRevised   Class = "revised"   // a published figure now reads differently
	ClassFilled    Class = "filled"    // a figure that was missing is now given
	ClassWithdrawn Class = "withdrawn" // a figure that was given is now missing
	ClassMarker    Class = "marker"    // still missing, for another stated reason (xxx to . .)
	ClassOther     Class = "other"     // flags, notes or other fields changed, not the figure
	// ClassReplaced is a row of a series replaced: its unit changed, so
	// its figure is the same figure in another unit, or, for an added or
	// removed row, its series gave way to another of the same stem (the
	// constant-dollar series at a new base year). Compare gives changed
	// rows this class; Grouper gives it to added and removed rows.
	ClassReplaced Class = "replaced"
)

// FieldChange is one field of a changed row.
type FieldChange struct {
	Field    string
	Old, New dataset.Value
}

// Change is one row that differs between the versions.
type Change struct {
	Kind  Kind
	Class Class
	// Old and New are the row in each version; Old is nil for an added
	// row and New for a removed one.
	Old, New dataset.Row
	// Fields lists the changed non-key fields of a Changed row.
	Fields []FieldChange
	// Size is how much a revised figure moved; nil for other classes
	// and where the dataset's revision is not one number.
	Size *Size
}

// Size is how much a revised figure moved.
type Size struct {
	Old float64 `json:"old"`
	New float64 `json:"new"`
	// Abs is New - Old, in the figure's unit, computed on the published
	// digits (1.2 - 1.1 is 0.1, not 0.09999999999999987).
	Abs float64 `json:"abs"`
	// Rel is Abs / |Old|: 0.05 is 5%. It is ±Inf when Old is 0.
	Rel float64 `json:"rel"`
	// Points is set when the figure is a percentage, so that Abs is in
	// percentage points and materiality is judged on it.
	Points bool `json:"points,omitempty"`
	// Material says whether the revision is large enough to lead the
	// list: at least MaterialPoints percentage points for a percentage,
	// else at least MaterialRelative of the old figure.
	Material bool `json:"material,omitempty"`
}

// Materiality thresholds. A revision of a percentage (a share of GDP) by a
// tenth of a percentage point, or of any other figure by 5%, is one a
// reader should see first; smaller ones follow, and all are in the CSV.
const (
	MaterialPoints   = 0.1
	MaterialRelative = 0.05
)

var (
	materialPoints   = big.NewRat(1, 10)
	materialRelative = big.NewRat(1, 20)
)

// decimalRat returns the number the shortest decimal text of v writes,
// exactly.
func decimalRat(v float64) *big.Rat {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(v, 'g', -1, 64))
	return r
}

// newSize measures a revision from before to after; unit is the row's unit.
func newSize(before, after float64, unit string) *Size {
	o, n := decimalRat(before), decimalRat(after)
	abs := new(big.Rat).Sub(n, o)
	sz := &Size{Old: before, New: after, Points: unit == dataset.UnitPercent}
	sz.Abs, _ = abs.Float64()
	absAbs, oldAbs := new(big.Rat).Abs(abs), new(big.Rat).Abs(o)
	switch {
	case o.Sign() != 0:
		sz.Rel, _ = new(big.Rat).Quo(abs, oldAbs).Float64()
	case abs.Sign() > 0:
		sz.Rel = math.Inf(1)
	case abs.Sign() < 0:
		sz.Rel = math.Inf(-1)
	}
	if sz.Points {
		sz.Material = absAbs.Cmp(materialPoints) >= 0
	} else {
		// |abs| / |old| >= 5%, without dividing by a zero old figure.
		sz.Material = o.Sign() == 0 || absAbs.Cmp(new(big.Rat).Mul(oldAbs, materialRelative)) >= 0
	}
	return sz
}

// AbsText returns New - Old as decimal text, exact on the published
// digits: "0.1", "-2459.8".
func (s *Size) AbsText() string {
	o, n := decimalRat(s.Old), decimalRat(s.New)
	return trimDecimal(new(big.Rat).Sub(n, o).FloatString(max(decimals(s.Old), decimals(s.New))))
}

// decimals returns the number of digits after the point in the shortest
// decimal text of v.
func decimals(v float64) int {
	t := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(t, '.'); i >= 0 {
		return len(t) - i - 1
	}
	return 0
}

func trimDecimal(t string) string {
	if strings.Contains(t, ".") {
		t = strings.TrimRight(strings.TrimRight(t, "0"), ".")
	}
	if t == "-0" {
		return "0"
	}
	return t
}

// Weight is the size of a revision measured by its materiality threshold:
// a percentage's change in percentage points divided by MaterialPoints,
// any other figure's relative change divided by MaterialRelative. A
// revision is material when its weight is at least 1, and revisions of
// different measures compare by it: a share of GDP moved by 3 points
// (weight 30) comes before a budget revised by 50% (weight 10), which
// comes before a share moved by 0.1 points from 0.003 (weight 1), though
// that share grew 33-fold.
func (s *Size) Weight() float64 {
	if s.Points {
		return math.Abs(s.Abs) / MaterialPoints
	}
	return math.Abs(s.Rel) / MaterialRelative
}

// Rank orders two revisions by size: material ones first, then by weight
// (see Weight), then by relative and absolute size, larger first. It
// returns a negative number when a comes first.
func Rank(a, b *Size) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	case a.Material != b.Material:
		if a.Material {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(b.Weight(), a.Weight()); c != 0 {
		return c
	}
	if c := cmp.Compare(math.Abs(b.Rel), math.Abs(a.Rel)); c != 0 {
		return c
	}
	return cmp.Compare(math.Abs(b.Abs), math.Abs(a.Abs))
}

// Row returns the row as it stands in the newer version, or the removed row.
func (c *Change) Row() dataset.Row {
	if c.New != nil {
		return c.New
	}
	return c.Old
}

// Revision reports whether the change altered an already published figure:
// revised, filled or withdrawn. A figure converted to another unit is not
// revised (ClassReplaced).
func (c *Change) Revision() bool {
	return c.Class == ClassRevised || c.Class == ClassFilled || c.Class == ClassWithdrawn
}

// Counts are the numbers of changed rows.
type Counts struct {
	Added     int `json:"added"`
	Removed   int `json:"removed"`
	Changed   int `json:"changed"`
	Revisions int `json:"revisions"` // changed rows whose figure changed (revised, filled, withdrawn)
	Markers   int `json:"markers"`   // changed rows whose missing-value marker changed
	// Replaced counts the changed rows whose unit changed: a series
	// replaced, not revised.
	Replaced int `json:"replaced,omitempty"`
	// Material counts the revised rows whose figure moved by at least
	// the materiality thresholds.
	Material int `json:"material,omitempty"`
}

// Total returns the number of rows that differ.
func (c Counts) Total() int { return c.Added + c.Removed + c.Changed }

func (c *Counts) count(ch *Change) {
	switch ch.Kind {
	case Added:
		c.Added++
	case Removed:
		c.Removed++
	case Changed:
		c.Changed++
		if ch.Revision() {
			c.Revisions++
		}
		if ch.Class == ClassMarker {
			c.Markers++
		}
		if ch.Class == ClassReplaced {
			c.Replaced++
		}
		if ch.Size != nil && ch.Size.Material {
			c.Material++
		}
	}
}

// Summary is the result of a comparison.
type Summary struct {
	Counts
	OldRows, NewRows int
	// BySource breaks the counts down by the dataset's source column.
	BySource map[string]*Counts
	// OldPeriods and NewPeriods count each version's rows per period, and
	// OldSeries and NewSeries per series, when Options name those fields.
	// Keys are the values as text.
	OldPeriods, NewPeriods map[string]int
	OldSeries, NewSeries   map[string]int
	// UnitChanges counts the changed rows whose unit changed, by source,
	// series and the two units, when Options name a unit field.
	UnitChanges map[UnitChange]int
	// SameNumbers counts the rows whose figures differ only below the
	// publishers' precision (dataset.SameNumber): not changes.
	SameNumbers int
}

// UnitChange is a change of a series' unit in one source's rows.
type UnitChange struct {
	Source string `json:"source,omitempty"`
	Series string `json:"series"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// Options say what a change means; a dataset.Definition gives them.
type Options struct {
	// RevisionFields are the fields whose change makes a Changed row a
	// revision of its figure. Empty means no change is a revision.
	RevisionFields []string
	// MarkerField holds the missing-value marker, PeriodField the period
	// and SeriesField the series; each may be empty.
	MarkerField, PeriodField, SeriesField string
	// UnitField holds each row's unit: a changed row whose unit changed
	// is ClassReplaced, and a revision of a figure in percent is judged
	// in percentage points. May be empty.
	UnitField string
	// CountryField holds the country of a row, by which Grouper groups
	// the rows. May be empty.
	CountryField string
}

// OptionsFor returns the options a dataset definition implies.
func OptionsFor(def *dataset.Definition) Options {
	o := Options{RevisionFields: def.RevisionFields, MarkerField: def.MarkerField,
		PeriodField: def.PeriodField, SeriesField: def.SeriesField, UnitField: def.UnitField}
	if def.Schema.Index(dataset.CountryField) >= 0 {
		o.CountryField = dataset.CountryField
	}
	return o
}

// Batches yields a version's rows in primary-key order, one table at a time.
// *dataset.ParquetReader is one. Compare calls Next from a goroutine of its
// own (never two calls at once, and none after Compare returns) and uses
// no more than the last two batches of each version (it copies what it
// keeps longer), so a reader may reuse the memory of older ones
// (dataset.ParquetReader.ReuseTables).
type Batches interface {
	// Next returns the next batch, or io.EOF after the last. Batches share
	// one schema and follow each other in key order.
	Next() (*dataset.Table, error)
}

// Tables returns Batches over whole tables already sorted by key; nil
// tables are skipped (an absent version is an empty one).
func Tables(ts ...*dataset.Table) Batches { return &tableBatches{ts: ts} }

type tableBatches struct{ ts []*dataset.Table }

func (b *tableBatches) Next() (*dataset.Table, error) {
	for len(b.ts) > 0 {
		t := b.ts[0]
		b.ts = b.ts[1:]
		if t != nil && t.Len() > 0 {
			return t, nil
		}
	}
	return nil, io.EOF
}

// cursor is the merge's place in one version: the batch it is in, which a
// reader goroutine (see read) handed it.
type cursor struct {
	in   <-chan batch
	t    *dataset.Table
	i    int
	n    int // rows consumed
	done bool
}

func (c *cursor) fill() error {
	for !c.done && (c.t == nil || c.i >= c.t.Len()) {
		b, ok := <-c.in
		if !ok {
			c.done, c.t = true, nil
			return nil
		}
		if b.err != nil {
			return b.err
		}
		c.t, c.i = b.t, 0
	}
	return nil
}

// batch is what a reader goroutine hands the merge: a batch whose order
// was checked and whose rows were counted, or the error that ended the
// version.
type batch struct {
	t   *dataset.Table
	err error
}

// read reads one version's batches in a goroutine of its own, ahead of
// the merge, so that reading (decoding Parquet) and matching rows share
// the machine's cores. On the way it checks that the rows are in strictly
// increasing key order and counts them per period and series (either
// counter may be nil), which concerns each version alone. It sends every
// batch, empty ones too, on an unbuffered channel: when it reads the next
// one the merge has taken the one before, so it is one batch ahead at
// most and the merge uses only the batch it was given last, which a reader
// that reuses its tables allows (dataset.ReusedTables). It ends at the
// version's end, at an error (sent), or when stop is closed.
func (c *comparer) read(which string, b Batches, periods, series *counter, out chan<- batch, stop <-chan struct{}) {
	defer close(out)
	var last dataset.Row // the key of the last row of the batches before, copied: a reused table may be refilled
	n := 0               // rows before this batch
	for {
		t, err := b.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			err = fmt.Errorf("diff: read %s version: %w", which, err)
		} else if err = c.checkOrder(last, t, n); err != nil {
			err = fmt.Errorf("diff: %s version: %w", which, err)
		} else if t.Len() > 0 {
			periods.addBatch(t)
			series.addBatch(t)
			n += t.Len()
			last = c.keyOf(t, t.Len()-1)
		}
		select {
		case out <- batch{t: t, err: err}:
		case <-stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// checkOrder fails unless the rows of t come in strictly increasing key
// order after the row whose key is last (nil before the first batch);
// n rows came before t. Rows out of order would make the merge report
// nonsense.
func (c *comparer) checkOrder(last dataset.Row, t *dataset.Table, n int) error {
	if t.Len() == 0 {
		return nil
	}
	if last != nil && c.compareKeyRow(last, t, 0) >= 0 {
		return fmt.Errorf("rows are not in strictly increasing key order at row %d", n+1)
	}
	for i := 1; i < t.Len(); i++ {
		if c.compareKey(t, i-1, t, i) >= 0 {
			return fmt.Errorf("rows are not in strictly increasing key order at row %d", n+i+1)
		}
	}
	return nil
}

// keyOf returns a copy of the key fields of row i of t, in a row of the
// schema's width.
func (c *comparer) keyOf(t *dataset.Table, i int) dataset.Row {
	r := make(dataset.Row, len(c.s.Fields))
	for _, k := range c.key {
		r[k] = t.Value(i, k)
	}
	return r
}

// compareKeyRow orders the key in row r against row j of u.
func (c *comparer) compareKeyRow(r dataset.Row, u *dataset.Table, j int) int {
	for _, k := range c.key {
		if d := dataset.CompareValues(c.s.Fields[k].Type, r[k], u.Value(j, k)); d != 0 {
			return d
		}
	}
	return 0
}

// compareKey orders row i of t against row j of u by primary key, as
// dataset.CompareKey does. It runs for every row of both versions, so it
// reads the typed columns directly and compares strings for equality
// before order: keys share most of their fields with the row before.
func (c *comparer) compareKey(t *dataset.Table, i int, u *dataset.Table, j int) int {
	for _, k := range c.key {
		if d := c.compareField(t, i, u, j, k); d != 0 {
			return d
		}
	}
	return 0
}

// compareField orders field col of row i of t against row j of u, nulls
// first, as dataset.CompareField does.
func (c *comparer) compareField(t *dataset.Table, i int, u *dataset.Table, j int, col int) int {
	tc, uc := &t.Columns[col], &u.Columns[col]
	if tc.Valid != nil || uc.Valid != nil {
		return dataset.CompareField(t, i, u, j, col)
	}
	switch c.s.Fields[col].Type {
	case dataset.String, dataset.Date:
		a, b := tc.Strings[i], uc.Strings[j]
		switch {
		case a == b:
			return 0
		case a < b:
			return -1
		}
		return 1
	case dataset.Integer:
		return cmp.Compare(tc.Ints[i], uc.Ints[j])
	case dataset.Number:
		if a, b := tc.Numbers[i], uc.Numbers[j]; a != b {
			return cmp.Compare(a, b)
		}
		return 0
	}
	return dataset.CompareField(t, i, u, j, col)
}

// same reports whether row i of old and row j of cur, whose keys are
// equal, have every other field equal too (dataset.CompareField), which
// is what most rows of two versions have; classify tells the others apart.
func (c *comparer) same(old *dataset.Table, i int, cur *dataset.Table, j int) bool {
	for _, col := range c.nonKey {
		oc, cc := &old.Columns[col], &cur.Columns[col]
		if oc.Valid != nil || cc.Valid != nil {
			// Two nulls are equal, a null and a value are not.
			on, cn := oc.Valid != nil && !oc.Valid[i], cc.Valid != nil && !cc.Valid[j]
			if on != cn {
				return false
			}
			if on {
				continue
			}
		}
		switch c.s.Fields[col].Type {
		case dataset.String, dataset.Date:
			if oc.Strings[i] != cc.Strings[j] {
				return false
			}
		case dataset.Integer:
			if oc.Ints[i] != cc.Ints[j] {
				return false
			}
		case dataset.Number:
			if a, b := oc.Numbers[i], cc.Numbers[j]; a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
				return false
			}
		case dataset.Boolean:
			if oc.Bools[i] != cc.Bools[j] {
				return false
			}
		default:
			if dataset.CompareField(old, i, cur, j, col) != 0 {
				return false
			}
		}
	}
	return true
}

// comparer holds what one comparison needs, resolved from the schema once.
type comparer struct {
	s        *dataset.Schema
	key      []int
	nonKey   []int // the fields not in the key
	isKey    []bool
	revision []bool
	marker   int
	period   int
	series   int
	unit     int
	value    int // the one revision field, when it is a number; -1 otherwise
	source   int
	sum      *Summary
}

func newComparer(s *dataset.Schema, opts Options) (*comparer, error) {
	c := &comparer{s: s, key: s.KeyIndex(), isKey: make([]bool, len(s.Fields)), revision: make([]bool, len(s.Fields)),
		source: s.Index(dataset.SourceField), sum: &Summary{BySource: map[string]*Counts{}}}
	for _, k := range c.key {
		c.isKey[k] = true
	}
	for col := range s.Fields {
		if !c.isKey[col] {
			c.nonKey = append(c.nonKey, col)
		}
	}
	for _, name := range opts.RevisionFields {
		i := s.Index(name)
		if i < 0 {
			return nil, fmt.Errorf("diff: revision field %q is not in the schema", name)
		}
		c.revision[i] = true
	}
	index := func(name, what string) (int, error) {
		if name == "" {
			return -1, nil
		}
		i := s.Index(name)
		if i < 0 {
			return -1, fmt.Errorf("diff: %s field %q is not in the schema", what, name)
		}
		return i, nil
	}
	var err error
	if c.marker, err = index(opts.MarkerField, "marker"); err != nil {
		return nil, err
	}
	if c.period, err = index(opts.PeriodField, "period"); err != nil {
		return nil, err
	}
	if c.series, err = index(opts.SeriesField, "series"); err != nil {
		return nil, err
	}
	if c.unit, err = index(opts.UnitField, "unit"); err != nil {
		return nil, err
	}
	if _, err = index(opts.CountryField, "country"); err != nil {
		return nil, err
	}
	c.value = -1
	if len(opts.RevisionFields) == 1 && s.Fields[s.Index(opts.RevisionFields[0])].Type == dataset.Number {
		c.value = s.Index(opts.RevisionFields[0])
	}
	return c, nil
}

// counter counts the rows of one version per value of one column. It runs
// for every row, so it keys on the column's own Go type, and remembers the
// last value: sorted rows often repeat it. It keeps a copy of the value,
// not the batch it came from, which a reader may reuse (see Batches).
type counter struct {
	col     int
	typ     dataset.Type
	ints    map[int64]int
	strings map[string]int
	values  map[dataset.Value]int // other types and nulls
	last    dataset.Value
	run     int // rows with the last value not yet counted; 0 before the first row
}

func newCounter(s *dataset.Schema, col int) *counter {
	return &counter{col: col, typ: s.Fields[col].Type, ints: map[int64]int{}, strings: map[string]int{}, values: map[dataset.Value]int{}}
}

func (k *counter) add(t *dataset.Table, i int) {
	v := t.Value(i, k.col)
	if k.run > 0 && dataset.CompareValues(k.typ, k.last, v) == 0 {
		k.run++
		return
	}
	k.flush()
	k.last, k.run = v, 1
}

// addBatch counts every row of t; a nil counter counts nothing. Columns
// without nulls of integers or text, which periods and series are, are
// read directly.
func (k *counter) addBatch(t *dataset.Table) {
	if k == nil {
		return
	}
	c := &t.Columns[k.col]
	switch {
	case c.Valid == nil && k.typ == dataset.Integer:
		for _, v := range c.Ints[:t.Len()] {
			if k.run > 0 && !k.last.Null && k.last.Int == v {
				k.run++
				continue
			}
			k.flush()
			k.last, k.run = dataset.Value{Int: v}, 1
		}
	case c.Valid == nil && (k.typ == dataset.String || k.typ == dataset.Date):
		for _, v := range c.Strings[:t.Len()] {
			if k.run > 0 && !k.last.Null && k.last.Str == v {
				k.run++
				continue
			}
			k.flush()
			k.last, k.run = dataset.Value{Str: v}, 1
		}
	default:
		for i := range t.Len() {
			k.add(t, i)
		}
	}
}

// flush adds the run of equal values seen last to the counts.
func (k *counter) flush() {
	if k.run == 0 {
		return
	}
	switch v := k.last; {
	case v.Null:
		k.values[dataset.Value{Null: true}] += k.run
	case k.typ == dataset.Integer:
		k.ints[v.Int] += k.run
	case k.typ == dataset.String || k.typ == dataset.Date:
		k.strings[v.Str] += k.run
	default:
		k.values[v] += k.run
	}
	k.run = 0
}

// text returns the counts keyed by the values as text.
func (k *counter) text() map[string]int {
	k.flush()
	out := map[string]int{}
	for v, n := range k.ints {
		out[dataset.FormatValue(dataset.Integer, dataset.Value{Int: v})] += n
	}
	for v, n := range k.strings {
		out[v] += n
	}
	for v, n := range k.values {
		out[dataset.FormatValue(k.typ, v)] += n
	}
	return out
}

// classify says what the change of a row means, lists its changed fields
// and, for a revised number, measures it. Numbers equal at the publishers'
// precision (dataset.SameNumber) are not changed; when they were the only
// difference, classify returns "" and same is set.
func (c *comparer) classify(old *dataset.Table, i int, cur *dataset.Table, j int) (class Class, fields []FieldChange, size *Size, same bool) {
	revised, marker, unit := false, false, false
	for col, f := range c.s.Fields {
		if c.isKey[col] || dataset.CompareField(old, i, cur, j, col) == 0 {
			continue
		}
		if f.Type == dataset.Number && !old.IsNull(i, col) && !cur.IsNull(j, col) &&
			dataset.SameNumber(old.Columns[col].Numbers[i], cur.Columns[col].Numbers[j]) {
			same = true
			continue
		}
		fields = append(fields, FieldChange{Field: f.Name, Old: old.Value(i, col), New: cur.Value(j, col)})
		revised = revised || c.revision[col]
		marker = marker || col == c.marker
		unit = unit || col == c.unit
	}
	if len(fields) == 0 {
		return "", nil, nil, same
	}
	if unit {
		// The same figure in another unit: the series was replaced.
		return ClassReplaced, fields, nil, false
	}
	if revised {
		oldNull, newNull := true, true
		for col, rev := range c.revision {
			if rev {
				oldNull = oldNull && old.IsNull(i, col)
				newNull = newNull && cur.IsNull(j, col)
			}
		}
		switch {
		case oldNull && !newNull:
			return ClassFilled, fields, nil, false
		case !oldNull && newNull:
			return ClassWithdrawn, fields, nil, false
		}
		if c.value >= 0 {
			u := ""
			if c.unit >= 0 && !cur.IsNull(j, c.unit) {
				u = cur.Columns[c.unit].Strings[j]
			}
			size = newSize(old.Columns[c.value].Numbers[i], cur.Columns[c.value].Numbers[j], u)
		}
		return ClassRevised, fields, size, false
	}
	if marker {
		return ClassMarker, fields, nil, false
	}
	return ClassOther, fields, nil, false
}

func (c *comparer) bySource(t *dataset.Table, i int) *Counts {
	if c.source < 0 {
		return &Counts{}
	}
	src := t.Columns[c.source].Strings[i]
	n := c.sum.BySource[src]
	if n == nil {
		n = &Counts{}
		c.sum.BySource[src] = n
	}
	return n
}

// Compare walks both versions in key order and calls fn, when not nil, for
// every row that differs, in key order. It fails if either version is not
// strictly sorted by key. fn may keep a Change and its rows.
//
// Each version is read in a goroutine of its own (see read), one batch
// ahead of the merge; Compare returns once both have stopped, so old and
// new are not read after it returns.
func Compare(s *dataset.Schema, old, new Batches, opts Options, fn func(*Change) error) (*Summary, error) {
	c, err := newComparer(s, opts)
	if err != nil {
		return nil, err
	}
	var oldPeriods, newPeriods, oldSeries, newSeries *counter
	if c.period >= 0 {
		oldPeriods, newPeriods = newCounter(s, c.period), newCounter(s, c.period)
	}
	if c.series >= 0 {
		oldSeries, newSeries = newCounter(s, c.series), newCounter(s, c.series)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	start := func(which string, b Batches, periods, series *counter) <-chan batch {
		ch := make(chan batch)
		wg.Go(func() { c.read(which, b, periods, series, ch, stop) })
		return ch
	}
	a := &cursor{in: start("old", old, oldPeriods, oldSeries)}
	b := &cursor{in: start("new", new, newPeriods, newSeries)}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	emit := func(ch *Change, t *dataset.Table, i int) error {
		c.sum.count(ch)
		c.bySource(t, i).count(ch)
		if fn == nil {
			return nil
		}
		if ch.Kind != Changed {
			if ch.Kind == Added {
				ch.New = t.Row(i)
			} else {
				ch.Old = t.Row(i)
			}
		}
		return fn(ch)
	}
	for {
		if err := a.fill(); err != nil {
			return nil, err
		}
		if err := b.fill(); err != nil {
			return nil, err
		}
		if a.done && b.done {
			break
		}
		var order int
		switch {
		case a.done:
			order = 1
		case b.done:
			order = -1
		default:
			order = c.compareKey(a.t, a.i, b.t, b.i)
		}
		switch {
		case order < 0:
			if err := emit(&Change{Kind: Removed, Class: ClassRemoved}, a.t, a.i); err != nil {
				return nil, err
			}
		case order > 0:
			if err := emit(&Change{Kind: Added, Class: ClassAdded}, b.t, b.i); err != nil {
				return nil, err
			}
		case c.same(a.t, a.i, b.t, b.i):
		default:
			class, fields, size, same := c.classify(a.t, a.i, b.t, b.i)
			if class == "" && same {
				c.sum.SameNumbers++
			}
			if class == ClassReplaced {
				c.unitChange(a.t, a.i, b.t, b.i)
			}
			if class != "" {
				ch := &Change{Kind: Changed, Class: class, Fields: fields, Size: size}
				if fn != nil {
					ch.Old, ch.New = a.t.Row(a.i), b.t.Row(b.i)
				}
				if err := emit(ch, b.t, b.i); err != nil {
					return nil, err
				}
			}
		}
		if order <= 0 {
			a.i++
			a.n++
		}
		if order >= 0 {
			b.i++
			b.n++
		}
	}
	// Both readers have closed their channels: their counts are complete.
	c.sum.OldRows, c.sum.NewRows = a.n, b.n
	if c.period >= 0 {
		c.sum.OldPeriods, c.sum.NewPeriods = oldPeriods.text(), newPeriods.text()
	}
	if c.series >= 0 {
		c.sum.OldSeries, c.sum.NewSeries = oldSeries.text(), newSeries.text()
	}
	return c.sum, nil
}

// unitChange counts a row whose unit changed.
func (c *comparer) unitChange(old *dataset.Table, i int, cur *dataset.Table, j int) {
	text := func(t *dataset.Table, k, col int) string {
		if col < 0 || t.IsNull(k, col) {
			return ""
		}
		return t.Text(k, col)
	}
	if c.sum.UnitChanges == nil {
		c.sum.UnitChanges = map[UnitChange]int{}
	}
	c.sum.UnitChanges[UnitChange{Source: text(cur, j, c.source), Series: text(cur, j, c.series),
		From: text(old, i, c.unit), To: text(cur, j, c.unit)}]++
}
