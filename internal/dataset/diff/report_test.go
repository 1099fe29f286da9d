package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

// report compares old and cur of military expenditure and groups the
// changes with the given caps.
func report(t *testing.T, old, cur []dataset.Expenditure, first bool, cap, countryCap int) *Report {
	t.Helper()
	opts := OptionsFor(dataset.MilitaryExpenditure)
	g := NewGrouper(dataset.ExpenditureSchema, opts, first, cap, countryCap)
	var o *dataset.Table
	if !first {
		o = sorted(old...)
	}
	sum, err := Compare(dataset.ExpenditureSchema, Tables(o), Tables(sorted(cur...)), opts, g.Add)
	if err != nil {
		t.Fatal(err)
	}
	return g.Report(sum)
}

// key names a listed row as country year measure source.
func key(r Row) string {
	s := dataset.ExpenditureSchema
	v := func(name string) string { x, _ := r.Current().At(s.Index(name)); return x }
	return v("country_iso3") + " " + v("year") + " " + v("measure") + " " + v("source")
}

func TestGrouper(t *testing.T) {
	at := func(country string, year int, measure string, v float64) dataset.Expenditure {
		e := exp(country, year, "sipri", v, "")
		e.Measure = measure
		return e
	}
	share := func(country string, year int, unit string, v float64) dataset.Expenditure {
		e := exp(country, year, "sipri", v, "")
		e.Measure, e.Unit, e.SourceUnit = dataset.MeasureShareOfGDP, unit, dataset.UnitFraction
		return e
	}
	old := []dataset.Expenditure{
		// Revisions of different sizes in three countries.
		at("DEU", 2020, "current_usd", 100), at("DEU", 2021, "current_usd", 100), at("DEU", 2022, "current_usd", 100),
		at("FRA", 2020, "current_usd", 100), at("FRA", 2021, "current_usd", 100),
		at("UKR", 2020, "current_usd", 100),
		// A base year that moves: a series replaced.
		at("DEU", 2020, "constant_usd_2021", 90), at("FRA", 2020, "constant_usd_2021", 95),
		// A unit that changes: a series replaced too.
		share("DEU", 2020, dataset.UnitFraction, 0.0131), share("FRA", 2020, dataset.UnitFraction, 0.019),
		// A row that goes.
		at("POL", 2020, "current_usd", 7),
		// A marker that changes.
		exp("SUN", 1992, "sipri", 0, dataset.MissingDidNotExist),
	}
	cur := []dataset.Expenditure{
		at("DEU", 2020, "current_usd", 101),   // +1%
		at("DEU", 2021, "current_usd", 150),   // +50%, material
		at("DEU", 2022, "current_usd", 100.5), // +0.5%
		at("FRA", 2020, "current_usd", 110),   // +10%, material
		at("FRA", 2021, "current_usd", 99),    // -1%
		at("UKR", 2020, "current_usd", 80),    // -20%, material
		at("DEU", 2020, "constant_usd_2022", 93), at("FRA", 2020, "constant_usd_2022", 97),
		share("DEU", 2020, dataset.UnitPercent, 1.31), share("FRA", 2020, dataset.UnitPercent, 1.9),
		exp("SUN", 1992, "sipri", 0, dataset.MissingNotAvailable),
		// A year that comes, and one row that nothing explains.
		at("DEU", 2024, "current_usd", 120), at("FRA", 2024, "current_usd", 130),
		at("ITA", 2020, "current_usd", 50),
	}
	r := report(t, old, cur, false, 4, 2)

	var order []Class
	for _, s := range r.Sections {
		order = append(order, s.Class)
	}
	if diff := cmp.Diff([]Class{ClassRevised, ClassMarker, ClassReplaced, ClassAdded, ClassRemoved}, order); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}

	// The four largest of six revisions, material first, by country in
	// the order of each country's largest.
	rev := r.Section(ClassRevised)
	if rev.N != 6 || rev.Material != 3 || rev.Listed != 4 {
		t.Errorf("revised: %d, %d material, %d listed; want 6, 3, 4", rev.N, rev.Material, rev.Listed)
	}
	type grp struct {
		Country     string
		N, Material int
		Rows        []string
	}
	var got []grp
	for _, g := range rev.Groups {
		x := grp{Country: g.Country, N: g.N, Material: g.Material}
		for _, row := range g.Rows {
			x.Rows = append(x.Rows, key(row))
		}
		got = append(got, x)
	}
	want := []grp{
		{"DEU", 3, 1, []string{"DEU 2021 current_usd sipri", "DEU 2020 current_usd sipri"}},
		{"UKR", 1, 1, []string{"UKR 2020 current_usd sipri"}},
		{"FRA", 2, 1, []string{"FRA 2020 current_usd sipri"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("revised groups (-want +got):\n%s", diff)
	}

	// Series replaced: two rows of a new base year (the removed ones are
	// counted as replaced too) and two of a new unit; none listed.
	if rep := r.Section(ClassReplaced); rep.N != 4+2 || rep.Listed != 0 {
		t.Errorf("replaced: %d rows, %d listed; want 6, 0", rep.N, rep.Listed)
	}
	if diff := cmp.Diff([]SeriesChange{{From: "constant_usd_2021", To: "constant_usd_2022", OldRows: 2, NewRows: 2}}, r.Analysis.SeriesChanges); diff != "" {
		t.Errorf("series changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]UnitRows{{UnitChange{"sipri", "share_of_gdp", "fraction", "percent"}, 2}}, r.Analysis.UnitChanges); diff != "" {
		t.Errorf("unit changes (-want +got):\n%s", diff)
	}
	// The year that came is explained, not listed; ITA is listed.
	if diff := cmp.Diff(map[string]int{"2024": 2}, r.Periods); diff != "" {
		t.Errorf("periods (-want +got):\n%s", diff)
	}
	if add := r.Section(ClassAdded); add.N != 1 || key(add.Groups[0].Rows[0]) != "ITA 2020 current_usd sipri" {
		t.Errorf("added: %+v; want ITA 2020 only", add)
	}
	if rem := r.Section(ClassRemoved); rem.N != 1 || rem.Groups[0].Country != "POL" {
		t.Errorf("removed: %+v; want POL", rem)
	}

	// Per country: counts by section as decided, and the largest
	// revisions first, within the country cap.
	deu := r.Countries["DEU"]
	if diff := cmp.Diff(map[Class]int{ClassRevised: 3, ClassReplaced: 1}, deu.Classes); diff != "" {
		t.Errorf("DEU classes (-want +got):\n%s", diff)
	}
	if deu.Material != 1 || deu.Periods["2024"] != 1 || deu.Replaced["constant_usd_2021"] != 1 {
		t.Errorf("DEU: %d material, %v periods, %v replaced", deu.Material, deu.Periods, deu.Replaced)
	}
	var rows []string
	for _, row := range deu.Rows {
		rows = append(rows, key(row))
	}
	if diff := cmp.Diff([]string{"DEU 2021 current_usd sipri", "DEU 2020 current_usd sipri"}, rows); diff != "" {
		t.Errorf("DEU rows (-want +got):\n%s", diff)
	}
	if sun := r.Countries["SUN"]; sun.Classes[ClassMarker] != 1 || len(sun.Rows) != 1 {
		t.Errorf("SUN: %+v; want its marker change", sun)
	}
	if r.Counts.Revisions != 6 || r.Counts.Replaced != 2 || r.Counts.Material != 3 {
		t.Errorf("counts = %+v", r.Counts)
	}
}

// The first version lists its rows as added and analyses nothing.
func TestGrouperFirst(t *testing.T) {
	r := report(t, nil, []dataset.Expenditure{exp("DEU", 2020, "sipri", 1, ""), exp("FRA", 2020, "sipri", 2, "")}, true, 1, 1)
	if !r.First || len(r.Sections) != 1 || r.Sections[0].N != 2 || r.Sections[0].Listed != 1 || r.Countries != nil {
		t.Errorf("first version report = %+v", r)
	}
}

// A first version of many years lists its first rows in key order across
// years, and keeps only those while it runs.
func TestGrouperFirstAcrossPeriods(t *testing.T) {
	var cur []dataset.Expenditure
	for _, c := range []string{"FRA", "DEU"} {
		for y := 2024; y >= 2000; y-- {
			cur = append(cur, exp(c, y, "sipri", float64(y), ""))
		}
	}
	r := report(t, nil, cur, true, 3, 3)
	if len(r.Sections) != 1 || r.Sections[0].N != 50 || r.Sections[0].Listed != 3 {
		t.Fatalf("first version report = %+v", r)
	}
	var got []string
	for _, g := range r.Sections[0].Groups {
		for _, row := range g.Rows {
			got = append(got, key(row))
		}
	}
	want := []string{"DEU 2000 current_usd sipri", "DEU 2001 current_usd sipri", "DEU 2002 current_usd sipri"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("listed rows (-want +got):\n%s", diff)
	}
}

// Without caps every row is listed.
func TestGrouperNoCap(t *testing.T) {
	var old, cur []dataset.Expenditure
	for y := 1990; y < 2020; y++ {
		old = append(old, exp("DEU", y, "sipri", 100, ""))
		cur = append(cur, exp("DEU", y, "sipri", float64(100+y-1989), ""))
	}
	r := report(t, old, cur, false, 0, 0)
	if s := r.Section(ClassRevised); s.N != 30 || s.Listed != 30 || key(s.Groups[0].Rows[0]) != "DEU 2019 current_usd sipri" {
		t.Errorf("revised = %+v; want all 30, 2019 (+30%%) first", s)
	}
}

func TestDecide(t *testing.T) {
	a := &Analysis{AddedPeriods: []string{"2024"}, RemovedSeries: []string{"per_capita"},
		SeriesChanges: []SeriesChange{{From: "constant_usd_2021", To: "constant_usd_2022"}}}
	tests := []struct {
		class          Class
		period, series string
		want           Class
	}{
		{ClassAdded, "2024", "current_usd", ""},
		{ClassAdded, "2020", "constant_usd_2022", ClassReplaced},
		{ClassRemoved, "2020", "constant_usd_2021", ClassReplaced},
		{ClassRemoved, "2020", "per_capita", ""},
		{ClassAdded, "2020", "current_usd", ClassAdded},
		{ClassRevised, "2024", "current_usd", ClassRevised},
	}
	for _, tt := range tests {
		if got := a.Decide(tt.class, tt.period, tt.series); got != tt.want {
			t.Errorf("Decide(%s, %s, %s) = %q, want %q", tt.class, tt.period, tt.series, got, tt.want)
		}
	}
}
