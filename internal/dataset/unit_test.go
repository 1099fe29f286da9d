package dataset

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestShiftDecimal(t *testing.T) {
	tests := []struct {
		v    float64
		n    int
		want string // the shortest text of the result
	}{
		{0.0194, 2, "1.94"},
		{0.0345, 2, "3.45"},
		{0.365, 2, "36.5"},
		{5.7840616966580979e-2, 2, "5.784061696658098"},
		{8.8673546682889681e-5, 2, "0.008867354668288968"},
		{1283.1623852516261, 0, "1283.1623852516261"},
		{89483662340, -6, "89483.66234"},
		{916014700000, -6, "916014.7"},
		{1730.011531679485, 3, "1730011.531679485"},
		{1.94, -2, "0.0194"},
		{-0.0194, 2, "-1.94"},
		{0, 6, "0"},
		{1e-320, 2, "1e-318"}, // subnormal
		{1.7e308, 2, "+Inf"},
	}
	for _, tt := range tests {
		got := ShiftDecimal(tt.v, tt.n)
		if s := strconv.FormatFloat(got, 'f', -1, 64); s != tt.want && strconv.FormatFloat(got, 'g', -1, 64) != tt.want {
			t.Errorf("ShiftDecimal(%v, %d) = %s, want %s", tt.v, tt.n, s, tt.want)
		}
	}
	// The point of it: a multiplication does not always give the
	// published digits (0.033 × 100 is 3.3000000000000003).
	for _, tt := range []struct{ v, want float64 }{{0.033, 3.3}, {0.07, 7}, {0.0114, 1.14}} {
		v := tt.v
		if v*100 == tt.want {
			t.Errorf("%v*100 == %v: the test no longer shows why ShiftDecimal exists", v, tt.want)
		}
		if got := ShiftDecimal(v, 2); got != tt.want {
			t.Errorf("ShiftDecimal(%v, 2) = %v, want %v", v, got, tt.want)
		}
	}
	if math.IsNaN(ShiftDecimal(math.NaN(), 2)) == false {
		t.Errorf("ShiftDecimal(NaN, 2) is not NaN")
	}
}

// Every decimal of up to 15 significant digits, shifted there and back,
// is the same float64: the published figure is recoverable from the
// converted one.
func TestShiftDecimalRoundTrip(t *testing.T) {
	for _, s := range []string{"0.0194", "3.10825884811045", "0.754494266076442", "1234567.89012345", "0.000123456789012345", "42"} {
		v, _ := strconv.ParseFloat(s, 64)
		for _, n := range []int{-9, -6, -3, -2, 2, 3, 6} {
			if back := ShiftDecimal(ShiftDecimal(v, n), -n); back != v {
				t.Errorf("ShiftDecimal(ShiftDecimal(%s, %d), %d) = %v, want %v", s, n, -n, back, v)
			}
		}
	}
}

func TestConvertUnit(t *testing.T) {
	tests := []struct {
		from, to string
		v, want  float64
		err      bool
	}{
		{UnitFraction, UnitPercent, 0.0194, 1.94, false},
		{UnitUSD, UnitMillionUSD, 89483662340, 89483.66234, false},
		{UnitBillionUSD, UnitMillionUSD, 2443.3988032021712, 2443398.803202171, false}, // the float's shortest text has 16 digits
		{UnitPercent, UnitPercent, 1.89, 1.89, false},
		{UnitMillionUSD, UnitUSD, 0.5, 500000, false},
		{UnitPercent, UnitMillionUSD, 1, 0, true},
		{"furlongs", UnitPercent, 1, 0, true},
		{UnitPercent, "furlongs", 1, 0, true},
	}
	for _, tt := range tests {
		got, err := ConvertUnit(tt.v, tt.from, tt.to)
		if (err != nil) != tt.err {
			t.Errorf("ConvertUnit(%v, %q, %q) error = %v, want error %v", tt.v, tt.from, tt.to, err, tt.err)
			continue
		}
		if got != tt.want {
			t.Errorf("ConvertUnit(%v, %q, %q) = %v, want %v", tt.v, tt.from, tt.to, got, tt.want)
		}
	}
}

func TestSameNumber(t *testing.T) {
	tests := []struct {
		a, b float64
		want bool
	}{
		{1.89, 1.89, true},
		{3.10825884811045, 3.10825884811044, true}, // Colombia 2014, World Bank 2021 and 2026
		{0.754494266076442, 0.754494266076443, true},
		{3.1054262930828, 3.10542629308278, false}, // two units in the 15th digit
		{0.502058376617927, 0.502058376769716, false},
		{3.4271, 3.4092, false},
		{9.99999999999999, 10.0000000000000, true},  // across a power of ten
		{9.99999999999990, 10.0000000000001, false}, // eleven units of 9.99…
		{1.0000000000000001e20, 1.00000000000000e20, true},
		{0.0194, 1.94, false},
		{0, 0, true},
		{0, 1e-300, false},
		{-1.5, 1.5, false},
		{-3.10825884811045, -3.10825884811044, true},
		{math.NaN(), math.NaN(), false},
		{math.Inf(1), math.Inf(1), true},
		{math.Inf(1), 1e308, false},
		{1, 100, false},
	}
	for _, tt := range tests {
		if got := SameNumber(tt.a, tt.b); got != tt.want {
			t.Errorf("SameNumber(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := SameNumber(tt.b, tt.a); got != tt.want {
			t.Errorf("SameNumber(%v, %v) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestUnitsOf(t *testing.T) {
	for _, tt := range []struct{ series, want string }{
		{MeasureCurrentUSD, UnitMillionUSD},
		{MeasureConstantUSD(2022), UnitMillionUSD},
		{MeasureShareOfGDP, UnitPercent},
		{MeasureShareOfGovt, UnitPercent},
		{MeasurePerCapita, UnitUSD},
		{MeasureLocalFY, UnitLocal},
		{MeasureLocalCY, UnitLocal},
	} {
		if got, ok := ExpenditureUnits.Of(tt.series); !ok || got != tt.want {
			t.Errorf("ExpenditureUnits.Of(%q) = %q, %v, want %q", tt.series, got, ok, tt.want)
		}
	}
	if got, ok := ExpenditureUnits.Of("armed_forces"); ok {
		t.Errorf("ExpenditureUnits.Of(armed_forces) = %q, want none", got)
	}
}

func TestSetValue(t *testing.T) {
	r := Expenditure{Measure: MeasureShareOfGDP, Unit: UnitPercent}
	if err := r.SetValue(0.0194, UnitFraction); err != nil {
		t.Fatal(err)
	}
	if r.Value != 1.94 || !r.HasValue || r.SourceUnit != UnitFraction {
		t.Errorf("SetValue(0.0194, fraction) = %v, %v, %q; want 1.94, true, fraction", r.Value, r.HasValue, r.SourceUnit)
	}
	if err := r.SetValue(1, UnitMillionUSD); err == nil {
		t.Errorf("SetValue(1, US$ m) on a percent measure: no error")
	}
}

// A file written before the aggregate and source_unit fields existed
// reads with the current schema: aggregate false, source_unit the row's
// unit, so that old versions compare with new ones.
func TestReadParquetBackfill(t *testing.T) {
	var old Schema
	old.PrimaryKey = ExpenditureSchema.PrimaryKey
	for _, f := range ExpenditureSchema.Fields {
		if f.Backfill == nil {
			old.Fields = append(old.Fields, f)
		}
	}
	if len(old.Fields) != len(ExpenditureSchema.Fields)-2 {
		t.Fatalf("expected two backfilled fields, got %d", len(ExpenditureSchema.Fields)-len(old.Fields))
	}
	recs := sampleExpenditures()[:8] // no aggregate
	recs[1].Unit = UnitFraction      // as published before the units were one
	recs[1].Value = 0.011211986559050001
	full := ExpenditureTable(recs)
	cols := make([]Column, len(old.Fields))
	for i, f := range old.Fields {
		cols[i] = full.Columns[ExpenditureSchema.Index(f.Name)]
	}
	ot := &Table{Schema: &old, Columns: cols}
	if err := ot.SetLen(full.Len()); err != nil {
		t.Fatal(err)
	}
	ot.SortByKey()
	var buf bytes.Buffer
	if err := WriteParquet(&buf, ot); err != nil {
		t.Fatal(err)
	}
	got, err := ReadParquetBytes(buf.Bytes(), ExpenditureSchema)
	if err != nil {
		t.Fatalf("ReadParquetBytes(old file): %v", err)
	}
	want := make([]Expenditure, len(recs))
	copy(want, recs)
	for i := range want {
		want[i].SourceUnit = want[i].Unit
	}
	wt := ExpenditureTable(want)
	wt.SortByKey()
	if diff := cmp.Diff(Expenditures(wt), Expenditures(got)); diff != "" {
		t.Errorf("old file read with the new schema (-want +got):\n%s", diff)
	}
	// Row by row, as the diff reads versions, too.
	r, err := NewParquetReader(bytes.NewReader(buf.Bytes()), ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Expenditures(wt), Expenditures(batch)); diff != "" {
		t.Errorf("old file read by row group (-want +got):\n%s", diff)
	}
	// A field without a backfill is still required of every file.
	var noUnit Schema
	noUnit.PrimaryKey = old.PrimaryKey
	for _, f := range old.Fields {
		if f.Name != "currency" {
			noUnit.Fields = append(noUnit.Fields, f)
		}
	}
	cols = cols[:0]
	for _, f := range noUnit.Fields {
		cols = append(cols, full.Columns[ExpenditureSchema.Index(f.Name)])
	}
	nt := &Table{Schema: &noUnit, Columns: cols}
	if err := nt.SetLen(full.Len()); err != nil {
		t.Fatal(err)
	}
	nt.SortByKey()
	buf.Reset()
	if err := WriteParquet(&buf, nt); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadParquetBytes(buf.Bytes(), ExpenditureSchema); err == nil {
		t.Errorf("a file without currency read without error")
	}
}

func TestKeepSameNumbers(t *testing.T) {
	rec := func(country string, year int, v float64) Expenditure {
		return Expenditure{Country: country, CountryName: country, Year: year, Measure: MeasureShareOfGDP, Source: SourceWorldBank,
			Value: v, HasValue: true, Unit: UnitPercent, SourceUnit: UnitPercent}
	}
	prev := ExpenditureTable([]Expenditure{rec("COL", 2014, 3.10825884811045), rec("NIC", 2007, 0.531726214714916), rec("USA", 2019, 3.42708018052996)})
	cur := ExpenditureTable([]Expenditure{rec("COL", 2014, 3.10825884811044), rec("FRA", 2019, 1.9), rec("NIC", 2007, 0.53172621458102), rec("USA", 2019, 3.40921408383721)})
	prev.SortByKey()
	cur.SortByKey()
	if n := KeepSameNumbers(prev, cur); n != 1 {
		t.Errorf("KeepSameNumbers kept %d numbers, want 1 (Colombia 2014)", n)
	}
	var got []float64
	for _, r := range Expenditures(cur) {
		got = append(got, r.Value)
	}
	want := []float64{3.10825884811045, 1.9, 0.53172621458102, 3.40921408383721}
	if !slices.Equal(got, want) {
		t.Errorf("values after KeepSameNumbers = %v, want %v", got, want)
	}
	if n := KeepSameNumbers(nil, cur); n != 0 {
		t.Errorf("KeepSameNumbers(nil, t) = %d", n)
	}
}

// KeepSameNumbersFrom over the previous version a batch at a time, and the
// new rows a source at a time, keeps what KeepSameNumbers keeps on whole
// tables.
func TestKeepSameNumbersFrom(t *testing.T) {
	prev := syntheticTable(3000)
	prev.SortByKey()
	cur := prev.Select(identity(prev.Len()))
	value := cur.Schema.Index("value")
	for i := 0; i < cur.Len(); i += 7 {
		if !cur.IsNull(i, value) {
			x := cur.Columns[value].Numbers[i]
			cur.Columns[value].Numbers[i] = math.Nextafter(x, math.Inf(1)) // the same figure
		}
		if i%5 == 0 {
			cur.Columns[value].Numbers[i] += 1 // another figure
		}
	}
	want := cur.Select(identity(cur.Len()))
	wantKept := KeepSameNumbers(prev, want)
	if wantKept == 0 {
		t.Fatal("the test keeps no number")
	}
	// Each source's rows in batches of 100 against the previous version in
	// batches of 250, as build reads them.
	col := cur.Schema.Index(SourceField)
	kept := 0
	var done []*Table
	for _, name := range []string{SourceSIPRI, SourceWorldBank, SourceNATO} {
		p := cur.Filter(func(i int) bool { return cur.Columns[col].Strings[i] == name })
		olds, news := batchesOf(prev, 250).(*tableList).ts, batchesOf(p, 100).(*tableList).ts
		done = append(done, news...)
		var i, j int
		for len(olds) > 0 && len(news) > 0 {
			var n int
			n, i, j = KeepSameNumbersFrom(olds[0], i, news[0], j)
			kept += n
			if i == olds[0].Len() {
				olds, i = olds[1:], 0
			}
			if j == news[0].Len() {
				news, j = news[1:], 0
			}
		}
	}
	if kept != wantKept {
		t.Errorf("kept %d numbers a batch at a time, want %d", kept, wantKept)
	}
	got, err := Concat(cur.Schema, done...)
	if err != nil {
		t.Fatal(err)
	}
	got.SortByKey()
	if diff := tableDiff(want, got); diff != "" {
		t.Errorf("rows differ (-whole tables +batches):\n%s", diff)
	}
}
