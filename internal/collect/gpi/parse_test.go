package gpi

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSlug(t *testing.T) {
	tests := []struct{ header, want string }{
		{"military expenditure (% gdp)", "gpi_military_expenditure_pct_gdp"},
		{"Access to small arms", "gpi_access_to_small_arms"},
		{"deaths From external conflict", "gpi_deaths_from_external_conflict"},
		{"Political Terror Scale", "gpi_political_terror_scale"},
		{"refugees and idps", "gpi_refugees_and_idps"},
		{"  overall   score ", "gpi_overall_score"},
		{"UN peace-keeping funding", "gpi_un_peace_keeping_funding"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := Slug(tt.header); got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

// TestIndicatorTable pins the name of every column of the 2025 release's
// year sheets, as the release spells the headers.
func TestIndicatorTable(t *testing.T) {
	want := []string{
		"gpi_perceptions_of_criminality", "gpi_homicide_rate", "gpi_police_rate", "gpi_incarceration_rate",
		"gpi_access_to_small_arms", "gpi_intensity_of_internal_conflict", "gpi_violent_demonstrations",
		"gpi_violent_crime", "gpi_political_instability", "gpi_political_terror_scale", "gpi_weapons_imports",
		"gpi_terrorism_impact", "gpi_deaths_from_internal_conflict", "gpi_internal_conflicts_fought",
		"gpi_military_expenditure_pct_gdp", "gpi_armed_services_personnel_rate", "gpi_un_peacekeeping_funding",
		"gpi_nuclear_and_heavy_weapons", "gpi_weapons_exports", "gpi_refugees_and_idps",
		"gpi_neighbouring_countries_relations", "gpi_external_conflicts_fought", "gpi_deaths_from_external_conflict",
		"gpi_overall_score", "gpi_internal_peace", "gpi_external_peace", "gpi_safety_and_security",
		"gpi_ongoing_conflict", "gpi_militarisation",
	}
	var got []string
	for _, h := range yearHeaders {
		name, ok := Indicator(h)
		if !ok {
			t.Errorf("Indicator(%q) is unknown", h)
		}
		got = append(got, name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Indicator(year sheet headers) (-want +got):\n%s", diff)
	}
	if name, ok := Indicator("battle deaths"); ok {
		t.Errorf("Indicator(%q) = %q, true; want unknown", "battle deaths", name)
	}
}

// find returns the record for a state, year and indicator.
func find(recs []Record, country string, year int, indicator string) (Record, bool) {
	for _, r := range recs {
		if r.Country == country && r.Year == year && r.Indicator == indicator {
			return r, true
		}
	}
	return Record{}, false
}

// TestParseSample checks figures of the sample against its description.
func TestParseSample(t *testing.T) {
	recs, st, err := parseBytes(sampleBook().write(t))
	if err != nil {
		t.Fatal(err)
	}
	usa := sampleStates[8]
	score, _ := usa.score(2025)
	tests := []struct {
		country   string
		year      int
		indicator string
		want      Record
	}{
		{"USA", 2025, OverallScore, Record{"USA", 2025, OverallScore, score, UnitScore, "Overall Scores", "K10"}},
		{"USA", 2025, OverallRank, Record{"USA", 2025, OverallRank, float64(ranks(sampleStates, 2025)["USA"]), UnitRank, "Overall Scores", "L10"}},
		{"XKX", 2024, "gpi_military_expenditure_pct_gdp",
			Record{"XKX", 2024, "gpi_military_expenditure_pct_gdp", sampleStates[2].indicatorScore(14, 2024), UnitScore, "2024", "Q9"}},
		{"NOR", 2023, "gpi_militarisation",
			Record{"NOR", 2023, "gpi_militarisation", sampleStates[3].indicatorScore(28, 2023), UnitScore, "2023", "AE10"}},
	}
	for _, tt := range tests {
		t.Run(tt.country+" "+tt.indicator, func(t *testing.T) {
			got, ok := find(recs, tt.country, tt.year, tt.indicator)
			if !ok {
				t.Fatalf("Parse(sample) has no %s %d %s", tt.country, tt.year, tt.indicator)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(sample) record (-want +got):\n%s", diff)
			}
		})
	}
	// Palestine was not scored before 2023: no records, not zeros.
	for _, r := range recs {
		if r.Country == "PSE" && r.Year < 2023 {
			t.Errorf("Parse(sample) = %+v, want no Palestine records before 2023", r)
		}
	}
	// The overall score comes from Overall Scores, once.
	n := 0
	for _, r := range recs {
		if r.Indicator == OverallScore {
			n++
			if r.Sheet != "Overall Scores" {
				t.Errorf("overall score %s %d from sheet %q, want Overall Scores", r.Country, r.Year, r.Sheet)
			}
		}
	}
	if n != 5*len(sampleStates)-2 {
		t.Errorf("Parse(sample) = %d overall scores, want %d", n, 5*len(sampleStates)-2)
	}
	if len(st.Warnings) != 1 {
		t.Errorf("Parse(sample) warnings = %q, want the #VALUE! cell alone", st.Warnings)
	}
}

// TestParseVariants alters the sample and checks what Parse makes of it.
func TestParseVariants(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(t *testing.T, b book) book
		check func(t *testing.T, recs []Record, st Stats)
		// warning, when set, must be among the warnings.
		warning string
		err     error
	}{
		{
			name: "year sheet overall score differs",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2024").set(t, "Z10", 4.321) // Norway
				return b
			},
			warning: `NOR 2024 gpi_overall_score: sheet "Overall Scores" cell I5 has 1.525, sheet "2024" cell Z10 has 4.321; 1.525 published`,
			check: func(t *testing.T, recs []Record, _ Stats) {
				if r, _ := find(recs, "NOR", 2024, OverallScore); r.Value != 1.525 || r.Sheet != "Overall Scores" {
					t.Errorf("NOR 2024 overall score = %+v, want 1.525 from Overall Scores", r)
				}
			},
		},
		{
			name: "overall score only in a year sheet",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "Overall Scores").set(t, "I5", nil) // Norway 2024
				return b
			},
			warning: `NOR 2024: overall score in sheet "2024" cell Z10 but not in sheet "Overall Scores"; published from "2024"`,
			check: func(t *testing.T, recs []Record, _ Stats) {
				if r, _ := find(recs, "NOR", 2024, OverallScore); r.Value != 1.525 || r.Sheet != "2024" {
					t.Errorf("NOR 2024 overall score = %+v, want 1.525 from sheet 2024", r)
				}
			},
		},
		{
			name: "another error value in a data cell",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2023").set(t, "D7", errValue("#N/A")) // Afghanistan, homicide rate
				return b
			},
			warning: `sheet "2023" cell D7 holds the spreadsheet error #N/A; nothing is published for it`,
			check: func(t *testing.T, recs []Record, st Stats) {
				if r, ok := find(recs, "AFG", 2023, "gpi_homicide_rate"); ok {
					t.Errorf("AFG 2023 homicide rate = %+v, want none", r)
				}
				if diff := cmp.Diff([]string{"2023!D7 #N/A", "2025!A1 #VALUE!"}, st.ErrorCells); diff != "" {
					t.Errorf("error cells (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "text in a data cell",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2025").set(t, "E7", "n/a")
				return b
			},
			warning: `sheet "2025" cell E7: police rate "n/a" is not a number; left out`,
		},
		{
			name: "a score off the scale",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2025").set(t, "T9", 0.996)
				return b
			},
			warning: `sheet "2025" cell T9: nuclear and heavy weapons 0.996 is outside the scale 1-5; published as given`,
			check: func(t *testing.T, recs []Record, _ Stats) {
				if r, _ := find(recs, "XKX", 2025, "gpi_nuclear_and_heavy_weapons"); r.Value != 0.996 {
					t.Errorf("XKX 2025 nuclear and heavy weapons = %+v, want 0.996", r)
				}
			},
		},
		{
			name: "a rank that is not whole",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "Overall Scores").set(t, "L2", 2.5)
				return b
			},
			warning: `sheet "Overall Scores" cell L2: rank 2.5 is not a whole number from 1; left out`,
		},
		{
			name: "a column nobody knows",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2025").set(t, "AF6", "battle deaths (per 100,000)")
				b.sheet(t, "2025").set(t, "AF7", 1.5)
				return b
			},
			warning: `sheet "2025" cell AF6: column "battle deaths (per 100,000)" is not a known GPI indicator (see indicators.go); left out`,
		},
		{
			name: "an aggregate row",
			edit: func(t *testing.T, b book) book {
				o := b.sheet(t, "Overall Scores")
				o.rows = append(o.rows, []any{"World", "WLD", 2.1, nil})
				return b
			},
			warning: `sheet "Overall Scores" row 11: WLD (World) is an aggregate, not a state; row left out`,
		},
		{
			name: "a note below the table",
			edit: func(t *testing.T, b book) book {
				o := b.sheet(t, "Overall Scores")
				o.rows = append(o.rows, nil, []any{"Source: Institute for Economics & Peace"})
				return b
			},
		},
		{
			name: "unknown geocode",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2024").set(t, "B9", "XYZ")
				return b
			},
			err: ErrCountry,
		},
		{
			name: "figures without a geocode",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "Overall Scores").set(t, "B3", nil)
				return b
			},
			err: ErrFormat,
		},
		{
			name: "a state twice",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2023").set(t, "B8", "AFG")
				return b
			},
			err: ErrFormat,
		},
		{
			name: "no header row",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "2024").set(t, "B6", "code of the state")
				return b
			},
			err: ErrFormat,
		},
		{
			name: "no Overall Scores",
			edit: func(t *testing.T, b book) book {
				b.sheet(t, "Overall Scores").name = "Scores"
				return b
			},
			err: ErrFormat,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.edit(t, sampleBook()).write(t)
			recs, st, err := parseBytes(data)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || recs != nil {
					t.Fatalf("Parse() = %d records, %v; want an error wrapping %v", len(recs), err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if tt.warning != "" && !slices.Contains(st.Warnings, tt.warning) {
				t.Errorf("Parse() warnings = %q, want among them %q", st.Warnings, tt.warning)
			}
			if tt.warning == "" && len(st.Warnings) != 1 {
				t.Errorf("Parse() warnings = %q, want only the #VALUE! cell", st.Warnings)
			}
			if tt.check != nil {
				tt.check(t, recs, st)
			}
		})
	}
}

// TestParseOldLayout reads a workbook in the older releases' layout: the
// header in row 4, "Country" and "iso3c", plain year columns, domain sheets,
// and 0 for states not scored.
func TestParseOldLayout(t *testing.T) {
	recs, st, err := parseBytes(oldBook().write(t))
	if err != nil {
		t.Fatalf("Parse(old layout) error = %v", err)
	}
	if diff := cmp.Diff([]string{"Safety and Security", "Militarisation"}, st.DomainSheets); diff != "" {
		t.Errorf("Parse(old layout) domain sheets (-want +got):\n%s", diff)
	}
	// Nine states, two years, three sheets, less Palestine's zeros.
	if got, want := len(recs), 3*(2*len(sampleStates)-2); got != want {
		t.Errorf("Parse(old layout) = %d records, want %d", got, want)
	}
	ukr := sampleStates[7]
	v, _ := ukr.score(2022)
	want := []Record{
		{"UKR", 2022, OverallScore, v, UnitScore, "Overall Scores", "D12"},
		{"UKR", 2022, "gpi_safety_and_security", round3(v + 0.1), UnitScore, "Safety and Security", "D12"},
		{"UKR", 2022, "gpi_militarisation", round3(v*0.9 + 0.2), UnitScore, "Militarisation", "D12"},
	}
	var got []Record
	for _, r := range recs {
		if r.Country == "UKR" && r.Year == 2022 {
			got = append(got, r)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse(old layout) Ukraine 2022 (-want +got):\n%s", diff)
	}
	n := 0
	for _, w := range st.Warnings {
		if strings.Contains(w, "is 0, off the scale 1-5, read as not scored; left out") {
			n++
		}
	}
	if n != 6 || len(st.Warnings) != 6 {
		t.Errorf("Parse(old layout) warnings = %q, want six for Palestine's zeros", st.Warnings)
	}
}

func TestParseNotAWorkbook(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":    nil,
		"html":     []byte("<!DOCTYPE html><html><body>Not found</body></html>"),
		"zip only": {'P', 'K', 3, 4, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			if recs, _, err := parseBytes(b); err == nil || recs != nil {
				t.Errorf("Parse(%q) = %d records, %v; want an error", name, len(recs), err)
			}
		})
	}
}
