package diff

import (
	"errors"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

func exp(country string, year int, source string, value float64, missing string) dataset.Expenditure {
	return dataset.Expenditure{Country: country, CountryName: country, Year: year, Measure: dataset.MeasureCurrentUSD,
		Source: source, Value: value, HasValue: missing == "", Missing: missing, Unit: "US$ m", SourceUnit: "US$ m"}
}

func sorted(recs ...dataset.Expenditure) *dataset.Table {
	t := dataset.ExpenditureTable(recs)
	t.SortByKey()
	return t
}

func TestCompare(t *testing.T) {
	old := sorted(
		exp("DEU", 2020, "sipri", 10, ""),
		exp("DEU", 2021, "sipri", 11, ""),
		exp("FRA", 2020, "sipri", 0, dataset.MissingDidNotExist),
		exp("UKR", 2020, "worldbank", 3.5, ""),
	)
	newer := sorted(
		exp("DEU", 2020, "sipri", 10, ""),                         // same
		exp("DEU", 2021, "sipri", 12, ""),                         // revised
		exp("DEU", 2022, "sipri", 13, ""),                         // added
		exp("FRA", 2020, "sipri", 0, dataset.MissingNotAvailable), // marker changed
		// UKR removed
	)
	var kinds []string
	sum, err := Compare(dataset.ExpenditureSchema, Tables(old), Tables(newer), OptionsFor(dataset.MilitaryExpenditure),
		func(c *Change) error {
			r := c.Row()
			kinds = append(kinds, string(c.Class)+" "+r[0].Str+" "+dataset.FormatValue(dataset.Integer, r[dataset.ExpenditureSchema.Index("year")]))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Added: 1, Removed: 1, Changed: 2, Revisions: 1, Markers: 1, Material: 1} // 11 -> 12 is 9%
	if sum.Counts != want {
		t.Errorf("Compare counts = %+v, want %+v", sum.Counts, want)
	}
	if diff := cmp.Diff([]string{"revised DEU 2021", "added DEU 2022", "marker FRA 2020", "removed UKR 2020"}, kinds); diff != "" {
		t.Errorf("changes mismatch (-want +got):\n%s", diff)
	}
	if got := *sum.BySource["worldbank"]; got != (Counts{Removed: 1}) {
		t.Errorf("BySource[worldbank] = %+v", got)
	}
	if sum.OldRows != 4 || sum.NewRows != 4 {
		t.Errorf("rows = %d, %d; want 4, 4", sum.OldRows, sum.NewRows)
	}
	a := Analyze(sum)
	if diff := cmp.Diff([]string{"2022"}, a.AddedPeriods); diff != "" {
		t.Errorf("AddedPeriods mismatch (-want +got):\n%s", diff)
	}
}

func TestCompareBatchesAndEmpty(t *testing.T) {
	a := sorted(exp("DEU", 2020, "sipri", 1, ""), exp("DEU", 2021, "sipri", 2, ""))
	b := sorted(exp("FRA", 2020, "sipri", 1, ""))
	// The same rows split across batches compare equal to themselves.
	sum, err := Compare(dataset.ExpenditureSchema, Tables(a, b), Tables(concat(t, a, b)), Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total() != 0 || sum.NewRows != 3 {
		t.Errorf("split batches: %+v", sum)
	}
	sum, err = Compare(dataset.ExpenditureSchema, Tables(nil), Tables(a), Options{}, nil)
	if err != nil || sum.Added != 2 {
		t.Errorf("from nothing: %+v, %v", sum, err)
	}
}

func TestCompareRejectsUnsorted(t *testing.T) {
	unsorted := dataset.ExpenditureTable([]dataset.Expenditure{exp("FRA", 2020, "sipri", 1, ""), exp("DEU", 2020, "sipri", 1, "")})
	if _, err := Compare(dataset.ExpenditureSchema, Tables(nil), Tables(unsorted), Options{}, nil); err == nil {
		t.Error("Compare(unsorted) succeeded, want an error")
	}
}

// Order is checked across batches too, and the error says which version
// and which row.
func TestCompareRejectsUnsortedBatches(t *testing.T) {
	deu := sorted(exp("DEU", 2020, "sipri", 1, ""), exp("DEU", 2021, "sipri", 1, ""))
	fra := sorted(exp("FRA", 2020, "sipri", 1, ""))
	for _, c := range []struct {
		name     string
		old, new Batches
		want     string
	}{
		{"new out of order", Tables(deu), Tables(fra, deu), "diff: new version: rows are not in strictly increasing key order at row 2"},
		{"old repeats a key", Tables(deu, sorted(exp("DEU", 2021, "sipri", 1, ""))), Tables(deu),
			"diff: old version: rows are not in strictly increasing key order at row 3"},
	} {
		_, err := Compare(dataset.ExpenditureSchema, c.old, c.new, Options{}, nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: Compare error = %v, want %q", c.name, err, c.want)
		}
	}
}

// slowBatches counts the calls of Next that started and ended; each call
// takes a while, so that one is likely under way when Compare stops.
type slowBatches struct {
	b              Batches
	started, ended atomic.Int32
}

func (s *slowBatches) Next() (*dataset.Table, error) {
	s.started.Add(1)
	defer s.ended.Add(1)
	time.Sleep(5 * time.Millisecond)
	return s.b.Next()
}

// Compare reads each version ahead in a goroutine of its own; when fn
// fails, Compare returns its error, and only once neither version is
// being read any more (the caller may then close the files).
func TestCompareStopsReading(t *testing.T) {
	old, cur := versionPair(2*dataset.ParquetRowGroupRows + 99)
	a := &slowBatches{b: parquetBatches(t, old, true)}
	b := &slowBatches{b: parquetBatches(t, cur, true)}
	stop := errors.New("enough")
	_, err := Compare(dataset.ExpenditureSchema, a, b, OptionsFor(dataset.MilitaryExpenditure), func(*Change) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("Compare error = %v, want fn's", err)
	}
	for _, s := range []*slowBatches{a, b} {
		if started, ended := s.started.Load(), s.ended.Load(); started != ended || started > 3 {
			t.Errorf("after Compare returned: %d reads started, %d ended; want equal, and at most 3 (one batch ahead)", started, ended)
		}
	}
}

func concat(t *testing.T, ts ...*dataset.Table) *dataset.Table {
	t.Helper()
	c, err := dataset.Concat(dataset.ExpenditureSchema, ts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClasses(t *testing.T) {
	base := exp("DEU", 2020, "sipri", 10, "")
	tests := []struct {
		name string
		edit func(e *dataset.Expenditure)
		want Class
	}{
		{"value revised", func(e *dataset.Expenditure) { e.Value = 11 }, ClassRevised},
		{"unit changed", func(e *dataset.Expenditure) { e.Value, e.Unit = 10000, "US$" }, ClassReplaced},
		{"value withdrawn", func(e *dataset.Expenditure) { e.HasValue, e.Value, e.Missing = false, 0, dataset.MissingNotAvailable }, ClassWithdrawn},
		{"became an estimate", func(e *dataset.Expenditure) { e.Estimate = true }, ClassOther},
		{"note added", func(e *dataset.Expenditure) { e.Notes = "§" }, ClassOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := base
			tt.edit(&changed)
			var got []Class
			_, err := Compare(dataset.ExpenditureSchema, Tables(sorted(base)), Tables(sorted(changed)), OptionsFor(dataset.MilitaryExpenditure),
				func(c *Change) error { got = append(got, c.Class); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("classes = %v, want [%s]", got, tt.want)
			}
		})
	}
	// And filled: a missing figure now given.
	var got []Class
	missing := exp("DEU", 2020, "sipri", 0, dataset.MissingNotAvailable)
	_, _ = Compare(dataset.ExpenditureSchema, Tables(sorted(missing)), Tables(sorted(base)), OptionsFor(dataset.MilitaryExpenditure),
		func(c *Change) error { got = append(got, c.Class); return nil })
	if len(got) != 1 || got[0] != ClassFilled {
		t.Errorf("missing -> value: classes = %v, want [filled]", got)
	}
}

func TestAnalyzeSeriesChange(t *testing.T) {
	row := func(country, measure string, year int) dataset.Expenditure {
		e := exp(country, year, "sipri", 1, "")
		e.Measure = measure
		return e
	}
	old := sorted(row("DEU", "constant_usd_2021", 2020), row("FRA", "constant_usd_2021", 2020), row("DEU", "current_usd", 2020))
	cur := sorted(row("DEU", "constant_usd_2022", 2020), row("FRA", "constant_usd_2022", 2020), row("DEU", "current_usd", 2020),
		row("DEU", "per_capita", 2020))
	sum, err := Compare(dataset.ExpenditureSchema, Tables(old), Tables(cur), OptionsFor(dataset.MilitaryExpenditure), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Analyze(sum)
	want := Analysis{
		SeriesChanges: []SeriesChange{{From: "constant_usd_2021", To: "constant_usd_2022", OldRows: 2, NewRows: 2}},
		AddedSeries:   []string{"per_capita"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Analyze mismatch (-want +got):\n%s", diff)
	}
}

func TestCSVWriter(t *testing.T) {
	old := sorted(exp("DEU", 2021, "sipri", 11, ""), exp("UKR", 2020, "worldbank", 3.5, ""))
	cur := sorted(exp("DEU", 2021, "sipri", 12, ""))
	var b strings.Builder
	cw, err := NewCSVWriter(&b, dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compare(dataset.ExpenditureSchema, Tables(old), Tables(cur), OptionsFor(dataset.MilitaryExpenditure), cw.Write); err != nil {
		t.Fatal(err)
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "change,class,country_iso3,year,measure,source,field,old,new,difference,relative_difference,material\n" +
		"changed,revised,DEU,2021,current_usd,sipri,value,11,12,1,0.09090909090909091,true\n" +
		"removed,removed,UKR,2020,current_usd,worldbank,country_name,UKR,,,,\n" +
		"removed,removed,UKR,2020,current_usd,worldbank,aggregate,false,,,,\n" +
		"removed,removed,UKR,2020,current_usd,worldbank,value,3.5,,,,\n" +
		"removed,removed,UKR,2020,current_usd,worldbank,unit,US$ m,,,,\n" +
		"removed,removed,UKR,2020,current_usd,worldbank,source_unit,US$ m,,,,\n" +
		"removed,removed,UKR,2020,current_usd,worldbank,estimate,false,,,,\n" +
		"removed,removed,UKR,2020,current_usd,worldbank,uncertain,false,,,,\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
}

// Figures equal at the publishers' precision are no change; one that moved
// by more is a revision.
func TestCompareSameNumber(t *testing.T) {
	share := func(country string, year int, v float64) dataset.Expenditure {
		e := exp(country, year, "worldbank", v, "")
		e.Measure, e.Unit, e.SourceUnit = dataset.MeasureShareOfGDP, dataset.UnitPercent, dataset.UnitPercent
		return e
	}
	old := sorted(share("COL", 2014, 3.10825884811045), share("NIC", 2007, 0.531726214714916), share("USA", 2019, 3.42708018052996))
	cur := sorted(share("COL", 2014, 3.10825884811044), share("NIC", 2007, 0.53172621458102), share("USA", 2019, 3.40921408383721))
	var got []string
	sum, err := Compare(dataset.ExpenditureSchema, Tables(old), Tables(cur), OptionsFor(dataset.MilitaryExpenditure),
		func(c *Change) error { got = append(got, c.Row()[0].Str+" "+string(c.Class)); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"NIC revised", "USA revised"}, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if sum.Revisions != 2 || sum.SameNumbers != 1 || sum.Material != 0 {
		t.Errorf("summary: %d revisions, %d same numbers, %d material; want 2, 1, 0", sum.Revisions, sum.SameNumbers, sum.Material)
	}
}

// A unit change is a series replaced, counted by source, series and units,
// never a revision.
func TestCompareUnitChange(t *testing.T) {
	var old, cur []dataset.Expenditure
	for _, c := range []string{"AFG", "DEU", "FRA"} {
		o := exp(c, 2020, "sipri", 0.0194, "")
		o.Measure, o.Unit, o.SourceUnit = dataset.MeasureShareOfGDP, dataset.UnitFraction, dataset.UnitFraction
		n := o
		n.Unit = dataset.UnitPercent
		if err := n.SetValue(0.0194, dataset.UnitFraction); err != nil {
			t.Fatal(err)
		}
		w := exp(c, 2020, "worldbank", 1.89, "")
		w.Measure, w.Unit, w.SourceUnit = dataset.MeasureShareOfGDP, dataset.UnitPercent, dataset.UnitPercent
		old, cur = append(old, o, w), append(cur, n, w)
	}
	sum, err := Compare(dataset.ExpenditureSchema, Tables(sorted(old...)), Tables(sorted(cur...)), OptionsFor(dataset.MilitaryExpenditure), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Changed != 3 || sum.Replaced != 3 || sum.Revisions != 0 {
		t.Errorf("counts = %+v; want 3 changed, all replaced, no revision", sum.Counts)
	}
	want := []UnitRows{{UnitChange{Source: "sipri", Series: "share_of_gdp", From: "fraction", To: "percent"}, 3}}
	if diff := cmp.Diff(want, Analyze(sum).UnitChanges); diff != "" {
		t.Errorf("unit changes (-want +got):\n%s", diff)
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		old, new float64
		unit     string
		abs      string
		rel      float64
		material bool
	}{
		{1.1, 1.2, dataset.UnitPercent, "0.1", 0.1 / 1.1, true}, // a tenth of a point, on the published digits
		{3.42708018052996, 3.40921408383721, dataset.UnitPercent, "-0.01786609669275", -0.01786609669275 / 3.42708018052996, false},
		{0.2, 0.25, dataset.UnitPercent, "0.05", 0.25, false}, // 25% of a small share, but 0.05 points
		{100, 105, dataset.UnitMillionUSD, "5", 0.05, true},
		{100, 104.9, dataset.UnitMillionUSD, "4.9", 0.049, false},
		{2000, 1000, dataset.UnitMillionUSD, "-1000", -0.5, true},
		{0, 3, dataset.UnitMillionUSD, "3", math.Inf(1), true},
	}
	for _, tt := range tests {
		sz := newSize(tt.old, tt.new, tt.unit)
		if sz.AbsText() != tt.abs || math.Abs(sz.Rel-tt.rel) > 1e-12 && !(math.IsInf(tt.rel, 0) && sz.Rel == tt.rel) || sz.Material != tt.material {
			t.Errorf("newSize(%v, %v, %q) = %s, %v, material %v; want %s, %v, %v", tt.old, tt.new, tt.unit, sz.AbsText(), sz.Rel, sz.Material, tt.abs, tt.rel, tt.material)
		}
	}
	big, small := newSize(100, 200, ""), newSize(100, 101, "")
	if Rank(big, small) >= 0 || Rank(small, big) <= 0 || Rank(small, small) != 0 {
		t.Errorf("Rank does not put the larger revision first")
	}
	if Rank(newSize(1, 1.2, dataset.UnitPercent), newSize(1, 1.04, "")) >= 0 {
		t.Errorf("Rank does not put the material revision first")
	}
	// By weight: 3 points of a share (30) before 50% of a budget (10)
	// before 0.1 points of a small share (1), though it grew 33-fold.
	share, budget, small := newSize(1, 4, dataset.UnitPercent), newSize(100, 150, dataset.UnitMillionUSD), newSize(0.003, 0.103, dataset.UnitPercent)
	if Rank(share, budget) >= 0 || Rank(budget, small) >= 0 || Rank(share, small) >= 0 {
		t.Errorf("Rank by weight: share %v, budget %v, small share %v", share.Weight(), budget.Weight(), small.Weight())
	}
}
