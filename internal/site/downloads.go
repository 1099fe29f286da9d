package site

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Kinds of downloads: the templates name each and say what it holds.
const (
	downloadCSV        = "csv"          // the dataset as CSV
	downloadParquet    = "parquet"      // the published Parquet file
	downloadZstd       = "parquet-zstd" // a zstd-compressed copy
	downloadDescriptor = "descriptor"   // the data package descriptor
	downloadVersionCSV = "version-csv"  // an earlier version's rows as CSV
	downloadVersionPq  = "version-parquet"
	downloadChanges    = "changes" // a version's diff as CSV
)

// downloadItem is one file offered for download.
type downloadItem struct {
	Kind      string `json:"kind"`
	File      string `json:"file"` // name in the dataset's (or the version's) directory
	Format    string `json:"format"`
	MediaType string `json:"mediatype"`
	Bytes     int64  `json:"bytes"`
	Size      size   `json:"size"`
	SHA256    string `json:"sha256"`
}

// size is a number of bytes for reading: Value in Unit (kB, MB, GB), or
// in bytes when Unit is B, which the templates write as a word.
type size struct {
	Value string `json:"v"`
	Unit  string `json:"u"`
}

// download describes a file written for download.
func (g *generator) download(kind, file, format, media string, n int64, sum string) downloadItem {
	v, u := g.num.Bytes(n)
	return downloadItem{Kind: kind, File: file, Format: format, MediaType: media, Bytes: n, Size: size{v, u}, SHA256: sum}
}

// hashWriter counts and hashes what passes through it.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newHashWriter(w io.Writer) *hashWriter { return &hashWriter{w: w, h: sha256.New()} }

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }

// writeFile creates path and writes it with write, returning its size and
// SHA-256. A file at path is removed first, never written through: it may
// be a link to a cache entry.
func writeFile(path string, write func(io.Writer) error) (int64, string, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, "", err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, "", err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	hw := newHashWriter(bw)
	err = write(hw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, "", err
	}
	return hw.n, hw.sum(), nil
}

// writeDownloads writes the files of one dataset into dir: the committed
// Parquet file as it is, a CSV and a zstd-compressed Parquet copy made
// from t, and the descriptor with the copies added as resources. A nil t
// (a dataset whose table is not kept, see loadTables) is read from its
// Parquet file, and only when the copies are not in the cache: the CSV a
// row group at a time.
func (g *generator) writeDownloads(dir string, d *Dataset, t *dataset.Table, sum *tableSum) ([]downloadItem, error) {
	name := d.Definition.Name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("site: downloads: %w", err)
	}
	// The dataset's Parquet file first: the CSV and the zstd Parquet file
	// are derived from it alone, and are kept in the cache under its hash
	// (made again only when it changes), as is its copy, which the project
	// links. Without a file (tests) they are written from the table every
	// time.
	pqPath := filepath.Join(dir, name+".parquet")
	files := g.files
	pqN, pqSum := sum.fileN, sum.fileSum
	var err error
	if d.ParquetPath == "" {
		files = newFileCache("")
		pqN, pqSum, err = g.out.fromCache(files, "", pqPath, func(w io.Writer) error { return dataset.WriteParquet(w, t) })
	} else {
		_, _, err = g.out.fromCache(files, downloadName(d, pqSum, name+".parquet"), pqPath, dataset.CopyFrom(d.ParquetPath))
	}
	if err != nil {
		return nil, fmt.Errorf("site: write %s.parquet: %w", name, err)
	}
	derived := func(file string, write func(io.Writer) error) (int64, string, error) {
		n, sum, err := g.out.fromCache(files, downloadName(d, pqSum, file), filepath.Join(dir, file), write)
		if err != nil {
			return 0, "", fmt.Errorf("site: write %s: %w", file, err)
		}
		return n, sum, nil
	}
	writeCSV, writeZstd := downloadWriters(d, t)
	csvN, csvSum, err := derived(name+".csv", writeCSV)
	if err != nil {
		return nil, err
	}
	zN, zSum, err := derived(name+".zstd.parquet", writeZstd)
	if err != nil {
		return nil, err
	}
	if err := files.prune("downloads/" + name); err != nil {
		return nil, err
	}
	items := []downloadItem{
		g.download(downloadCSV, name+".csv", "csv", dataset.CSVMediaType, csvN, csvSum),
		g.download(downloadParquet, name+".parquet", "parquet", dataset.ParquetMediaType, pqN, pqSum),
		g.download(downloadZstd, name+".zstd.parquet", "parquet", dataset.ParquetMediaType, zN, zSum),
	}
	if d.Descriptor != nil {
		desc := *d.Descriptor
		desc.Resources = append([]dataset.Resource(nil), desc.Resources...)
		for _, it := range items {
			if hasResource(desc.Resources, it.File) {
				continue
			}
			r := dataset.Resource{
				Profile:   dataset.TabularDataResource,
				Name:      name + "-" + strings.ReplaceAll(strings.TrimPrefix(it.File, name+"."), ".", "-"),
				Path:      it.File,
				Format:    it.Format,
				MediaType: it.MediaType,
				Bytes:     it.Bytes,
				Hash:      "sha256:" + it.SHA256,
				Rows:      sum.rows,
				Schema:    dataset.TableSchemaOf(sum.schema),
			}
			if it.Format == "csv" {
				r.Encoding = "utf-8"
			}
			desc.Resources = append(desc.Resources, r)
		}
		b, err := desc.Marshal()
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		if err := g.out.put(filepath.Join(dir, dataset.DescriptorFile), b); err != nil {
			return nil, err
		}
		sumOf := sha256.Sum256(b)
		n, sum := int64(len(b)), hex.EncodeToString(sumOf[:])
		items = append(items, g.download(downloadDescriptor, dataset.DescriptorFile, "json", "application/json", n, sum))
	}
	return items, nil
}

// downloadName is the name in the site cache of the download file derived
// from a dataset's Parquet file whose SHA-256 is pqSum.
func downloadName(d *Dataset, pqSum, file string) string {
	return "downloads/" + d.Definition.Name + "/" + pqSum + "-" + csvKey(d.Definition) + "-" + file
}

// downloadWriters returns what writes a dataset's CSV and zstd Parquet
// downloads: from t, or, for a dataset whose table is not kept (nil t),
// from its Parquet file, the CSV a row group at a time.
func downloadWriters(d *Dataset, t *dataset.Table) (writeCSV, writeZstd func(io.Writer) error) {
	if t != nil {
		return func(w io.Writer) error { return dataset.WriteCSV(w, t) },
			func(w io.Writer) error { return dataset.WriteParquetCompressed(w, t) }
	}
	s := d.Definition.Schema
	writeCSV = func(w io.Writer) error {
		r, err := dataset.OpenParquet(d.ParquetPath, s)
		if err != nil {
			return err
		}
		defer r.Close()
		return dataset.WriteCSVFrom(w, r)
	}
	writeZstd = func(w io.Writer) error {
		t, err := dataset.ReadParquetFile(d.ParquetPath, s)
		if err != nil {
			return err
		}
		return dataset.WriteParquetCompressed(w, t)
	}
	return writeCSV, writeZstd
}

// deriveDownloads makes the CSV and the zstd Parquet copy of a dataset
// whose table is not kept (see loadTables), whose Parquet file's SHA-256
// is pqSum, into the site cache, where it does not hold them yet.
// loadTables calls it before it reads the dataset's records, so that the
// table the zstd copy is made from and the records are never in memory
// together (800 MB for 2M rows); writeDownloads then finds the copies in
// the cache.
func (g *generator) deriveDownloads(d *Dataset, pqSum string) error {
	if g.files.dir == "" {
		return nil // writeDownloads makes them
	}
	name := d.Definition.Name
	writeCSV, writeZstd := downloadWriters(d, nil)
	for _, c := range []struct {
		file  string
		write func(io.Writer) error
	}{
		{name + ".csv", writeCSV},
		{name + ".zstd.parquet", writeZstd},
	} {
		if _, _, err := g.files.ensure(downloadName(d, pqSum, c.file), c.write); err != nil {
			return fmt.Errorf("site: write %s: %w", c.file, err)
		}
	}
	return nil
}

func hasResource(rs []dataset.Resource, path string) bool {
	for _, r := range rs {
		if r.Path == path {
			return true
		}
	}
	return false
}
