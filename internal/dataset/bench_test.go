package dataset

import (
	"bytes"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/defence-transparency/publish/internal/country"
)

// syntheticExpenditures returns n military-expenditure records shaped like
// the real dataset, in primary-key order: about 200 states x 75 years x
// many measures x 2 sources, about 10% of values missing, flags, notes and
// local-currency columns set where the real data sets them. The same n
// always gives the same records.
func syntheticExpenditures(n int) []Expenditure {
	recs := make([]Expenditure, 0, n)
	eachSynthetic(n, func(r *Expenditure) { recs = append(recs, *r) })
	return recs
}

// syntheticTable returns the table of syntheticExpenditures(n) without
// holding the records, so that benchmarks' peak memory is the table's.
func syntheticTable(n int) *Table {
	t := NewTable(ExpenditureSchema, n)
	row := make(Row, len(ExpenditureSchema.Fields))
	opt := func(s string) Value { return Value{Str: s, Null: s == ""} }
	eachSynthetic(n, func(r *Expenditure) {
		row[expCountry] = Value{Str: r.Country}
		row[expCountryName] = Value{Str: r.CountryName}
		row[expAggregate] = Value{Bool: r.Aggregate}
		row[expYear] = Value{Int: int64(r.Year)}
		row[expMeasure] = Value{Str: r.Measure}
		row[expSource] = Value{Str: r.Source}
		row[expValue] = Value{Num: r.Value, Null: !r.HasValue}
		row[expUnit] = Value{Str: r.Unit}
		row[expSourceUnit] = Value{Str: r.SourceUnit}
		row[expCurrency] = opt(r.Currency)
		row[expFiscalYear] = opt(r.FiscalYear)
		row[expMissing] = opt(r.Missing)
		row[expEstimate] = Value{Bool: r.Estimate}
		row[expUncertain] = Value{Bool: r.Uncertain}
		row[expNotes] = opt(r.Notes)
		row[expFootnotes] = opt(r.Footnotes)
		if err := t.AppendRow(row); err != nil {
			panic(err)
		}
	})
	return t
}

// eachSynthetic calls yield with each of the n synthetic records in turn.
func eachSynthetic(n int, yield func(*Expenditure)) {
	var states []country.Country
	for _, c := range country.All() {
		if c.IsState() && len(states) < 200 {
			states = append(states, c)
		}
	}
	measures := []string{MeasureCurrentUSD, MeasureShareOfGDP, MeasurePerCapita, MeasureShareOfGovt, MeasureLocalFY, MeasureLocalCY}
	for base := 1960; len(measures) < 67; base++ {
		measures = append(measures, MeasureConstantUSD(base))
	}
	slices.Sort(measures)
	sources := []string{SourceSIPRI, SourceWorldBank}
	currencies := []string{"Afghani", "Lek", "Dinar", "Kwanza", "Peso", "Euro", "Dram", "Dollar", "Manat", "Taka"}
	fiscal := []string{"Apr-Mar", "Jul-Jun", "Oct-Sep"}
	notes := []string{"§", "†", "‡", "¶", "‖", "§‖", "†¶"}

	rng := rand.New(rand.NewPCG(1, 2))
	count := 0
	for _, c := range states {
		for year := 1949; year <= 2023; year++ {
			for _, m := range measures {
				for _, src := range sources {
					if count == n {
						return
					}
					r := Expenditure{Country: c.ISO3, CountryName: c.Name, Year: year, Measure: m, Source: src}
					switch {
					case m == MeasureShareOfGDP || m == MeasureShareOfGovt:
						r.Unit, r.SourceUnit = UnitPercent, UnitFraction
						r.Value = rng.Float64() * 10
					case m == MeasurePerCapita:
						r.Unit, r.SourceUnit = UnitUSD, UnitUSD
						r.Value = rng.Float64() * 2000
					case m == MeasureLocalFY || m == MeasureLocalCY:
						r.Unit, r.SourceUnit = UnitLocal, UnitLocal
						r.Value = rng.Float64() * 1e9
						r.Currency = currencies[len(c.ISO3)*int(c.ISO3[0])%len(currencies)]
						if m == MeasureLocalFY && c.ISO3[1]%3 == 0 {
							r.FiscalYear = fiscal[int(c.ISO3[2])%len(fiscal)]
						}
					default:
						r.Unit, r.SourceUnit = UnitMillionUSD, UnitMillionUSD
						r.Value = rng.Float64() * 1e5
					}
					r.HasValue = rng.IntN(10) != 0
					if !r.HasValue {
						r.Value = 0
						r.Missing = MissingNotAvailable
						if rng.IntN(5) == 0 {
							r.Missing = MissingDidNotExist
						}
					} else {
						r.Estimate = rng.IntN(10) == 0
						r.Uncertain = rng.IntN(30) == 0
					}
					if rng.IntN(20) == 0 {
						r.Notes = notes[rng.IntN(len(notes))]
					}
					if rng.IntN(50) == 0 {
						r.Footnotes = strconv.Itoa(1 + rng.IntN(40))
					}
					yield(&r)
					count++
				}
			}
		}
	}
}

const benchRows = 2_000_000

func benchTable(b *testing.B) *Table {
	b.Helper()
	t := syntheticTable(benchRows)
	if t.Len() != benchRows {
		b.Fatalf("synthetic data has %d rows, want %d", t.Len(), benchRows)
	}
	runtime.GC()
	return t
}

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchWrite times write on the benchmark table and reports the size of
// what it writes.
func benchWrite(b *testing.B, write func(io.Writer, *Table) error) {
	t := benchTable(b)
	var size int64
	b.ResetTimer()
	for b.Loop() {
		var w countingWriter
		if err := write(&w, t); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	reportRows(b, t.Len())
	b.ReportMetric(float64(size), "file-bytes")
}

func BenchmarkWriteParquet2M(b *testing.B)           { benchWrite(b, WriteParquet) }
func BenchmarkWriteParquetCompressed2M(b *testing.B) { benchWrite(b, WriteParquetCompressed) }
func BenchmarkWriteCSV2M(b *testing.B)               { benchWrite(b, WriteCSV) }

// shuffledTable returns the benchmark table in random order.
func shuffledTable(b *testing.B) (*Table, []int) {
	perm := rand.New(rand.NewPCG(3, 4)).Perm(benchRows)
	t := benchTable(b)
	t.permute(perm)
	runtime.GC()
	return t, perm
}

// benchSort times SortByKey, followed by then unless it is nil, on the
// benchmark table in random order. Each iteration after the first shuffles
// the sorted table again, untimed, so that no more than the table and its
// sorted copy are held at once.
func benchSort(b *testing.B, then func(*Table) error) {
	t, perm := shuffledTable(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i > 0 {
			b.StopTimer()
			t.permute(perm)
			b.StartTimer()
		}
		t.SortByKey()
		if then != nil {
			if err := then(t); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRows(b, t.Len())
}

// BenchmarkSortWriteParquet2M measures what the pipeline does with rows
// that arrive in no particular order: sort, then write.
func BenchmarkSortWriteParquet2M(b *testing.B) {
	benchSort(b, func(t *Table) error { return WriteParquet(io.Discard, t) })
}

func BenchmarkSortByKey2M(b *testing.B) { benchSort(b, nil) }

// BenchmarkIsSorted2M checks the order of a sorted table. Run alone, it
// also gives the memory that building the benchmark table takes, which the
// other benchmarks' peak resident size includes.
func BenchmarkIsSorted2M(b *testing.B) {
	t := benchTable(b)
	b.ResetTimer()
	for b.Loop() {
		if !t.IsSorted() {
			b.Fatal("not sorted")
		}
	}
	reportRows(b, t.Len())
}

func BenchmarkValidate2M(b *testing.B) {
	t := benchTable(b)
	b.ResetTimer()
	for b.Loop() {
		if err := Validate(t); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, t.Len())
}

// BenchmarkValidateUnsorted2M validates rows in no order, so the key check
// has to sort.
func BenchmarkValidateUnsorted2M(b *testing.B) {
	t, _ := shuffledTable(b)
	b.ResetTimer()
	for b.Loop() {
		if err := Validate(t); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, t.Len())
}

func benchParquet(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := WriteParquet(&buf, benchTable(b)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkReadParquet2M(b *testing.B) {
	data := benchParquet(b)
	b.ResetTimer()
	for b.Loop() {
		t, err := ReadParquetBytes(data, ExpenditureSchema)
		if err != nil {
			b.Fatal(err)
		}
		if t.Len() != benchRows {
			b.Fatalf("read %d rows, want %d", t.Len(), benchRows)
		}
	}
	reportRows(b, benchRows)
}

// BenchmarkParquetReaderNext2M streams the file a row group at a time, as
// the diff engine reads two versions.
func BenchmarkParquetReaderNext2M(b *testing.B) {
	data := benchParquet(b)
	b.ResetTimer()
	for b.Loop() {
		r, err := NewParquetReader(bytes.NewReader(data), ExpenditureSchema)
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			t, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows += t.Len()
		}
		if rows != benchRows {
			b.Fatalf("read %d rows, want %d", rows, benchRows)
		}
	}
	reportRows(b, benchRows)
}

func TestSyntheticTable(t *testing.T) {
	const n = 3000
	if diff := tableDiff(ExpenditureTable(syntheticExpenditures(n)), syntheticTable(n)); diff != "" {
		t.Errorf("syntheticTable differs from ExpenditureTable(syntheticExpenditures) (-want +got):\n%s", diff)
	}
}
