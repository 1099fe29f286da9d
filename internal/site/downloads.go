package site

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
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
// SHA-256.
func writeFile(path string, write func(io.Writer) error) (int64, string, error) {
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
// from t, and the descriptor with the copies added as resources.
func (g *generator) writeDownloads(dir string, d *Dataset, t *dataset.Table) ([]downloadItem, error) {
	name := d.Definition.Name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("site: downloads: %w", err)
	}
	var items []downloadItem
	add := func(kind, file, format, media string, write func(io.Writer) error) error {
		n, sum, err := writeFile(filepath.Join(dir, file), write)
		if err != nil {
			return fmt.Errorf("site: write %s: %w", file, err)
		}
		items = append(items, g.download(kind, file, format, media, n, sum))
		return nil
	}
	// The CSV and the zstd Parquet file are derived from the dataset's
	// Parquet file alone: kept in the cache under its hash, they are made
	// again only when it changes.
	derived := newDerivedCache(g.in.CacheDir, d)
	defer derived.prune()
	addDerived := func(kind, file, format, media string, write func(io.Writer) error) error {
		n, sum, err := derived.file(filepath.Join(dir, file), write)
		if err != nil {
			return fmt.Errorf("site: write %s: %w", file, err)
		}
		items = append(items, g.download(kind, file, format, media, n, sum))
		return nil
	}
	if err := addDerived(downloadCSV, name+".csv", "csv", dataset.CSVMediaType,
		func(w io.Writer) error { return dataset.WriteCSV(w, t) }); err != nil {
		return nil, err
	}
	parquet := func(w io.Writer) error { return dataset.WriteParquet(w, t) }
	if d.ParquetPath != "" {
		parquet = dataset.CopyFrom(d.ParquetPath)
	}
	if err := add(downloadParquet, name+".parquet", "parquet", dataset.ParquetMediaType, parquet); err != nil {
		return nil, err
	}
	if err := addDerived(downloadZstd, name+".zstd.parquet", "parquet", dataset.ParquetMediaType,
		func(w io.Writer) error { return dataset.WriteParquetCompressed(w, t) }); err != nil {
		return nil, err
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
				Rows:      t.Len(),
				Schema:    dataset.TableSchemaOf(t.Schema),
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
		if err := add(downloadDescriptor, dataset.DescriptorFile, "json", "application/json",
			func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return nil, err
		}
	}
	return items, nil
}

func hasResource(rs []dataset.Resource, path string) bool {
	for _, r := range rs {
		if r.Path == path {
			return true
		}
	}
	return false
}

// derivedCache keeps the downloads made from a dataset's Parquet file in
// the site's cache, under CacheDir/downloads/NAME/, named by the file's
// SHA-256 and the shape of its CSV (csvKey), each with its size and hash.
// Without a cache directory or a Parquet file every file is written anew.
type derivedCache struct {
	dir, key string
	used     map[string]bool
}

func newDerivedCache(cacheDir string, d *Dataset) *derivedCache {
	c := &derivedCache{used: map[string]bool{}}
	if cacheDir == "" || d.ParquetPath == "" {
		return c
	}
	_, sum, err := hashFile(d.ParquetPath)
	if err != nil {
		return c // written anew; the build reads the file again and says why
	}
	c.dir, c.key = filepath.Join(cacheDir, "downloads", d.Definition.Name), sum+"-"+csvKey(d.Definition)
	return c
}

// file makes dst: a link to or copy of the cached file when there is one,
// else written by write and then kept. It returns dst's size and SHA-256.
func (c *derivedCache) file(dst string, write func(io.Writer) error) (int64, string, error) {
	if c.key == "" {
		return writeFile(dst, write)
	}
	cached := filepath.Join(c.dir, c.key+"-"+filepath.Base(dst))
	c.used[cached], c.used[cached+".sha256"] = true, true
	if meta, err := os.ReadFile(cached + ".sha256"); err == nil {
		var n int64
		var sum string
		if _, err := fmt.Sscanf(string(meta), "%d %s", &n, &sum); err == nil && len(sum) == 64 {
			if err := dataset.LinkOrCopy(cached, dst); err == nil {
				return n, sum, nil
			}
		}
	}
	n, sum, err := writeFile(dst, write)
	if err != nil {
		return 0, "", err
	}
	// A cache that cannot be written only costs the next build the work.
	if os.MkdirAll(c.dir, 0o755) == nil && dataset.CopyFile(dst, cached) == nil {
		_ = dataset.WriteFileAtomicBytes(cached+".sha256", fmt.Appendf(nil, "%d %s\n", n, sum))
	}
	return n, sum, nil
}

// prune removes the cached files of earlier versions of the dataset.
func (c *derivedCache) prune() {
	if c.key == "" {
		return
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if p := filepath.Join(c.dir, e.Name()); !c.used[p] {
			os.Remove(p)
		}
	}
}
