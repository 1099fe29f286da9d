package dataset

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidate(t *testing.T) {
	recs := sampleExpenditures()
	col := ExpenditureSchema.Index
	tests := []struct {
		name   string
		change func(tab *Table) *Table
		want   []Problem
	}{
		{"valid", func(tab *Table) *Table { return tab }, nil},
		{"valid synthetic", func(*Table) *Table { return ExpenditureTable(syntheticExpenditures(20000)) }, nil},
		{"valid unsorted", func(*Table) *Table { return ExpenditureTable([]Expenditure{recs[3], recs[0], recs[2]}) }, nil},
		{"required null", func(tab *Table) *Table {
			tab.Columns[col("unit")].Valid = []bool{true, false, true, true, true, true, true, true, true}
			return tab
		}, []Problem{{Row: 1, Field: "unit", Value: "", Message: "required value is missing"}}},
		{"pattern", func(tab *Table) *Table {
			tab.Columns[col("measure")].Strings[2] = "share_of_gdp_x"
			return tab
		}, []Problem{{Row: 2, Field: "measure", Value: "share_of_gdp_x", Message: "does not match " + ExpenditureSchema.Fields[col("measure")].Pattern.String()}}},
		{"enum", func(tab *Table) *Table {
			tab.Columns[col("missing")].Strings[0] = "unknown"
			return tab
		}, []Problem{{Row: 0, Field: "missing", Value: "unknown", Message: "not one of not_available, did_not_exist"}}},
		{"minimum and maximum", func(tab *Table) *Table {
			tab.Columns[col("year")].Ints[1] = 1899
			tab.Columns[col("year")].Ints[7] = 2101
			tab.Columns[col("value")].Numbers[4] = -0.5
			return tab
		}, []Problem{
			{Row: 1, Field: "year", Value: "1899", Message: "below the minimum 1900"},
			{Row: 4, Field: "value", Value: "-0.5", Message: "below the minimum 0"},
			{Row: 7, Field: "year", Value: "2101", Message: "above the maximum 2100"},
		}},
		{"not finite", func(tab *Table) *Table {
			tab.Columns[col("value")].Numbers[1] = math.NaN()
			tab.Columns[col("value")].Numbers[2] = math.Inf(1)
			tab.Columns[col("value")].Numbers[4] = math.Inf(-1)
			return tab
		}, []Problem{
			{Row: 1, Field: "value", Value: "NaN", Message: "not a number"},
			{Row: 2, Field: "value", Value: "+Inf", Message: "infinite"},
			{Row: 4, Field: "value", Value: "-Inf", Message: "infinite"},
		}},
		{"null value is not checked", func(tab *Table) *Table {
			tab.Columns[col("value")].Numbers[0] = math.NaN() // row 0 is null
			return tab
		}, nil},
		{"aggregate and unknown countries", func(tab *Table) *Table {
			tab.Columns[col("country_iso3")].Strings[0] = "WLD"
			tab.Columns[col("country_iso3")].Strings[1] = "WLD"
			tab.Columns[col("country_iso3")].Strings[6] = "ZZZ"
			return tab
		}, []Problem{
			{Row: 0, Field: "aggregate", Value: "false", Message: "WLD (World) is an aggregate, not a country"},
			{Row: 1, Field: "aggregate", Value: "false", Message: "WLD (World) is an aggregate, not a country"},
			{Row: 6, Field: "country_iso3", Value: "ZZZ", Message: "unknown country code"},
		}},
		{"a state marked as an aggregate", func(tab *Table) *Table {
			tab.Columns[col("aggregate")].Bools[7] = true
			return tab
		}, []Problem{{Row: 7, Field: "aggregate", Value: "true", Message: "USA (United States) is a country, not an aggregate"}}},
		{"a measure in another unit", func(tab *Table) *Table {
			tab.Columns[col("unit")].Strings[1] = "fraction"
			tab.Columns[col("unit")].Strings[7] = "US$ m"
			return tab
		}, []Problem{
			{Row: 1, Field: "unit", Value: "fraction", Message: "not one of US$ m, percent, US$, local currency"},
			{Row: 1, Field: "unit", Value: "fraction", Message: "measure share_of_gdp is published in percent: convert the source's figures"},
			{Row: 7, Field: "unit", Value: "US$ m", Message: "measure per_capita is published in US$: convert the source's figures"},
		}},
		{"a source unit of another dimension", func(tab *Table) *Table {
			tab.Columns[col("source_unit")].Strings[4] = "percent"
			return tab
		}, []Problem{{Row: 4, Field: "source_unit", Value: "percent", Message: "not a unit the dataset converts to the row's unit US$ m"}}},
		{"a source unit the dataset does not convert from", func(tab *Table) *Table {
			tab.Columns[col("source_unit")].Strings[7] = "US$ m" // per capita published in millions
			return tab
		}, []Problem{{Row: 7, Field: "source_unit", Value: "US$ m", Message: "not a unit the dataset converts to the row's unit US$"}}},
		{"duplicate keys", func(*Table) *Table {
			return ExpenditureTable([]Expenditure{recs[4], recs[0], recs[4], recs[1], recs[0], recs[4]})
		}, []Problem{
			{Row: 2, Field: "country_iso3,year,measure,source", Value: "TUR|2023|constant_usd_2022|sipri", Message: "duplicate primary key, first in row 0"},
			{Row: 4, Field: "country_iso3,year,measure,source", Value: "AFG|1970|current_usd|sipri", Message: "duplicate primary key, first in row 1"},
			{Row: 5, Field: "country_iso3,year,measure,source", Value: "TUR|2023|constant_usd_2022|sipri", Message: "duplicate primary key, first in row 0"},
		}},
		{"short column", func(tab *Table) *Table {
			tab.Columns[col("estimate")].Bools = tab.Columns[col("estimate")].Bools[:3]
			return tab
		}, []Problem{{Row: -1, Message: `dataset: column "estimate" has 3 values, want 9`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := tt.change(ExpenditureTable(recs))
			err := Validate(tab)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrValidation) {
				t.Fatalf("Validate() = %v, want %v", err, ErrValidation)
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate() = %T, want *ValidationError", err)
			}
			if diff := cmp.Diff(tt.want, verr.Problems); diff != "" {
				t.Errorf("Validate() problems differ (-want +got):\n%s", diff)
			}
			if verr.Count != len(tt.want) {
				t.Errorf("Validate() count = %d, want %d", verr.Count, len(tt.want))
			}
		})
	}
}

func TestValidateDates(t *testing.T) {
	tab := tableOf(t, allTypes, allTypesRows())
	day := allTypes.Index("day")
	tab.Columns[day].Strings[1] = "2023-02-29"
	tab.Columns[day].Strings[2] = "2023-1-05"
	tab.Columns[day].Strings[4] = "garbage" // row 4 is null: not checked
	err := Validate(tab)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Validate() = %v, want *ValidationError", err)
	}
	want := []Problem{
		{Row: 1, Field: "day", Value: "2023-02-29", Message: "not a date in the form YYYY-MM-DD"},
		{Row: 2, Field: "day", Value: "2023-1-05", Message: "not a date in the form YYYY-MM-DD"},
	}
	if diff := cmp.Diff(want, verr.Problems); diff != "" {
		t.Errorf("Validate() problems differ (-want +got):\n%s", diff)
	}
}

// TestValidateManyProblems checks that a column wrong throughout is
// counted in full but listed in part, and summarised briefly.
func TestValidateManyProblems(t *testing.T) {
	tab := ExpenditureTable(syntheticExpenditures(5000))
	years := tab.Columns[ExpenditureSchema.Index("year")].Ints
	for i := range years {
		years[i] = 1800
	}
	err := Validate(tab)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Validate() = %v, want *ValidationError", err)
	}
	// Every year is 1800, so the keys of different years now collide too.
	if verr.Count <= 5000 {
		t.Errorf("Validate() count = %d, want more than 5000", verr.Count)
	}
	if len(verr.Problems) != 2*maxProblemsPerCheck {
		t.Errorf("Validate() kept %d problems, want %d", len(verr.Problems), 2*maxProblemsPerCheck)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "dataset: validation failed: ") || !strings.Contains(msg, "row 0, year \"1800\": below the minimum 1900") ||
		!strings.HasSuffix(msg, " more") || strings.Count(msg, ";") != 10 {
		t.Errorf("Error() = %q, want a count, ten problems and how many more", msg)
	}
}

func TestAssertionsCheck(t *testing.T) {
	tests := []struct {
		name           string
		a              Assertions
		rows, previous int
		want           string // "" for no error
	}{
		{"enough rows", Assertions{MinRows: 50000, MaxDrop: 0.2}, 60000, 0, ""},
		{"too few rows", Assertions{MinRows: 50000, MaxDrop: 0.2}, 12000, 0, "dataset: assertion failed: 12,000 rows, fewer than the minimum 50,000"},
		{"one row", Assertions{MinRows: 2, MaxDrop: -1}, 1, 0, "dataset: assertion failed: 1 row, fewer than the minimum 2"},
		{"small drop", Assertions{MaxDrop: 0.2}, 80000, 90000, ""},
		{"drop of exactly the limit", Assertions{MaxDrop: 0.2}, 80, 100, ""},
		{"large drop", Assertions{MaxDrop: 0.2}, 40000, 90000, "dataset: assertion failed: rows fell from 90,000 to 40,000 (-55.6%), more than the allowed 20%"},
		{"growth", Assertions{MaxDrop: 0}, 100000, 90000, ""},
		{"no fall allowed", Assertions{MaxDrop: 0}, 89999, 90000, "dataset: assertion failed: rows fell from 90,000 to 89,999 (-0.0%), more than the allowed 0%"},
		{"drop check off", Assertions{MaxDrop: -1}, 1, 90000, ""},
		{"no previous version", Assertions{MaxDrop: 0.1}, 10, 0, ""},
		{"odd share", Assertions{MaxDrop: 0.07}, 1, 1000000, "dataset: assertion failed: rows fell from 1,000,000 to 1 (-100.0%), more than the allowed 7%"},
		{"both", Assertions{MinRows: 100, MaxDrop: 0.5}, 10, 1000, "dataset: assertion failed: 10 rows, fewer than the minimum 100; rows fell from 1,000 to 10 (-99.0%), more than the allowed 50%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.a.Check(tt.rows, tt.previous)
			if tt.want == "" {
				if err != nil {
					t.Errorf("%+v.Check(%d, %d) = %v, want nil", tt.a, tt.rows, tt.previous, err)
				}
				return
			}
			if !errors.Is(err, ErrAssertion) {
				t.Errorf("%+v.Check(%d, %d) = %v, want %v", tt.a, tt.rows, tt.previous, err, ErrAssertion)
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("%+v.Check(%d, %d) = %v, want %q", tt.a, tt.rows, tt.previous, err, tt.want)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {-1234567, "-1,234,567"}, {2000000, "2,000,000"}}
	for _, tt := range tests {
		if got := Thousands(tt.n); got != tt.want {
			t.Errorf("Thousands(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
