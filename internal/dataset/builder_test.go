package dataset

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestBuilder(t *testing.T) {
	b := NewBuilder(CBMSchema)
	b.String("country_iso3", "DEU").String("country_name", "Germany").String("instrument", InstrumentMilex).
		Int("year", 2024).String("report_kind", ReportFullOrSimplified).Text("submitted", " 2024-05-02 ").
		String("currency", "Euro").Text("total", "70105.6").String("link", "https://milex-reporting.unoda.org/en/states/DEU/2024").
		String("source", "un-milex")
	if err := b.Add(); err != nil {
		t.Fatal(err)
	}
	b.String("country_iso3", "CHN").String("country_name", "China").String("instrument", InstrumentMilex).
		Text("year", "2022").String("report_kind", ReportNil).String("source", "un-milex")
	if err := b.Add(); err != nil {
		t.Fatal(err)
	}
	tbl, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(tbl); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	got := tbl.Row(1)
	want := Row{{Str: "CHN"}, {Str: "China"}, {Str: InstrumentMilex}, {Int: 2022}, {Str: ReportNil},
		{Null: true}, {Null: true}, {Null: true}, {Null: true}, {Null: true}, {Null: true}, {Str: "un-milex"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("second row mismatch (-want +got):\n%s", diff)
	}
	if v := tbl.Value(0, CBMSchema.Index("total")); v.Num != 70105.6 {
		t.Errorf("total = %v, want 70105.6", v.Num)
	}
}

func TestBuilderErrors(t *testing.T) {
	tests := []struct {
		name string
		fill func(b *Builder)
		want string
	}{
		{"unknown field", func(b *Builder) { b.String("colour", "red") }, `no field "colour"`},
		{"wrong type", func(b *Builder) { b.Int("country_iso3", 1) }, "is string, not integer"},
		{"bad number", func(b *Builder) { b.Text("total", "12,5") }, "not a number"},
		{"bad date", func(b *Builder) { b.Text("submitted", "02/05/2024") }, "not a date"},
		{"required missing", func(b *Builder) { b.String("country_iso3", "DEU") }, `required field "country_name"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuilder(CBMSchema)
			tt.fill(b)
			err := b.Add()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Add() = %v, want an error containing %q", err, tt.want)
			}
			if _, err2 := b.Table(); err2 == nil {
				t.Errorf("Table() after an error = nil error, want the error")
			}
		})
	}
}

func TestFamilySchemas(t *testing.T) {
	for _, d := range []*Definition{MilitaryExpenditure, CBMReports, AuditOutcomes, RiskReports} {
		if err := d.Schema.Check(); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		if d.Schema.Index(SourceField) < 0 {
			t.Errorf("%s: no %s field", d.Name, SourceField)
		}
		for _, f := range d.RevisionFields {
			if d.Schema.Index(f) < 0 {
				t.Errorf("%s: revision field %q is not in the schema", d.Name, f)
			}
		}
	}
}

// A field added to a schema later takes its backfill when a row leaves it
// unset or null, as a configured source written before it existed does.
func TestBuilderBackfill(t *testing.T) {
	b := NewBuilder(ExpenditureSchema)
	b.String("country_iso3", "NOR").String("country_name", "Norway").Int("year", 2024).String("measure", MeasureShareOfGDP).
		String("source", "nato").Number("value", 2.2).String("unit", UnitPercent).Text("estimate", "true").Text("uncertain", "false").
		Text("aggregate", "")
	if err := b.Add(); err != nil {
		t.Fatal(err)
	}
	tbl, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	got := Expenditures(tbl)[0]
	if got.Aggregate || got.SourceUnit != UnitPercent {
		t.Errorf("backfilled row: aggregate %v, source unit %q; want false, percent", got.Aggregate, got.SourceUnit)
	}
	if err := Validate(tbl); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

// A dictionary field's values are interned: rows share one copy of each,
// which holds nothing of the text it was read from.
func TestBuilderInternsDictionaryFields(t *testing.T) {
	doc := "DEU,Germany;DEU,Germany"
	b := NewBuilder(ExpenditureSchema)
	for _, line := range strings.Split(doc, ";") {
		cells := strings.Split(line, ",")
		b.Text("country_iso3", cells[0]).Text("country_name", cells[1]).Text("year", "2020").
			Text("measure", MeasureCurrentUSD).Text("source", "sipri").Text("unit", "US$ m").
			Text("estimate", "false").Text("uncertain", "false")
		if err := b.Add(); err != nil {
			t.Fatal(err)
		}
	}
	tab, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	names := tab.Columns[ExpenditureSchema.Index("country_name")].Strings
	if names[0] != "Germany" || unsafe.StringData(names[0]) != unsafe.StringData(names[1]) {
		t.Errorf("country_name values are not one shared copy")
	}
	if p := unsafe.StringData(names[0]); p == unsafe.StringData(doc[4:]) {
		t.Errorf("the interned value points into the document it was read from")
	}
}
