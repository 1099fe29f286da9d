package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Settings of the published Parquet files. Each one changes the bytes of
// every file, and so the git history of every dataset, when it changes:
// treat them as part of the file format.
const (
	// ParquetCreatedBy is written as the files' created_by instead of the
	// library's version string, so that upgrading arrow-go does not by
	// itself rewrite every published file.
	ParquetCreatedBy = "publish"

	// ParquetRowGroupRows is the number of rows per row group (the last
	// one holds the rest). 65,536 rows of the widest dataset are a few MB,
	// so a streaming reader holds little in memory, while the datasets'
	// tens of thousands of rows mostly fit in one group.
	ParquetRowGroupRows = 65536

	// parquetDataPageSize is the size at which a data page is cut.
	parquetDataPageSize = 1 << 20

	// parquetBatchSize is how many values the column writer takes between
	// checks of the page size; it decides where pages are cut.
	parquetBatchSize = 1024

	// parquetDictionaryLimit is far above the dictionary of any column of
	// a row group (at most ParquetRowGroupRows distinct values), so a
	// dictionary column never falls back to plain encoding half-way
	// through a chunk. arrow-go writes the page-encoding statistics of a
	// chunk that fell back by ranging over a map, which makes identical
	// data give different bytes (DESIGN.md).
	parquetDictionaryLimit = 1 << 30
)

// ParquetMediaType is the media type of Parquet files, as descriptors and
// HTTP headers name it.
const ParquetMediaType = "application/vnd.apache.parquet"

// WriteParquet writes t to w as the published Parquet file: uncompressed,
// rows in primary-key order (t must already be sorted and its keys unique),
// dictionary encoding only for fields marked Dictionary, required fields
// non-nullable, and nothing in the file that depends on the time or on the
// library's version, so identical data gives identical bytes.
//
// Fields map to Parquet types as: String to UTF-8 BYTE_ARRAY, Integer to
// INT64, Number to DOUBLE, Boolean to BOOLEAN and Date to DATE (INT32 days
// since 1970-01-01).
func WriteParquet(w io.Writer, t *Table) error {
	return writeParquet(w, t, compress.Codecs.Uncompressed)
}

// WriteParquetCompressed writes t as WriteParquet does but with every column
// compressed with zstd. It is for the site's downloads; the published file
// in git stays uncompressed, because git compresses objects itself and
// compressed pages make poor deltas.
func WriteParquetCompressed(w io.Writer, t *Table) error {
	return writeParquet(w, t, compress.Codecs.Zstd)
}

func writeParquet(w io.Writer, t *Table, codec compress.Compression) (err error) {
	if err := t.Schema.Check(); err != nil {
		return err // says "dataset: schema: ..."
	}
	if err := checkWritable(t); err != nil {
		return err
	}
	f, err := newParquetFile(w, t.Schema, codec)
	if err != nil {
		return err
	}
	for start := 0; start < t.Len(); start += ParquetRowGroupRows {
		if err := f.rowGroup(t, start, min(start+ParquetRowGroupRows, t.Len())); err != nil {
			f.fw.Close()
			return err
		}
	}
	return f.close()
}

// checkWritable returns an error unless t can be written: its columns
// complete, no null in a required field, rows in strictly increasing key
// order.
func checkWritable(t *Table) error {
	if err := t.Check(); err != nil {
		return err // says "dataset: column ..."
	}
	for col, f := range t.Schema.Fields {
		if !f.Required || t.Columns[col].Valid == nil {
			continue
		}
		for i, ok := range t.Columns[col].Valid {
			if !ok {
				return fmt.Errorf("dataset: write parquet: required field %q is null in row %d", f.Name, i)
			}
		}
	}
	if !t.IsSorted() {
		return fmt.Errorf("dataset: write parquet: rows are not in strictly increasing primary-key order (sort them with SortByKey; equal keys are duplicates)")
	}
	return nil
}

// ParquetBatchWriter writes tables given a batch at a time as WriteParquet
// writes the table of all their rows, to the byte, without that table:
// each batch is one row group, so each but the last must hold
// ParquetRowGroupRows rows (as a Merge or a ParquetReader of a published
// file gives them), and the rows must be in strictly increasing key order
// across batches.
type ParquetBatchWriter struct {
	s             *Schema
	f             *parquetFile
	last          *Table // the previous batch's last row, a copy: the caller may reuse the batch
	lastLen, rows int
}

// NewParquetBatchWriter starts a Parquet file of schema s. The caller must
// Close it, or Abort it after an error.
func NewParquetBatchWriter(w io.Writer, s *Schema) (*ParquetBatchWriter, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	f, err := newParquetFile(w, s, compress.Codecs.Uncompressed)
	if err != nil {
		return nil, err
	}
	return &ParquetBatchWriter{s: s, f: f}, nil
}

// Write writes t, of the writer's schema, as the next row group.
func (pw *ParquetBatchWriter) Write(t *Table) error {
	if t.Schema != pw.s && !t.Schema.SameFields(pw.s) {
		return fmt.Errorf("dataset: write parquet: a batch has another schema")
	}
	if pw.last != nil && pw.lastLen < ParquetRowGroupRows {
		return fmt.Errorf("dataset: write parquet: a batch of %d rows before the last, want %d", pw.lastLen, ParquetRowGroupRows)
	}
	if t.Len() > ParquetRowGroupRows {
		return fmt.Errorf("dataset: write parquet: a batch of %d rows, want at most %d", t.Len(), ParquetRowGroupRows)
	}
	if err := checkWritable(t); err != nil {
		return err
	}
	if pw.last != nil && t.Len() > 0 && CompareKey(pw.last, 0, t, 0) >= 0 {
		return fmt.Errorf("dataset: write parquet: rows are not in strictly increasing primary-key order after row %d", pw.rows)
	}
	if t.Len() == 0 {
		return nil
	}
	if err := pw.f.rowGroup(t, 0, t.Len()); err != nil {
		return err
	}
	pw.last, pw.lastLen = t.Select([]int{t.Len() - 1}), t.Len()
	pw.rows += t.Len()
	return nil
}

// Close writes the file's footer.
func (pw *ParquetBatchWriter) Close() error { return pw.f.close() }

// Abort ends a file that failed: what was written is no Parquet file.
func (pw *ParquetBatchWriter) Abort() { pw.f.fw.Close() }

// parquetFile is a published Parquet file being written, a row group at a
// time.
type parquetFile struct {
	s   *Schema
	fw  *file.Writer
	bw  *bufio.Writer
	enc columnEncoder
}

func newParquetFile(w io.Writer, s *Schema, codec compress.Compression) (*parquetFile, error) {
	root, err := parquetSchema(s)
	if err != nil {
		return nil, fmt.Errorf("dataset: write parquet: %w", err)
	}
	// The buffer turns the writer's many small writes (page headers,
	// levels) into few large ones; hiding Close stops arrow-go from closing
	// the caller's writer.
	bw := bufio.NewWriterSize(w, 1<<16)
	fw, err := file.NewParquetWriterWithError(struct{ io.Writer }{bw}, root,
		file.WithWriterProps(writerProperties(s, codec)))
	if err != nil {
		return nil, fmt.Errorf("dataset: write parquet: %w", err)
	}
	return &parquetFile{s: s, fw: fw, bw: bw}, nil
}

// rowGroup writes rows start..end of t as one row group.
func (f *parquetFile) rowGroup(t *Table, start, end int) error {
	rg, err := f.fw.AppendRowGroupChecked()
	if err != nil {
		return fmt.Errorf("dataset: write parquet: %w", err)
	}
	for col := range f.s.Fields {
		cw, err := rg.NextColumn()
		if err != nil {
			return fmt.Errorf("dataset: write parquet: %w", err)
		}
		if err := f.enc.write(cw, t, col, start, end); err != nil {
			return fmt.Errorf("dataset: write parquet: field %q: %w", f.s.Fields[col].Name, err)
		}
	}
	return nil
}

// close writes the footer and flushes the buffer.
func (f *parquetFile) close() error {
	if err := f.fw.Close(); err != nil {
		return fmt.Errorf("dataset: write parquet: %w", err)
	}
	if err := f.bw.Flush(); err != nil {
		return fmt.Errorf("dataset: write parquet: %w", err)
	}
	return nil
}

// writerProperties pins every setting that decides the file's bytes rather
// than trusting the library's defaults, which may change between versions.
func writerProperties(s *Schema, codec compress.Compression) *parquet.WriterProperties {
	opts := []parquet.WriterProperty{
		parquet.WithCreatedBy(ParquetCreatedBy),
		parquet.WithVersion(parquet.V2_6),
		parquet.WithDataPageVersion(parquet.DataPageV1),
		parquet.WithCompression(codec),
		parquet.WithMaxRowGroupLength(ParquetRowGroupRows),
		parquet.WithDataPageSize(parquetDataPageSize),
		parquet.WithBatchSize(parquetBatchSize),
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryPageSizeLimit(parquetDictionaryLimit),
		parquet.WithEncoding(parquet.Encodings.Plain),
		parquet.WithStats(true),
		parquet.WithMaxStatsSize(4096),
		parquet.WithPageIndexEnabled(false),
		parquet.WithBloomFilterEnabled(false),
	}
	for _, f := range s.Fields {
		if f.Dictionary && f.Type != Boolean { // Parquet has no boolean dictionaries
			// Without the cost check turned off, arrow-go drops the
			// dictionary of an uncompressed column whose first values are
			// null or would be smaller plain; the named columns keep theirs.
			opts = append(opts,
				parquet.WithDictionaryFor(f.Name, true),
				parquet.WithDictionaryCostFallbackFor(f.Name, false))
		}
	}
	return parquet.NewWriterProperties(opts...)
}

// parquetSchema returns the Parquet schema of s: one flat column per field.
func parquetSchema(s *Schema) (*schema.GroupNode, error) {
	fields := make(schema.FieldList, len(s.Fields))
	for i, f := range s.Fields {
		rep := parquet.Repetitions.Optional
		if f.Required {
			rep = parquet.Repetitions.Required
		}
		var (
			n   schema.Node
			err error
		)
		switch f.Type {
		case String:
			n, err = schema.NewPrimitiveNodeLogical(f.Name, rep, schema.StringLogicalType{}, parquet.Types.ByteArray, -1, -1)
		case Integer:
			n, err = schema.NewPrimitiveNode(f.Name, rep, parquet.Types.Int64, -1, -1)
		case Number:
			n, err = schema.NewPrimitiveNode(f.Name, rep, parquet.Types.Double, -1, -1)
		case Boolean:
			n, err = schema.NewPrimitiveNode(f.Name, rep, parquet.Types.Boolean, -1, -1)
		case Date:
			n, err = schema.NewPrimitiveNodeLogical(f.Name, rep, schema.DateLogicalType{}, parquet.Types.Int32, -1, -1)
		default:
			err = fmt.Errorf("unknown type %q", f.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
		fields[i] = n
	}
	return schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
}

// columnEncoder turns a slice of a Column into the dense values and
// definition levels that arrow-go's column writers take. Its buffers are
// reused from one column chunk to the next.
type columnEncoder struct {
	def    []int16
	ints   []int64
	nums   []float64
	bools  []bool
	dates  []int32
	bytes  []parquet.ByteArray
	arena  []byte
	rowIdx []int // rows of the chunk that are not null

	// For writeDict: the chunk's dictionary, and its indices.
	dict     map[string]int32
	dictVals []string
	idx      []int32
	valid    []bool
	bitmap   []byte
}

func (e *columnEncoder) write(cw file.ColumnChunkWriter, t *Table, col, start, end int) error {
	c := &t.Columns[col]
	f := &t.Schema.Fields[col]

	// Definition levels exist only for nullable columns; rows lists the
	// non-null rows, whose values are the ones written. A required column
	// is dense even with a Valid slice: writeParquet checked it holds no
	// null.
	var def []int16
	rows := e.rowIdx[:0]
	dense := c.Valid == nil || f.Required
	if !f.Required {
		def = grow(e.def, end-start)
		for k := range def {
			def[k] = 1
		}
		if !dense {
			for i := start; i < end; i++ {
				if c.Valid[i] {
					rows = append(rows, i)
				} else {
					def[i-start] = 0
				}
			}
			e.rowIdx = rows
			dense = len(rows) == end-start
		}
		e.def = def
	}

	var err error
	switch w := cw.(type) {
	case *file.Int64ColumnChunkWriter:
		vals := c.Ints[start:end]
		if !dense {
			vals = gatherInto(e.ints[:0], c.Ints, rows)
			e.ints = vals
		}
		_, err = w.WriteBatch(vals, def, nil)
	case *file.Float64ColumnChunkWriter:
		vals := c.Numbers[start:end]
		if !dense {
			vals = gatherInto(e.nums[:0], c.Numbers, rows)
			e.nums = vals
		}
		_, err = w.WriteBatch(vals, def, nil)
	case *file.BooleanColumnChunkWriter:
		vals := c.Bools[start:end]
		if !dense {
			vals = gatherInto(e.bools[:0], c.Bools, rows)
			e.bools = vals
		}
		_, err = w.WriteBatch(vals, def, nil)
	case *file.Int32ColumnChunkWriter: // Date
		vals := e.dates[:0]
		for i := start; i < end; i++ {
			if dense || c.Valid[i] {
				d, perr := dateDays(c.Strings[i])
				if perr != nil {
					return fmt.Errorf("row %d: %w", i, perr)
				}
				vals = append(vals, d)
			}
		}
		e.dates = vals
		_, err = w.WriteBatch(vals, def, nil)
	case *file.ByteArrayColumnChunkWriter:
		// The values are copied into one arena per chunk, grown first so
		// that the slices taken from it stay valid.
		size := 0
		for i := start; i < end; i++ {
			size += len(c.Strings[i])
		}
		if cap(e.arena) < size {
			e.arena = make([]byte, 0, size)
		}
		arena := e.arena[:0]
		vals := e.bytes[:0]
		for i := start; i < end; i++ {
			if dense || c.Valid[i] {
				k := len(arena)
				arena = append(arena, c.Strings[i]...)
				vals = append(vals, parquet.ByteArray(arena[k:len(arena):len(arena)]))
			}
		}
		e.bytes = vals
		if f.Dictionary {
			err = e.writeDict(w, vals, def)
		} else {
			_, err = w.WriteBatch(vals, def, nil)
		}
	default:
		return fmt.Errorf("unexpected column writer %T", cw)
	}
	return err
}

// dictEncoder is what writeDict needs of arrow-go's dictionary encoder,
// whose type is internal to arrow-go.
type dictEncoder interface {
	Encoding() parquet.Encoding
	PutDictionary(arrow.Array) error
	AddRawSize(int64)
}

// writeDict writes a dictionary column's chunk as WriteBatch does, to the
// byte, without its cost: WriteBatch looks every value up in arrow-go's
// dictionary, which allocates for each (a closure that escapes), five
// allocations a row for military-expenditure. writeDict finds the chunk's
// distinct values itself, in order of first appearance as arrow-go would,
// seeds the encoder's dictionary with them and writes indices, batch by
// batch as WriteBatch cuts them, updating the page statistics and the raw
// size that decides where a page ends as WriteBatch does. vals are the
// chunk's values, def its definition levels (nil when it has no nulls).
// TestWriteParquetBytesPinned holds it to the bytes WriteBatch wrote.
func (e *columnEncoder) writeDict(w *file.ByteArrayColumnChunkWriter, vals []parquet.ByteArray, def []int16) error {
	enc, ok := any(w.CurrentEncoder()).(dictEncoder)
	stats, statsOK := w.PageStatistics().(*metadata.ByteArrayStatistics)
	if !ok || !statsOK || enc.Encoding() != parquet.Encodings.PlainDict || w.HasBitsBuffer() {
		_, err := w.WriteBatch(vals, def, nil) // not the writer writeDict knows
		return err
	}
	n := len(vals)
	if def != nil {
		n = len(def)
	}
	if e.dict == nil {
		e.dict = map[string]int32{}
	}
	clear(e.dict)
	e.dictVals = e.dictVals[:0]
	idx, valid := grow(e.idx, n), grow(e.valid, n)
	e.idx, e.valid = idx, valid
	v := 0
	for k := range n {
		if def != nil && def[k] == 0 {
			idx[k], valid[k] = 0, false
			continue
		}
		i, ok := e.dict[string(vals[v])] // does not allocate
		if !ok {
			s := string(vals[v])
			i = int32(len(e.dictVals))
			e.dict[s] = i
			e.dictVals = append(e.dictVals, s)
		}
		idx[k], valid[k] = i, true
		v++
	}
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	sb.AppendValues(e.dictVals, nil)
	dict := sb.NewArray()
	sb.Release()
	err := enc.PutDictionary(dict)
	dict.Release()
	if err != nil {
		return err
	}
	v = 0
	for off := 0; off < n; off += parquetBatchSize {
		end := min(off+parquetBatchSize, n)
		nv := end - off
		var levels []int16
		var validity []bool
		if def != nil {
			levels, validity = def[off:end], valid[off:end]
			nv = 0
			for _, ok := range validity {
				if ok {
					nv++
				}
			}
		}
		batch := vals[v : v+nv]
		v += nv
		raw := int64(0)
		for _, b := range batch {
			raw += int64(len(b)) + 4 // as arrow-go counts a value: its bytes and their length
		}
		stats.Update(batch, int64(end-off-nv))
		enc.AddRawSize(raw)
		indices := e.indices(idx[off:end], validity, end-off-nv)
		err := w.WriteDictIndices(indices, levels, nil)
		indices.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// indices returns idx as an arrow array over idx's own memory, with the
// null slots that validity marks (nil: none).
func (e *columnEncoder) indices(idx []int32, validity []bool, nulls int) arrow.Array {
	var bitmap *memory.Buffer
	if nulls > 0 {
		bits := grow(e.bitmap, int(bitutil.BytesForBits(int64(len(idx)))))
		clear(bits)
		for k, ok := range validity {
			if ok {
				bitutil.SetBit(bits, k)
			}
		}
		e.bitmap = bits
		bitmap = memory.NewBufferBytes(bits)
	}
	data := array.NewData(arrow.PrimitiveTypes.Int32, len(idx),
		[]*memory.Buffer{bitmap, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(idx))}, nil, nulls, 0)
	defer data.Release()
	return array.NewInt32Data(data)
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func gatherInto[T any](dst, src []T, rows []int) []T {
	for _, i := range rows {
		dst = append(dst, src[i])
	}
	return dst
}

const dateLayout = "2006-01-02"

// dateDays returns the days since 1970-01-01 of a YYYY-MM-DD date.
func dateDays(s string) (int32, error) {
	if len(s) != len(dateLayout) {
		return 0, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		return 0, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return int32(d.Unix() / 86400), nil
}

// daysDate is the inverse of dateDays.
func daysDate(days int32) string {
	return time.Unix(int64(days)*86400, 0).UTC().Format(dateLayout)
}

// ReadParquet reads a whole Parquet file of schema s into a table. The
// file's columns must match the schema's fields by name, type and
// nullability (see NewParquetReader).
func ReadParquet(r parquet.ReaderAtSeeker, s *Schema) (*Table, error) {
	pr, err := newParquetReader(r, s)
	if err != nil {
		return nil, fmt.Errorf("dataset: read parquet: %w", err)
	}
	t, err := pr.readAll()
	if err != nil {
		return nil, fmt.Errorf("dataset: read parquet: %w", err)
	}
	return t, nil
}

// ReadParquetBytes reads a Parquet file held in memory, such as a git blob.
func ReadParquetBytes(b []byte, s *Schema) (*Table, error) {
	return ReadParquet(bytes.NewReader(b), s)
}

// ReadParquetFile reads the Parquet file at path.
func ReadParquetFile(path string, s *Schema) (*Table, error) {
	pr, err := OpenParquet(path, s)
	if err != nil {
		return nil, err
	}
	t, err := pr.readAll()
	if cerr := pr.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: read parquet %s: %w", path, err)
	}
	return t, nil
}

// ParquetReader reads a Parquet file one row group at a time, so that two
// large versions can be compared without holding either whole. Row groups
// come in file order; for a published file that is primary-key order.
type ParquetReader struct {
	f      *file.Reader
	schema *Schema
	cols   []int // file column of each schema field
	next   int   // next row group
	closer io.Closer
	dec    columnDecoder
	reuse  []*Table // the tables Next returned last, oldest first, after ReuseTables
}

// NewParquetReader opens a Parquet file of schema s for reading by row
// group. The file must hold exactly the schema's fields, in any order, each
// with the Parquet type WriteParquet gives it; a field the schema allows to
// be null may be REQUIRED in the file (it then has no nulls), but a
// required field must not be OPTIONAL.
func NewParquetReader(r parquet.ReaderAtSeeker, s *Schema) (*ParquetReader, error) {
	pr, err := newParquetReader(r, s)
	if err != nil {
		return nil, fmt.Errorf("dataset: read parquet: %w", err)
	}
	return pr, nil
}

func newParquetReader(r parquet.ReaderAtSeeker, s *Schema) (pr *ParquetReader, err error) {
	defer func() {
		if p := recover(); p != nil { // a malformed footer can panic in arrow-go
			err = fmt.Errorf("%v", p)
		}
	}()
	// Column chunks are read through a small buffer (parquet.DefaultBufSize;
	// pages larger than it go straight into their page buffer), not each
	// copied whole into a new slice first, which is arrow-go's default;
	// page buffers come from a pool (see bufferPool).
	props := parquet.NewReaderProperties(&bufferPool{})
	props.BufferedStreamEnabled = true
	f, err := file.NewParquetReader(r, file.WithReadProps(props))
	if err != nil {
		return nil, err
	}
	cols, err := matchSchema(f.MetaData().Schema, s)
	if err != nil {
		return nil, err
	}
	return &ParquetReader{f: f, schema: s, cols: cols, dec: newColumnDecoder(s)}, nil
}

// OpenParquet opens the Parquet file at path for reading by row group. The
// caller must Close the reader.
func OpenParquet(path string, s *Schema) (*ParquetReader, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: read parquet: %w", err)
	}
	pr, err := newParquetReader(fh, s)
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("dataset: read parquet %s: %w", path, err)
	}
	pr.closer = fh
	return pr, nil
}

// Rows returns the number of rows in the file.
func (r *ParquetReader) Rows() int { return int(r.f.NumRows()) }

// RowGroups returns the number of row groups in the file.
func (r *ParquetReader) RowGroups() int { return r.f.NumRowGroups() }

// Next returns the next row group as a table. After the last one it returns
// io.EOF. Each table is new, and the caller may keep it, unless ReuseTables
// was called.
func (r *ParquetReader) Next() (*Table, error) {
	if r.next >= r.f.NumRowGroups() {
		return nil, io.EOF
	}
	rg := r.f.RowGroup(r.next)
	var t *Table
	if r.reuse == nil {
		t = NewTable(r.schema, 0)
	} else {
		t = r.recycle()
	}
	if err := r.readRowGroup(rg, t, 0, int(rg.NumRows())); err != nil {
		return nil, fmt.Errorf("dataset: read parquet: %w", err)
	}
	t.n = int(rg.NumRows())
	r.next++
	return t, nil
}

// ReusedTables is the number of tables a reader that reuses them cycles
// through: Next fills the one it returned ReusedTables calls before, so a
// caller may use the table Next returns and the one before it.
const ReusedTables = 2

// ReuseTables makes Next fill the table it returned ReusedTables calls
// before rather than allocate a new one: a caller that reads a large file
// a row group at a time and uses no more than the last two (copying out
// any row it keeps longer, as Table.Row does) then allocates, and makes the
// garbage collector scan, two row groups' worth of memory in all instead
// of the whole file's. Strings already handed out stay valid: only the
// tables' slices are reused.
func (r *ParquetReader) ReuseTables() {
	if r.reuse == nil {
		r.reuse = make([]*Table, 0, ReusedTables)
		r.dec.spareValid = make([][]bool, len(r.schema.Fields))
	}
}

// recycle returns the table to fill next: a new one until ReusedTables
// exist, then the oldest, emptied.
func (r *ParquetReader) recycle() *Table {
	if len(r.reuse) < cap(r.reuse) {
		t := NewTable(r.schema, 0)
		r.reuse = append(r.reuse, t)
		return t
	}
	t := r.reuse[0]
	copy(r.reuse, r.reuse[1:])
	r.reuse[len(r.reuse)-1] = t
	for i, v := range t.emptyRows() {
		if v != nil {
			r.dec.spareValid[i] = v
		}
	}
	return t
}

// Close closes the file that OpenParquet opened. It does nothing for a
// reader made by NewParquetReader.
func (r *ParquetReader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

// readAll reads the remaining row groups into one table whose columns are
// allocated once at their full size.
func (r *ParquetReader) readAll() (*Table, error) {
	total := 0
	for i := r.next; i < r.f.NumRowGroups(); i++ {
		total += int(r.f.RowGroup(i).NumRows())
	}
	t := NewTable(r.schema, 0)
	off := 0
	for ; r.next < r.f.NumRowGroups(); r.next++ {
		rg := r.f.RowGroup(r.next)
		if err := r.readRowGroup(rg, t, off, total); err != nil {
			return nil, err
		}
		off += int(rg.NumRows())
	}
	t.n = total
	return t, nil
}

// readRowGroup reads row group rg into rows off.. of t, whose columns are
// allocated to total rows at the first call.
func (r *ParquetReader) readRowGroup(rg *file.RowGroupReader, t *Table, off, total int) (err error) {
	// arrow-go panics on some malformed pages; a damaged file is an
	// error like any other.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("row group %d: %v", r.next, p)
		}
	}()
	n := int(rg.NumRows())
	for col, f := range r.schema.Fields {
		if r.cols[col] < 0 {
			continue // backfilled below, once the fields it copies are read
		}
		cr, err := rg.Column(r.cols[col])
		if err != nil {
			return fmt.Errorf("row group %d, field %q: %w", r.next, f.Name, err)
		}
		err = r.dec.read(cr, t, col, off, n, total)
		if cerr := cr.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("row group %d, field %q: %w", r.next, f.Name, err)
		}
	}
	for col, f := range r.schema.Fields {
		if r.cols[col] < 0 {
			backfill(t, col, f.Backfill, off, n, total)
		}
	}
	return nil
}

// backfill fills rows off..off+n of column col, which the file lacks, as b
// says; the column is allocated to total rows at the first call.
func backfill(t *Table, col int, b *Backfill, off, n, total int) {
	c := &t.Columns[col]
	v := b.Value
	from := -1
	if b.From != "" {
		from = t.Schema.Index(b.From)
	}
	switch t.Schema.Fields[col].Type {
	case String, Date:
		c.Strings = grow(c.Strings, total)
	case Integer:
		c.Ints = grow(c.Ints, total)
	case Number:
		c.Numbers = grow(c.Numbers, total)
	case Boolean:
		c.Bools = grow(c.Bools, total)
	}
	for i := off; i < off+n; i++ {
		if from >= 0 {
			v = t.Value(i, from)
		}
		switch t.Schema.Fields[col].Type {
		case String, Date:
			c.Strings[i] = v.Str
		case Integer:
			c.Ints[i] = v.Int
		case Number:
			c.Numbers[i] = v.Num
		case Boolean:
			c.Bools[i] = v.Bool
		}
		if v.Null && c.Valid == nil {
			c.Valid = make([]bool, total)
			for k := range c.Valid {
				c.Valid[k] = true
			}
		}
		if c.Valid != nil {
			c.Valid[i] = !v.Null
		}
	}
}

// matchSchema returns the file column of each field of s, or an error that
// names every mismatch.
func matchSchema(fs *schema.Schema, s *Schema) ([]int, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	var problems []string
	byName := map[string]int{}
	for i := 0; i < fs.NumColumns(); i++ {
		c := fs.Column(i)
		if c.MaxRepetitionLevel() > 0 || c.ColumnPath().String() != c.Name() {
			problems = append(problems, fmt.Sprintf("column %q is nested or repeated", c.ColumnPath().String()))
			continue
		}
		byName[c.Name()] = i
	}
	cols := make([]int, len(s.Fields))
	for k, f := range s.Fields {
		i, ok := byName[f.Name]
		if !ok && f.Backfill != nil {
			cols[k] = -1 // a file from before the field existed
			continue
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("field %q is missing", f.Name))
			continue
		}
		delete(byName, f.Name)
		cols[k] = i
		c := fs.Column(i)
		if got, want := parquetTypeName(c), parquetTypeOf(f.Type); got != want {
			problems = append(problems, fmt.Sprintf("field %q is %s, want %s for %s", f.Name, got, want, f.Type))
		}
		if f.Required && c.SchemaNode().RepetitionType() != parquet.Repetitions.Required {
			problems = append(problems, fmt.Sprintf("field %q is %s, want required", f.Name, c.SchemaNode().RepetitionType()))
		}
	}
	for name := range byName {
		problems = append(problems, fmt.Sprintf("column %q is not in the schema", name))
	}
	if len(problems) > 0 {
		// Extra columns come from a map; sort for a stable message.
		slices.Sort(problems)
		return nil, fmt.Errorf("%w: %s", ErrSchemaMismatch, strings.Join(problems, "; "))
	}
	return cols, nil
}

// ErrSchemaMismatch is returned, wrapped, when a file's columns do not match
// the schema it is read with.
var ErrSchemaMismatch = errors.New("file does not match schema")

func parquetTypeOf(t Type) string {
	switch t {
	case String:
		return "BYTE_ARRAY (String)"
	case Integer:
		return "INT64"
	case Number:
		return "DOUBLE"
	case Boolean:
		return "BOOLEAN"
	case Date:
		return "INT32 (Date)"
	}
	return string(t)
}

func parquetTypeName(c *schema.Column) string {
	lt := c.LogicalType()
	switch {
	case lt == nil || lt.Equals(schema.NoLogicalType{}):
		return c.PhysicalType().String()
	case c.PhysicalType() == parquet.Types.Int64 && lt.Equals(schema.NewIntLogicalType(64, true)):
		return "INT64" // a signed 64-bit integer, said explicitly
	}
	return fmt.Sprintf("%s (%s)", c.PhysicalType(), lt)
}

// columnDecoder reads column chunks into Table columns, reusing its
// buffers from one chunk to the next.
type columnDecoder struct {
	def     []int16
	dates   []int32
	bytes   []parquet.ByteArray
	interns []map[string]string // per field; nil for fields not interned
	// spareValid holds, per field, a validity slice of a reused table,
	// for the next chunk with nulls.
	spareValid [][]bool
}

// maxInterned bounds the strings kept per dictionary column; a column with
// more distinct values than this is not low-cardinality after all.
const maxInterned = 1 << 16

func newColumnDecoder(s *Schema) columnDecoder {
	d := columnDecoder{interns: make([]map[string]string, len(s.Fields))}
	for i, f := range s.Fields {
		if f.Dictionary && f.Type == String {
			d.interns[i] = map[string]string{}
		}
	}
	return d
}

// read reads n rows of cr into rows off..off+n of column col of t.
func (d *columnDecoder) read(cr file.ColumnChunkReader, t *Table, col, off, n, total int) error {
	c := &t.Columns[col]
	nullable := cr.Descriptor().MaxDefinitionLevel() > 0
	var def []int16
	if nullable {
		d.def = grow(d.def, n)
		def = d.def
	}
	// readAll calls batch until n levels are read (ReadBatch crosses
	// pages); batch reads from row k, putting values from value index v.
	readAll := func(batch func(k, v int, def []int16) (int64, int, error)) (int, error) {
		rows, vals := 0, 0
		for rows < n {
			var lv []int16
			if def != nil {
				lv = def[rows:]
			}
			nl, nv, err := batch(rows, vals, lv)
			if err != nil {
				return 0, err
			}
			if nl == 0 {
				return 0, fmt.Errorf("column chunk ends after %d of %d rows", rows, n)
			}
			rows += int(nl)
			vals += nv
		}
		return vals, nil
	}
	var (
		nv  int
		err error
	)
	switch r := cr.(type) {
	case *file.Int64ColumnChunkReader:
		c.Ints = grow(c.Ints, total)
		dst := c.Ints[off : off+n]
		nv, err = readAll(func(k, v int, lv []int16) (int64, int, error) {
			return r.ReadBatch(int64(n-k), dst[v:], lv, nil)
		})
		if err == nil {
			spread(dst, def, nv)
		}
	case *file.Float64ColumnChunkReader:
		c.Numbers = grow(c.Numbers, total)
		dst := c.Numbers[off : off+n]
		nv, err = readAll(func(k, v int, lv []int16) (int64, int, error) {
			return r.ReadBatch(int64(n-k), dst[v:], lv, nil)
		})
		if err == nil {
			spread(dst, def, nv)
		}
	case *file.BooleanColumnChunkReader:
		c.Bools = grow(c.Bools, total)
		dst := c.Bools[off : off+n]
		nv, err = readAll(func(k, v int, lv []int16) (int64, int, error) {
			return r.ReadBatch(int64(n-k), dst[v:], lv, nil)
		})
		if err == nil {
			spread(dst, def, nv)
		}
	case *file.Int32ColumnChunkReader:
		d.dates = grow(d.dates, n)
		nv, err = readAll(func(k, v int, lv []int16) (int64, int, error) {
			return r.ReadBatch(int64(n-k), d.dates[v:], lv, nil)
		})
		if err == nil {
			c.Strings = grow(c.Strings, total)
			dst := c.Strings[off : off+n]
			for k, days := range d.dates[:nv] {
				dst[k] = daysDate(days)
			}
			spread(dst, def, nv)
		}
	case *file.ByteArrayColumnChunkReader:
		d.bytes = grow(d.bytes, n)
		c.Strings = grow(c.Strings, total)
		dst := c.Strings[off : off+n]
		// The byte slices point into the page being read, which the next
		// page replaces: copy each batch out before reading the next.
		// (ReadBatch would copy them once more on the way.)
		intern := d.interns[col]
		nv, err = readAll(func(k, v int, lv []int16) (int64, int, error) {
			nl, got, err := r.ReadBatchInPage(int64(n-k), d.bytes[:n-v], lv, nil)
			if err == nil {
				copyStrings(dst[v:v+got], d.bytes[:got], intern)
			}
			return nl, got, err
		})
		if err == nil {
			spread(dst, def, nv)
		}
	default:
		return fmt.Errorf("unexpected column reader %T", cr)
	}
	if err != nil {
		return err
	}
	if nv < n {
		if c.Valid == nil {
			if d.spareValid != nil && cap(d.spareValid[col]) >= total {
				c.Valid, d.spareValid[col] = d.spareValid[col][:total], nil
			} else {
				c.Valid = make([]bool, total)
			}
			for i := range c.Valid {
				c.Valid[i] = true
			}
		}
		for k, l := range def {
			if l == 0 {
				c.Valid[off+k] = false
			}
		}
	}
	return nil
}

// spread moves the nv dense values at the front of dst to the positions of
// the non-null rows given by def, working backwards so nothing is
// overwritten before it moves. Null rows keep whatever they held; the
// zero value is put there so that nulls compare equal.
func spread[T any](dst []T, def []int16, nv int) {
	if def == nil || nv == len(dst) {
		return
	}
	var zero T
	v := nv - 1
	for i := len(dst) - 1; i >= 0; i-- {
		if def[i] == 0 {
			dst[i] = zero
			continue
		}
		dst[i] = dst[v]
		v--
	}
}

// copyStrings copies byte arrays into strings. A dictionary column's values
// come from a small set, so they are interned: one string per distinct
// value instead of one per row. Rows come in key order, so a value is
// mostly the one before or the one before that (two sources alternating),
// which are compared before the intern map is looked into. Other columns
// share one allocation per batch.
func copyStrings(dst []string, src []parquet.ByteArray, intern map[string]string) {
	if intern != nil {
		last, prev := "", ""
		for k, b := range src {
			switch {
			case string(b) == last: // does not allocate
				dst[k] = last
				continue
			case string(b) == prev:
				dst[k] = prev
				last, prev = prev, last
				continue
			}
			s, ok := intern[string(b)] // nor does this
			if !ok {
				s = string(b)
				if len(intern) < maxInterned {
					intern[s] = s
				}
			}
			dst[k] = s
			last, prev = s, last
		}
		return
	}
	size := 0
	for _, b := range src {
		size += len(b)
	}
	var sb strings.Builder
	sb.Grow(size)
	for _, b := range src {
		sb.Write(b)
	}
	all := sb.String()
	pos := 0
	for k, b := range src {
		dst[k] = all[pos : pos+len(b)]
		pos += len(b)
	}
}

// bufferPool is the memory.Allocator of a ParquetReader. arrow-go takes
// a page buffer or two for every column chunk it reads and frees them
// when the chunk's reader is closed; Go's allocator would leave each to
// the garbage collector, which for a large file means a collection every
// few row groups, each scanning the tables of rows being compared. The
// pool hands freed buffers out again, zeroed as Go's are, so that reading
// a file allocates a few pages' worth rather than the file's worth. It
// keeps at most poolBytes, and buffers arrow-go reallocates are left to
// the collector.
type bufferPool struct {
	mu   sync.Mutex
	free [64][][]byte // by log2 of capacity
	held int          // bytes in free
}

const (
	poolMin   = 1 << 12 // smaller buffers come from the Go allocator
	poolBytes = 32 << 20
)

// class returns the power of two a buffer of n bytes is made with.
func poolClass(n int) int { return bits.Len(uint(n - 1)) }

func (p *bufferPool) Allocate(n int) []byte {
	if n < poolMin {
		// 64-byte aligned as arrow-go wants: a Go allocation of a power
		// of two is aligned to it.
		return make([]byte, n, max(64, 1<<poolClass(n)))
	}
	c := poolClass(n)
	p.mu.Lock()
	if l := p.free[c]; len(l) > 0 {
		b := l[len(l)-1]
		p.free[c] = l[:len(l)-1]
		p.held -= cap(b)
		p.mu.Unlock()
		b = b[:n]
		clear(b)
		return b
	}
	p.mu.Unlock()
	return make([]byte, n, 1<<c)
}

func (p *bufferPool) Reallocate(n int, b []byte) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	nb := p.Allocate(n)
	copy(nb, b)
	return nb
}

func (p *bufferPool) Free(b []byte) {
	c := cap(b)
	if c < poolMin || c&(c-1) != 0 {
		return // not one of the pool's
	}
	p.mu.Lock()
	if p.held+c <= poolBytes {
		k := poolClass(c)
		p.free[k] = append(p.free[k], b[:0])
		p.held += c
	}
	p.mu.Unlock()
}
