package dataset

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// allTypes has a field of every type, required and nullable, with and
// without dictionary encoding.
var allTypes = &Schema{
	PrimaryKey: []string{"id"},
	Fields: []Field{
		{Name: "id", Type: Integer, Required: true},
		{Name: "name", Type: String, Required: true},
		{Name: "label", Type: String, Dictionary: true},
		{Name: "note", Type: String},
		{Name: "count", Type: Integer},
		{Name: "amount", Type: Number},
		{Name: "flag", Type: Boolean},
		{Name: "day", Type: Date},
		{Name: "due", Type: Date, Required: true, Dictionary: true},
		{Name: "ok", Type: Boolean, Required: true},
	},
}

var null = Value{Null: true}

func str(s string) Value    { return Value{Str: s} }
func num(x float64) Value   { return Value{Num: x} }
func integer(n int64) Value { return Value{Int: n} }
func boolean(b bool) Value  { return Value{Bool: b} }

// allTypesRows are edge cases: nulls in every nullable field, the empty
// string beside null, text that CSV must quote, floats that need all 17
// significant digits, extreme integers and dates.
func allTypesRows() []Row {
	tenth := 0.1 // a variable, so that tenth+0.2 is computed in float64
	return []Row{
		{integer(-3), str(""), null, str(""), null, null, null, null, str("1970-01-01"), boolean(false)},
		{integer(1), str("Türkiye"), str("a"), str("†‡§¶‖"), integer(math.MinInt64), num(tenth + 0.2), boolean(true), str("2024-02-29"), str("1969-12-31"), boolean(true)},
		{integer(2), str("comma, \"quote\"\nnewline"), str("b"), null, integer(math.MaxInt64), num(1.0 / 3), boolean(false), str("0001-01-01"), str("9999-12-31"), boolean(false)},
		{integer(3), str("Côte d’Ivoire"), str("a"), str(" leading space"), integer(0), num(math.MaxFloat64), null, str("1969-12-31"), str("1970-01-01"), boolean(true)},
		{integer(4), str("日本"), null, str("x"), integer(-1), num(math.SmallestNonzeroFloat64), boolean(true), null, str("2000-01-01"), boolean(false)},
		{integer(5), str("e"), str(""), null, integer(42), num(1e21), boolean(false), str("1900-03-01"), str("2000-01-01"), boolean(true)},
		{integer(6), str("f"), str("b"), str("y"), integer(7), num(1e-7), boolean(true), str("2100-12-31"), str("2000-01-01"), boolean(false)},
		{integer(7), str("g"), str("a"), str("z"), integer(8), num(-123456789.12345679), boolean(false), str("2026-11-25"), str("2000-01-02"), boolean(true)},
	}
}

func tableOf(t testing.TB, s *Schema, rows []Row) *Table {
	t.Helper()
	tab := NewTable(s, len(rows))
	for _, r := range rows {
		if err := tab.AppendRow(r); err != nil {
			t.Fatal(err)
		}
	}
	return tab
}

func rowsOf(t *Table) []Row {
	rows := make([]Row, t.Len())
	for i := range rows {
		rows[i] = t.Row(i)
	}
	return rows
}

// tableDiff compares two tables' rows, cheaply when they are equal. NaN
// equals NaN.
func tableDiff(want, got *Table) string {
	if want.Len() == got.Len() && len(want.Columns) == len(got.Columns) {
		equal := true
		for i := 0; i < want.Len() && equal; i++ {
			for col := range want.Columns {
				if a, b := want.Value(i, col), got.Value(i, col); a != b && !(math.IsNaN(a.Num) && math.IsNaN(b.Num)) {
					equal = false
					break
				}
			}
		}
		if equal {
			return ""
		}
	}
	return cmp.Diff(rowsOf(want), rowsOf(got), cmpopts.EquateNaNs())
}

// sampleExpenditures are a few real-looking rows with the quirks of the
// source: missing values of both kinds, notes symbols, unicode names.
func sampleExpenditures() []Expenditure {
	return []Expenditure{
		{Country: "AFG", CountryName: "Afghanistan", Year: 1970, Measure: MeasureCurrentUSD, Source: SourceSIPRI, Unit: "US$ m", SourceUnit: "US$ m", Missing: MissingNotAvailable},
		{Country: "AFG", CountryName: "Afghanistan", Year: 2019, Measure: MeasureShareOfGDP, Source: SourceSIPRI, Value: 1.1211986559050001, HasValue: true, Unit: "percent", SourceUnit: "fraction", Estimate: true},
		{Country: "AFG", CountryName: "Afghanistan", Year: 2019, Measure: MeasureShareOfGDP, Source: SourceWorldBank, Value: 1.1211986559050001, HasValue: true, Unit: "percent", SourceUnit: "percent"},
		{Country: "DDR", CountryName: "German Democratic Republic", Year: 1995, Measure: MeasureCurrentUSD, Source: SourceSIPRI, Unit: "US$ m", SourceUnit: "US$ m", Missing: MissingDidNotExist},
		{Country: "TUR", CountryName: "Türkiye", Year: 2023, Measure: MeasureConstantUSD(2022), Source: SourceSIPRI, Value: 15826.362018950001, HasValue: true, Unit: "US$ m", SourceUnit: "US$ m", Notes: "§‖", Footnotes: "16"},
		{Country: "TUR", CountryName: "Türkiye", Year: 2023, Measure: MeasureLocalCY, Source: SourceSIPRI, Value: 315011.2, HasValue: true, Unit: "local currency", SourceUnit: "local currency", Currency: "Lira", Uncertain: true, Notes: "†‡§¶‖"},
		{Country: "USA", CountryName: "United States of America", Year: 2023, Measure: MeasureLocalFY, Source: SourceSIPRI, Value: 916014.68, HasValue: true, Unit: "local currency", SourceUnit: "local currency", Currency: "Dollar", FiscalYear: "Oct-Sep"},
		{Country: "USA", CountryName: "United States of America", Year: 2023, Measure: MeasurePerCapita, Source: SourceSIPRI, Value: 2733.4417353770002, HasValue: true, Unit: "US$", SourceUnit: "US$"},
		{Country: "WLD", CountryName: "World", Aggregate: true, Year: 2023, Measure: MeasureCurrentUSD, Source: SourceWorldBank, Value: 2443398.8, HasValue: true, Unit: "US$ m", SourceUnit: "US$"},
	}
}

func writeParquetBytes(t testing.TB, tab *Table) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteParquet(&buf, tab); err != nil {
		t.Fatalf("WriteParquet: %v", err)
	}
	return buf.Bytes()
}

func TestParquetRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		tab  *Table
	}{
		{"expenditure", ExpenditureTable(sampleExpenditures())},
		{"all types", tableOf(t, allTypes, allTypesRows())},
		{"no rows", NewTable(allTypes, 0)},
		{"no nulls", tableOf(t, allTypes, allTypesRows()[6:])},
		{"three row groups", ExpenditureTable(syntheticExpenditures(2*ParquetRowGroupRows + 1000))},
		{"required fields with a validity slice", allValid(tableOf(t, allTypes, allTypesRows()))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, write := range []func(io.Writer, *Table) error{WriteParquet, WriteParquetCompressed} {
				var buf bytes.Buffer
				if err := write(&buf, tt.tab); err != nil {
					t.Fatalf("write: %v", err)
				}
				got, err := ReadParquetBytes(buf.Bytes(), tt.tab.Schema)
				if err != nil {
					t.Fatalf("ReadParquetBytes: %v", err)
				}
				if got.Len() != tt.tab.Len() {
					t.Fatalf("ReadParquetBytes: %d rows, want %d", got.Len(), tt.tab.Len())
				}
				if diff := tableDiff(tt.tab, got); diff != "" {
					t.Errorf("ReadParquetBytes(WriteParquet(t)) rows differ (-want +got):\n%s", diff)
				}
				if err := got.Check(); err != nil {
					t.Errorf("read table: %v", err)
				}
			}
		})
	}
}

// allValid gives every required column of tab a Valid slice of all true,
// as code filling the columns directly may leave it: such a column holds no
// null and must be written as if it had no slice.
func allValid(tab *Table) *Table {
	for col, f := range tab.Schema.Fields {
		if f.Required && tab.Columns[col].Valid == nil {
			tab.Columns[col].Valid = slices.Repeat([]bool{true}, tab.Len())
		}
	}
	return tab
}

// TestParquetRoundTripRecords checks the typed path: records in, the same
// records out, float bits included.
func TestParquetRoundTripRecords(t *testing.T) {
	want := sampleExpenditures()
	got, err := ReadParquetBytes(writeParquetBytes(t, ExpenditureTable(want)), ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, Expenditures(got)); diff != "" {
		t.Errorf("records differ (-want +got):\n%s", diff)
	}
}

func TestWriteParquetDeterministic(t *testing.T) {
	recs := syntheticExpenditures(2*ParquetRowGroupRows + 5000)
	first := writeParquetBytes(t, ExpenditureTable(recs))

	shuffled := slices.Clone(recs)
	rand.New(rand.NewPCG(7, 8)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	reversed := slices.Clone(recs)
	slices.Reverse(reversed)

	tests := []struct {
		name string
		recs []Expenditure
	}{
		{"again", recs},
		{"shuffled then sorted", shuffled},
		{"reversed then sorted", reversed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := ExpenditureTable(tt.recs)
			tab.SortByKey()
			got := writeParquetBytes(t, tab)
			if !bytes.Equal(got, first) {
				t.Errorf("WriteParquet gave %d bytes differing from the first write's %d", len(got), len(first))
			}
		})
	}
}

// TestWriteParquetGolden pins the bytes of a small file. If it fails after
// a library upgrade, every published file would change on the next run:
// look at why before updating with -update.
func TestWriteParquetGolden(t *testing.T) {
	got := writeParquetBytes(t, ExpenditureTable(syntheticExpenditures(500)))
	path := filepath.Join("testdata", "parquet", "expenditure-500.parquet")
	if *update {
		if err := WriteFileAtomicBytes(path, got); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("WriteParquet wrote %d bytes unlike the %d of %s", len(got), len(want), path)
	}
	// The golden file also reads back to the data it was made from.
	back, err := ReadParquetFile(path, ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(syntheticExpenditures(500), Expenditures(back)); diff != "" {
		t.Errorf("golden file rows differ (-want +got):\n%s", diff)
	}
}

func TestWriteParquetMetadata(t *testing.T) {
	tests := []struct {
		name  string
		tab   *Table
		write func(io.Writer, *Table) error
		codec compress.Compression
	}{
		{"expenditure", ExpenditureTable(syntheticExpenditures(ParquetRowGroupRows + 10)), WriteParquet, compress.Codecs.Uncompressed},
		{"all types", tableOf(t, allTypes, allTypesRows()), WriteParquet, compress.Codecs.Uncompressed},
		{"compressed", tableOf(t, allTypes, allTypesRows()), WriteParquetCompressed, compress.Codecs.Zstd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf, tt.tab); err != nil {
				t.Fatal(err)
			}
			r, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			md := r.MetaData()
			if got := md.GetCreatedBy(); got != ParquetCreatedBy {
				t.Errorf("created_by = %q, want %q", got, ParquetCreatedBy)
			}
			if kv := md.KeyValueMetadata(); kv != nil && kv.Len() > 0 {
				t.Errorf("key-value metadata = %v, want none", kv)
			}
			wantGroups := (tt.tab.Len() + ParquetRowGroupRows - 1) / ParquetRowGroupRows
			if md.NumRowGroups() != wantGroups {
				t.Errorf("%d row groups, want %d", md.NumRowGroups(), wantGroups)
			}
			fields := tt.tab.Schema.Fields
			if md.Schema.NumColumns() != len(fields) {
				t.Fatalf("%d columns, want %d", md.Schema.NumColumns(), len(fields))
			}
			for col, f := range fields {
				c := md.Schema.Column(col)
				wantRep := parquet.Repetitions.Optional
				if f.Required {
					wantRep = parquet.Repetitions.Required
				}
				if got := c.SchemaNode().RepetitionType(); got != wantRep {
					t.Errorf("column %q repetition = %v, want %v", f.Name, got, wantRep)
				}
				if got, want := parquetTypeName(c), parquetTypeOf(f.Type); got != want {
					t.Errorf("column %q type = %s, want %s", f.Name, got, want)
				}
				for g := range md.NumRowGroups() {
					cc, err := md.RowGroup(g).ColumnChunk(col)
					if err != nil {
						t.Fatal(err)
					}
					if cc.Compression() != tt.codec {
						t.Errorf("row group %d column %q codec = %v, want %v", g, f.Name, cc.Compression(), tt.codec)
					}
					wantDict := f.Dictionary && f.Type != Boolean
					if cc.HasDictionaryPage() != wantDict {
						t.Errorf("row group %d column %q has dictionary page = %v, want %v", g, f.Name, cc.HasDictionaryPage(), wantDict)
					}
					// Every data page of a dictionary column is
					// dictionary-encoded: no fall-back to plain.
					for _, st := range cc.EncodingStats() {
						if st.PageType.String() != "DATA_PAGE" {
							continue
						}
						want := parquet.Encodings.Plain
						if wantDict {
							want = parquet.Encodings.RLEDict
						}
						if st.Encoding != want {
							t.Errorf("row group %d column %q has %v data pages, want %v", g, f.Name, st.Encoding, want)
						}
					}
				}
			}
		})
	}
}

// TestWriteParquetKeepsDictionary covers the cases in which arrow-go would
// otherwise drop a requested dictionary: a column whose first batch is all
// null, one whose values are all distinct, and one that is all null.
func TestWriteParquetKeepsDictionary(t *testing.T) {
	s := &Schema{
		PrimaryKey: []string{"id"},
		Fields: []Field{
			{Name: "id", Type: Integer, Required: true},
			{Name: "late", Type: String, Dictionary: true},
			{Name: "distinct", Type: String, Dictionary: true, Required: true},
			{Name: "never", Type: String, Dictionary: true},
		},
	}
	tab := NewTable(s, 5000)
	for i := range 5000 {
		late := null
		if i >= 3000 {
			late = str([]string{"x", "y"}[i%2])
		}
		if err := tab.AppendRow(Row{integer(int64(i)), late, str(strings.Repeat("v", i%7) + string(rune('A'+i%26)) + FormatValue(Integer, integer(int64(i)))), null}); err != nil {
			t.Fatal(err)
		}
	}
	data := writeParquetBytes(t, tab)
	r, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for col, name := range []string{"id", "late", "distinct", "never"} {
		cc, err := r.MetaData().RowGroup(0).ColumnChunk(col)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cc.HasDictionaryPage(), name != "id"; got != want {
			t.Errorf("column %q has dictionary page = %v, want %v", name, got, want)
		}
	}
	got, err := ReadParquetBytes(data, s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := tableDiff(tab, got); diff != "" {
		t.Errorf("rows differ (-want +got):\n%s", diff)
	}
}

// TestParquetReadByArrow reads the file with arrow-go's own Arrow reader,
// which knows nothing of this package, to check the types other tools see.
func TestParquetReadByArrow(t *testing.T) {
	tab := tableOf(t, allTypes, allTypesRows())
	data := writeParquetBytes(t, tab)
	rdr, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	at, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer at.Release()

	wantTypes := map[Type]arrow.DataType{
		String:  arrow.BinaryTypes.String,
		Integer: arrow.PrimitiveTypes.Int64,
		Number:  arrow.PrimitiveTypes.Float64,
		Boolean: arrow.FixedWidthTypes.Boolean,
		Date:    arrow.FixedWidthTypes.Date32,
	}
	for col, f := range allTypes.Fields {
		af := at.Schema().Field(col)
		if af.Name != f.Name || !arrow.TypeEqual(af.Type, wantTypes[f.Type]) || af.Nullable == f.Required {
			t.Errorf("arrow field %d = %s %v nullable=%v, want %s %v nullable=%v", col, af.Name, af.Type, af.Nullable, f.Name, wantTypes[f.Type], !f.Required)
		}
	}
	// Spot-check values through Arrow: dates as days, strings as UTF-8.
	day := at.Column(allTypes.Index("day")).Data().Chunk(0).(*array.Date32)
	if got, want := day.Value(1).ToTime().Format("2006-01-02"), "2024-02-29"; got != want {
		t.Errorf("arrow day[1] = %s, want %s", got, want)
	}
	if !day.IsNull(0) {
		t.Errorf("arrow day[0] is not null")
	}
	name := at.Column(allTypes.Index("name")).Data().Chunk(0).(*array.String)
	if got, want := name.Value(1), "Türkiye"; got != want {
		t.Errorf("arrow name[1] = %q, want %q", got, want)
	}
}

func TestWriteParquetRejects(t *testing.T) {
	recs := sampleExpenditures()
	unsorted := ExpenditureTable([]Expenditure{recs[1], recs[0]})
	dup := ExpenditureTable([]Expenditure{recs[0], recs[0]})
	nullKey := ExpenditureTable(recs[:2])
	nullKey.Columns[0].Valid = []bool{true, false}
	short := ExpenditureTable(recs[:2])
	short.Columns[expValue].Numbers = short.Columns[expValue].Numbers[:1]
	badDate := tableOf(t, allTypes, allTypesRows()[:2])
	badDate.Columns[allTypes.Index("due")].Strings[1] = "1999-13-01"

	tests := []struct {
		name string
		tab  *Table
		want string
	}{
		{"unsorted", unsorted, "not in strictly increasing primary-key order"},
		{"duplicate key", dup, "not in strictly increasing primary-key order"},
		{"null in required field", nullKey, `required field "country_iso3" is null in row 1`},
		{"short column", short, `column "value" has 1 values, want 2`},
		{"bad date", badDate, `"1999-13-01" is not YYYY-MM-DD`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteParquet(io.Discard, tt.tab)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteParquet() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteParquetWriterError(t *testing.T) {
	tab := ExpenditureTable(syntheticExpenditures(3000))
	size := len(writeParquetBytes(t, tab))
	for _, n := range []int{0, 2, 100, size / 2, size - 1} {
		if err := WriteParquet(&failWriter{n: n}, tab); !errors.Is(err, errDiskFull) {
			t.Errorf("WriteParquet(writer failing after %d bytes) = %v, want %v", n, err, errDiskFull)
		}
	}
}

func TestReadParquetSchemaMismatch(t *testing.T) {
	data := writeParquetBytes(t, tableOf(t, allTypes, allTypesRows()))
	with := func(change func(fs []Field) []Field) *Schema {
		return &Schema{PrimaryKey: []string{"id"}, Fields: change(slices.Clone(allTypes.Fields))}
	}
	tests := []struct {
		name   string
		schema *Schema
		want   string // "" for no error
	}{
		{"same", allTypes, ""},
		{"missing field", with(func(fs []Field) []Field { return append(fs, Field{Name: "extra", Type: String}) }), `field "extra" is missing`},
		{"extra column", with(func(fs []Field) []Field { return slices.Delete(fs, 3, 4) }), `column "note" is not in the schema`},
		{"wrong type", with(func(fs []Field) []Field { fs[5].Type = Integer; return fs }), `field "amount" is DOUBLE, want INT64 for integer`},
		{"string as date", with(func(fs []Field) []Field { fs[3].Type = Date; return fs }), `field "note" is BYTE_ARRAY (String), want INT32 (Date) for date`},
		{"nullable in file, required in schema", with(func(fs []Field) []Field { fs[2].Required = true; return fs }), `field "label" is optional, want required`},
		{"required in file, nullable in schema", with(func(fs []Field) []Field { fs[1].Required = false; return fs }), ""},
		{"reordered", with(func(fs []Field) []Field { fs[1], fs[7] = fs[7], fs[1]; return fs }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadParquetBytes(data, tt.schema)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ReadParquetBytes() = %v, want no error", err)
				}
				// Values follow their names, whatever the order.
				for i := range got.Len() {
					for col, f := range tt.schema.Fields {
						wantV := allTypesRows()[i][allTypes.Index(f.Name)]
						if v := got.Value(i, col); v != wantV {
							t.Errorf("row %d %s = %+v, want %+v", i, f.Name, v, wantV)
						}
					}
				}
				return
			}
			if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadParquetBytes() = %v, want %v containing %q", err, ErrSchemaMismatch, tt.want)
			}
		})
	}
}

func TestReadParquetBadInput(t *testing.T) {
	data := writeParquetBytes(t, ExpenditureTable(sampleExpenditures()))
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not parquet", []byte("country_iso3,year\nAFG,2020\n")},
		{"truncated", data[:len(data)-10]},
		{"footer only", data[len(data)-200:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadParquetBytes(tt.data, ExpenditureSchema); err == nil {
				t.Errorf("ReadParquetBytes(%d bytes) = nil error, want an error", len(tt.data))
			}
		})
	}
	if _, err := ReadParquetFile(filepath.Join(t.TempDir(), "absent.parquet"), ExpenditureSchema); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadParquetFile(absent) = %v, want %v", err, fs.ErrNotExist)
	}
}

func TestParquetReaderStreams(t *testing.T) {
	recs := syntheticExpenditures(2*ParquetRowGroupRows + 1234)
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := WriteFileAtomic(path, func(w io.Writer) error { return WriteParquet(w, ExpenditureTable(recs)) }); err != nil {
		t.Fatal(err)
	}
	r, err := OpenParquet(path, ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Rows() != len(recs) || r.RowGroups() != 3 {
		t.Errorf("Rows(), RowGroups() = %d, %d, want %d, 3", r.Rows(), r.RowGroups(), len(recs))
	}
	var sizes []int
	var got []Expenditure
	for {
		tab, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !tab.IsSorted() {
			t.Errorf("row group %d is not sorted", len(sizes))
		}
		sizes = append(sizes, tab.Len())
		got = append(got, Expenditures(tab)...)
	}
	if diff := cmp.Diff([]int{ParquetRowGroupRows, ParquetRowGroupRows, 1234}, sizes); diff != "" {
		t.Errorf("row group sizes differ (-want +got):\n%s", diff)
	}
	if !slices.Equal(recs, got) {
		t.Errorf("streamed records differ from the records written")
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next() after the end = %v, want io.EOF", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
}

// A reader that reuses its tables gives the rows a new table each time
// would, also where a column has nulls in one row group and none in the
// next (its validity slice is reused or dropped).
func TestParquetReaderReuseTables(t *testing.T) {
	recs := syntheticExpenditures(4*ParquetRowGroupRows + 77)
	for i := range recs {
		switch i / ParquetRowGroupRows {
		case 1:
			recs[i].Notes = "" // all null in the second row group
		case 2, 3:
			recs[i].Notes = "§" // none null in the third and fourth
		}
	}
	var buf bytes.Buffer
	if err := WriteParquet(&buf, ExpenditureTable(recs)); err != nil {
		t.Fatal(err)
	}
	r, err := NewParquetReader(bytes.NewReader(buf.Bytes()), ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	r.ReuseTables()
	var got []Expenditure
	seen := map[*Table]bool{}
	for {
		tab, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		seen[tab] = true
		got = append(got, Expenditures(tab)...)
	}
	if !slices.Equal(recs, got) {
		t.Errorf("rows read with reused tables differ from the rows written")
	}
	if len(seen) != ReusedTables {
		t.Errorf("%d distinct tables for 5 row groups, want %d", len(seen), ReusedTables)
	}
}

// TestWriteParquetBytesPinned pins, by hash, the bytes of files larger than
// the golden file: two row groups of many pages, and a table whose
// dictionary columns are null in a whole row group, never null in the next,
// and have thousands of distinct values. The hashes are of what arrow-go's
// own WriteBatch wrote before writeDict took over the dictionary columns;
// like the golden file, a change here changes every published file.
func TestWriteParquetBytesPinned(t *testing.T) {
	crafted := func() *Table {
		recs := syntheticExpenditures(3*ParquetRowGroupRows + 5)
		for i := range recs {
			switch i / ParquetRowGroupRows {
			case 0:
				recs[i].Notes, recs[i].Currency = "", ""
			case 1:
				recs[i].Notes, recs[i].Currency = fmt.Sprint("n", i%300), "Euro"
			}
			if i%7 == 0 {
				recs[i].Footnotes = fmt.Sprint(i % 5000)
			}
		}
		tab := ExpenditureTable(recs)
		tab.SortByKey()
		return tab
	}
	tests := []struct {
		name        string
		table       func() *Table
		plain, zstd string
	}{
		{"two row groups", func() *Table { return syntheticTable(ParquetRowGroupRows + 1) },
			"7bda1fbbce7a2b30ba82a0ee1ab66921b62a528b5c4c9c74fec2d831420126bd",
			"dfc252522a0f477ef7776c6c20dedcade5291814f57eadd740ed6f315fea39a1"},
		{"nulls by row group, many values", crafted,
			"cd19059f67780b9f8558ea1891c0220c9f1bcab9c93e00f0194ecf5ac2ff9642",
			"2af73c0e9dddad5ac1f8022153c0ccba981bd337c621be09ef1a30b8d682e6a7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := tt.table()
			for _, w := range []struct {
				write func(io.Writer, *Table) error
				want  string
			}{{WriteParquet, tt.plain}, {WriteParquetCompressed, tt.zstd}} {
				var buf bytes.Buffer
				if err := w.write(&buf, tab); err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprintf("%x", sha256.Sum256(buf.Bytes())); got != w.want {
					t.Errorf("%d bytes hashing to %s, want %s", buf.Len(), got, w.want)
				}
			}
		})
	}
}

// The pool gives a freed buffer out again, zeroed and 64-byte aligned as
// arrow-go's own allocator gives them, and keeps no more than poolBytes.
func TestBufferPool(t *testing.T) {
	var p bufferPool
	aligned := func(b []byte) bool { return uintptr(unsafe.Pointer(unsafe.SliceData(b)))%64 == 0 }
	for _, n := range []int{1, 100, poolMin - 1, poolMin, 5000, 1 << 20} {
		b := p.Allocate(n)
		if len(b) != n || !aligned(b) {
			t.Errorf("Allocate(%d): length %d, aligned %v", n, len(b), aligned(b))
		}
		for i := range b {
			b[i] = 0xff
		}
		p.Free(b)
		c := p.Allocate(n)
		if n >= poolMin && unsafe.SliceData(c) != unsafe.SliceData(b) {
			t.Errorf("Allocate(%d) after Free: a new buffer, want the freed one", n)
		}
		if len(c) != n || !aligned(c) || slices.ContainsFunc(c, func(x byte) bool { return x != 0 }) {
			t.Errorf("Allocate(%d) after Free: length %d, aligned %v, zeroed %v", n, len(c), aligned(c), !slices.Contains(c, 0xff))
		}
		p.Free(c)
	}
	if r := p.Reallocate(10, p.Allocate(poolMin)); len(r) != 10 {
		t.Errorf("Reallocate to fewer bytes: length %d", len(r))
	}
	big := p.Reallocate(3*poolMin, make([]byte, 2, poolMin))
	if len(big) != 3*poolMin || !aligned(big) {
		t.Errorf("Reallocate to more bytes: length %d, aligned %v", len(big), aligned(big))
	}
	for range 2 * poolBytes / (1 << 20) {
		p.Free(make([]byte, 0, 1<<20))
	}
	if p.held > poolBytes {
		t.Errorf("pool holds %d bytes, want at most %d", p.held, poolBytes)
	}
}

// writeBatches writes the batches of b with a ParquetBatchWriter, as
// build writes a dataset merged from its sources.
func writeBatches(w io.Writer, s *Schema, b Batches) error {
	pw, err := NewParquetBatchWriter(w, s)
	if err != nil {
		return err
	}
	if err := EachBatch(b, pw.Write); err != nil {
		pw.Abort()
		return err
	}
	return pw.Close()
}

func TestParquetBatchWriter(t *testing.T) {
	tab := syntheticTable(2*ParquetRowGroupRows + 1000)
	tab.SortByKey()
	want := writeParquetBytes(t, tab)
	// By source, as a dataset's records come, merged back in key order.
	col := tab.Schema.Index(SourceField)
	var parts []Batches
	for _, name := range []string{SourceWorldBank, SourceSIPRI, SourceNATO} {
		parts = append(parts, batchesOf(tab.Filter(func(i int) bool { return tab.Columns[col].Strings[i] == name }), 5000))
	}
	m := NewMerge(tab.Schema, parts...)
	var got bytes.Buffer
	if err := writeBatches(&got, tab.Schema, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("the batch writer wrote %d bytes that differ from WriteParquet's %d", got.Len(), len(want))
	}

	batches := func(ts ...*Table) func() (*Table, error) {
		return func() (*Table, error) {
			if len(ts) == 0 {
				return nil, io.EOF
			}
			t := ts[0]
			ts = ts[1:]
			return t, nil
		}
	}
	rows := func(from, to int) *Table { return tab.Select(identity(tab.Len())[from:to]) }
	n := ParquetRowGroupRows
	for _, tt := range []struct {
		name    string
		batches func() (*Table, error)
		want    string
	}{
		{"a short batch before the last", batches(rows(0, 10), rows(10, 20)), "a batch of 10 rows before the last"},
		{"a batch too long", batches(rows(0, n+1)), "want at most"},
		{"rows out of order across batches", batches(rows(1, n+1), rows(0, 1)), "not in strictly increasing primary-key order"},
		{"a batch out of order", batches(rows(0, n), tab.Select([]int{n + 1, n})), "not in strictly increasing primary-key order"},
		{"a failing batch", func() (*Table, error) { return nil, errors.New("read failed") }, "read failed"},
	} {
		err := writeBatches(io.Discard, tab.Schema, BatchFunc(tt.batches))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: the batch writer's error = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	var empty bytes.Buffer
	if err := writeBatches(&empty, tab.Schema, BatchFunc(batches())); err != nil {
		t.Fatal(err)
	}
	if want := writeParquetBytes(t, NewTable(tab.Schema, 0)); !bytes.Equal(empty.Bytes(), want) {
		t.Error("the batch writer's file of no batch differs from WriteParquet of an empty table")
	}
}
