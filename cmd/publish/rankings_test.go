package main

import (
	"cmp"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/defence-transparency/publish/internal/realdata"
)

// ranked is a state's figure in a ranking.
type ranked struct {
	iso3  string
	value float64
}

// publishedFigures reads the published military-expenditure Parquet file
// with arrow-go's own reader, which knows nothing of the project's
// schemas, and returns the states' figures of one source and measure by
// year: what a reader of the download would query.
func publishedFigures(t *testing.T, path, source, measure string) map[int][]ranked {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rdr, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Release()
	rd := array.NewTableReader(tab, 0)
	defer rd.Release()
	idx := func(name string) int {
		fs := tab.Schema().FieldIndices(name)
		if len(fs) != 1 {
			t.Fatalf("published file has no column %s", name)
		}
		return fs[0]
	}
	cCode, cAgg, cYear, cMeasure, cSource, cValue := idx("country_iso3"), idx("aggregate"), idx("year"),
		idx("measure"), idx("source"), idx("value")
	str := func(a any, i int) string {
		switch a := a.(type) {
		case *array.String:
			return a.Value(i)
		case *array.Dictionary:
			return a.Dictionary().(*array.String).Value(a.GetValueIndex(i))
		}
		t.Fatalf("string column of type %T", a)
		return ""
	}
	out := map[int][]ranked{}
	for rd.Next() {
		rec := rd.Record()
		code, agg, year := rec.Column(cCode), rec.Column(cAgg).(*array.Boolean), rec.Column(cYear).(*array.Int64)
		meas, src, val := rec.Column(cMeasure), rec.Column(cSource), rec.Column(cValue).(*array.Float64)
		for i := range int(rec.NumRows()) {
			if agg.Value(i) || val.IsNull(i) || str(src, i) != source || str(meas, i) != measure {
				continue
			}
			y := int(year.Value(i))
			out[y] = append(out[y], ranked{str(code, i), val.Value(i)})
		}
	}
	return out
}

// latestYear is the ranking's rule, computed apart: the latest year with
// figures for at least half as many states as the best-covered year.
func latestYear(by map[int][]ranked) int {
	best, year := 0, 0
	for _, rs := range by {
		best = max(best, len(rs))
	}
	for y, rs := range by {
		if 2*len(rs) >= best && y > year {
			year = y
		}
	}
	return year
}

// pageRanking reads the states of a rankings page that have a figure in
// the sorted column, in the page's order, with the exact value it shows.
func pageRanking(t *testing.T, public, page string) (order string, rows []ranked) {
	t.Helper()
	f, err := os.Open(filepath.Join(public, "rankings", filepath.FromSlash(page), "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := goquery.NewDocumentFromReader(f)
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	doc.Find("#rankings thead th").Each(func(i int, s *goquery.Selection) {
		if v, _ := s.Attr("aria-sort"); v == "descending" {
			col = i
			order = strings.TrimSpace(s.Text())
		}
	})
	if col < 1 {
		t.Fatalf("rankings/%s: no column sorted in descending order", page)
	}
	doc.Find("#rankings tbody tr").Each(func(_ int, s *goquery.Selection) {
		code, _ := s.Attr("data-iso3")
		v, ok := s.Children().Eq(col).Find("data").Attr("value")
		if !ok {
			return
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("rankings/%s: %s: value %q: %v", page, code, v, err)
		}
		rows = append(rows, ranked{code, x})
	})
	return order, rows
}

// sameRanking compares a page's order with the one computed from the
// file: the same states, in descending order of the same values (states
// with equal values in any order).
func sameRanking(t *testing.T, name string, got, want []ranked) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d states ranked, want %d", name, len(got), len(want))
	}
	for i := 1; i < len(got); i++ {
		if got[i].value > got[i-1].value {
			t.Errorf("%s: %s (%v) ranked after %s (%v)", name, got[i].iso3, got[i].value, got[i-1].iso3, got[i-1].value)
		}
	}
	byValue := func(a, b ranked) int { return cmp.Or(cmp.Compare(b.value, a.value), cmp.Compare(a.iso3, b.iso3)) }
	got, want = slices.Clone(got), slices.Clone(want)
	slices.SortStableFunc(got, byValue)
	slices.SortFunc(want, byValue)
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.iso3 != w.iso3 || math.Abs(g.value-w.value) > 1e-9*math.Abs(w.value) {
			t.Errorf("%s: place %d = %s %v, want %s %v", name, i+1, g.iso3, g.value, w.iso3, w.value)
			return
		}
	}
}

// TestRealDataRankings builds the site from the World Bank's 2026 file and
// SIPRI's 1948-2023 workbook and checks each ranking against a query of the
// published Parquet file made apart from the site: the latest year with
// data, every state with a figure, highest first, no aggregate: the World
// Bank's shares of GDP alone, then, with SIPRI's permission, SIPRI's
// constant US$, its ten-year change and its other measures.
func TestRealDataRankings(t *testing.T) {
	dir := realdata.Dir(t)
	tmp := t.TempDir()
	urls := map[string][]string{
		"sipri":     {fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))},
		"worldbank": {fileURL(filepath.Join(dir, "worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"))},
	}
	when := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	build := func(t *testing.T, sources string) (data, public string) {
		data, public = filepath.Join(tmp, t.Name(), "data"), filepath.Join(tmp, t.Name(), "public")
		if r := run(t, when, "run", "--sources", sources, "--data", data, "--out", public); r.code != exitOK {
			t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
		}
		return data, public
	}
	parquet := func(data string) string {
		return filepath.Join(data, "datasets", "military-expenditure", "military-expenditure.parquet")
	}

	t.Run("terms", func(t *testing.T) {
		// The World Bank alone: what SIPRI's withheld rows change is
		// shown by the site's own tests (TestRankingsWithheld).
		data, public := build(t, someSources(t, tmp, "terms", map[string][]string{"worldbank": urls["worldbank"]}))
		wb := publishedFigures(t, parquet(data), "worldbank", "share_of_gdp")
		year := latestYear(wb)
		if year < 2023 {
			t.Fatalf("latest World Bank year %d", year)
		}
		if n := len(publishedFigures(t, parquet(data), "sipri", "share_of_gdp")); n != 0 {
			t.Fatalf("SIPRI published for %d years without a permission", n)
		}
		order, got := pageRanking(t, public, "")
		if !strings.Contains(order, "Share of GDP") || !strings.Contains(order, strconv.Itoa(year)) {
			t.Errorf("rankings sorted by %q, want the share of GDP in %d", order, year)
		}
		sameRanking(t, "share of GDP", got, wb[year])
		for _, aggregate := range []string{"WLD", "EUU", "NAC"} {
			if slices.ContainsFunc(got, func(r ranked) bool { return r.iso3 == aggregate }) {
				t.Errorf("aggregate %s is ranked", aggregate)
			}
		}
		page, err := os.ReadFile(filepath.Join(public, "rankings", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"rankings/name/index.html", "aggregates (the world, regions"} {
			if !strings.Contains(string(page), want) {
				t.Errorf("rankings page lacks %q", want)
			}
		}
		if _, err := os.Stat(filepath.Join(public, "rankings", "constant-usd")); err == nil {
			t.Error("a ranking in constant US$ without SIPRI's permission")
		}
	})

	t.Run("permission", func(t *testing.T) {
		data, public := build(t, permit(t, tmp, someSources(t, tmp, "permit", urls), "sipri"))
		usd := publishedFigures(t, parquet(data), "sipri", "constant_usd_2022")
		year := latestYear(usd)
		if year != 2023 {
			t.Fatalf("latest SIPRI year %d, want 2023", year)
		}
		order, got := pageRanking(t, public, "")
		if !strings.Contains(order, "constant US$") {
			t.Errorf("rankings sorted by %q, want constant US$", order)
		}
		sameRanking(t, "constant US$", got, usd[year])
		if len(got) < 140 || got[0].iso3 != "USA" || got[1].iso3 != "CHN" {
			t.Errorf("constant US$: %d states, first %v", len(got), got[:min(2, len(got))])
		}
		// The ten-year change, computed from the file.
		then := map[string]float64{}
		for _, r := range usd[year-10] {
			then[r.iso3] = r.value
		}
		var change []ranked
		for _, r := range usd[year] {
			if v, ok := then[r.iso3]; ok && v > 0 {
				change = append(change, ranked{r.iso3, (r.value/v - 1) * 100})
			}
		}
		_, got = pageRanking(t, public, "change-10y")
		sameRanking(t, "10-year change", got, change)
		for _, m := range []struct{ page, measure string }{
			{"share-of-gdp", "share_of_gdp"}, {"per-capita", "per_capita"}, {"share-of-govt", "share_of_govt"},
		} {
			by := publishedFigures(t, parquet(data), "sipri", m.measure)
			_, got := pageRanking(t, public, m.page)
			sameRanking(t, m.measure, got, by[latestYear(by)])
		}
	})
}
