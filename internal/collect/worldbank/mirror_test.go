package worldbank

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// goldenFile holds the rows of the two mirror downloads, so a change of the
// fixtures or the parser shows up in review.
var goldenFile = filepath.Join("testdata", "golden", "mirror-rows.csv")

func TestMirrorGolden(t *testing.T) {
	got := parseAll(t, mirrorDocs(t), BulkURL(ShareOfGDP), BulkURL(CurrentUSD))
	collecttest.Golden(t, goldenFile, dataset.ExpenditureTable(got), *update)
}

// TestMirrorRecordsFromTable checks the parse of the mirror downloads
// against the fixture table they were written from, without going through
// CSV: every economy's and aggregate's value text, current US$ with the
// decimal point moved six places to US$ m.
func TestMirrorRecordsFromTable(t *testing.T) {
	docs := mirrorDocs(t)
	measures := map[string][3]string{
		ShareOfGDP: {"share_of_gdp", "percent", "percent"},
		CurrentUSD: {"current_usd", "US$ m", "US$"},
	}
	for _, ind := range fixtureIndicators {
		t.Run(ind.code, func(t *testing.T) {
			vals, err := parseFixtureValues(ind.values)
			if err != nil {
				t.Fatal(err)
			}
			var want []dataset.Expenditure
			economies, aggregates, empty, aggRecords := 0, 0, 0, 0
			m := measures[ind.code]
			for _, e := range fixtureEconomies {
				agg := e.region == ""
				if agg {
					aggregates++
				} else {
					economies++
				}
				c, ok := country.Lookup(e.code)
				if !ok {
					t.Fatalf("fixture economy %s is not in the registry", e.code)
				}
				for y := fixtureFirstYear; y <= fixtureLastYear; y++ {
					text, ok := vals[e.code][y]
					if !ok {
						empty++
						continue
					}
					// The published text with its decimal point moved, not
					// a float multiplied: "89483662340" is 89483.66234.
					if m[2] == "US$" {
						text = moveDecimal(t, text, -6)
					}
					v, err := strconv.ParseFloat(text, 64)
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, dataset.Expenditure{Country: e.code, CountryName: c.Name, Aggregate: agg, Year: y,
						Measure: m[0], Source: dataset.SourceWorldBank, Value: v, HasValue: true, Unit: m[1], SourceUnit: m[2]})
					if agg {
						aggRecords++
					}
				}
			}
			u := BulkURL(ind.code)
			got, sum, err := Parse(u, docs[u])
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", u, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%q) records mismatch (-want +got):\n%s", u, diff)
			}
			member := "API_" + ind.code + "_DS2_en_csv_v2_" + ind.vintage + ".csv"
			wantSum := Summary{
				Name: u, Zip: true, DataFile: member, CountryFile: "Metadata_Country_" + member,
				Indicator: ind.code, IndicatorName: ind.name, SourceOrganization: fixtureSourceOrganization,
				DataSource: "World Development Indicators", LastUpdated: time.Date(2026, 2, 24, 0, 0, 0, 0, time.UTC),
				FirstYear: 1960, LastYear: 2025, Metadata: true,
				Rows: len(fixtureEconomies), Economies: economies, Aggregates: aggregates,
				Records: len(want), AggregateRecords: aggRecords, Empty: empty,
			}
			if diff := cmp.Diff(wantSum, sum); diff != "" {
				t.Errorf("Parse(%q) summary mismatch (-want +got):\n%s", u, diff)
			}
		})
	}
}

// TestMirrorFixtureShape pins what the fixtures are meant to cover, so that
// an edit of the table cannot quietly drop a case.
func TestMirrorFixtureShape(t *testing.T) {
	docs := mirrorDocs(t)
	u := BulkURL(ShareOfGDP)
	recs, sum, err := Parse(u, docs[u])
	if err != nil {
		t.Fatal(err)
	}
	if sum.Economies != 22 || sum.Aggregates != 5 {
		t.Errorf("Parse(%q) = %d economies, %d aggregates; want 22, 5 (ARB EUU HIC WLD INX)", u, sum.Economies, sum.Aggregates)
	}
	has := map[string]bool{}
	for _, r := range recs {
		has[r.Country] = true
		if r.Year == 2025 {
			t.Errorf("record for 2025 (%s): the last year must be empty as in the real file", r.Country)
		}
	}
	for _, code := range []string{"USA", "UKR", "DEU", "FRA", "GBR", "CHN", "IND", "RUS", "XKX", "LUX", "EST", "MNE"} {
		if !has[code] {
			t.Errorf("no share-of-GDP records for %s", code)
		}
	}
	for _, code := range []string{"WLD", "EUU", "HIC", "ARB"} {
		if !has[code] {
			t.Errorf("no share-of-GDP records for the aggregate %s", code)
		}
	}
	for _, code := range []string{"INX", "ISL"} {
		if has[code] {
			t.Errorf("share-of-GDP records for %s, want none (no figures)", code)
		}
	}
	for _, r := range recs {
		if c, _ := country.Lookup(r.Country); r.Aggregate == c.IsState() {
			t.Errorf("%s: aggregate = %v, but the registry has it as a %s", r.Country, r.Aggregate, c.Kind)
		}
	}
	// Angola's 1985 share is written 1.715E-05 in the real file.
	found := false
	for _, r := range recs {
		if r.Country == "AGO" && r.Year == 1985 {
			found = r.Value == 1.715e-05
		}
	}
	if !found {
		t.Errorf("no AGO 1985 record of 1.715E-05")
	}
}

// moveDecimal moves the decimal point of a plain decimal text by n places,
// by hand: the test's own way of saying what a shift of the published
// digits gives.
func moveDecimal(t *testing.T, text string, n int) string {
	t.Helper()
	if strings.ContainsAny(text, "eE-") {
		t.Fatalf("moveDecimal(%q): only plain positive decimals", text)
	}
	intPart, frac, _ := strings.Cut(text, ".")
	digits := intPart + frac
	point := len(intPart) + n
	for point <= 0 {
		digits, point = "0"+digits, point+1
	}
	for point > len(digits) {
		digits += "0"
	}
	out := strings.TrimLeft(digits[:point], "0")
	if out == "" {
		out = "0"
	}
	if rest := strings.TrimRight(digits[point:], "0"); rest != "" {
		out += "." + rest
	}
	return out
}

func TestMoveDecimal(t *testing.T) {
	for _, tt := range []struct {
		text string
		n    int
		want string
	}{{"89483662340", -6, "89483.66234"}, {"927234.774966126", -6, "0.927234774966126"}, {"1.5", 2, "150"}, {"0.0194", 2, "1.94"}} {
		if got := moveDecimal(t, tt.text, tt.n); got != tt.want {
			t.Errorf("moveDecimal(%q, %d) = %q, want %q", tt.text, tt.n, got, tt.want)
		}
	}
}
