package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Archive keeps the raw documents the fetcher downloads and a record of each
// fetch: the provenance of every record, and the validators that conditional
// requests send. The fetcher reaches its state only through this interface,
// so the archive can move from a local folder to shared storage. An Archive
// is a cache the run can rebuild, never published: some publishers' terms
// forbid redistributing their files. Implementations are safe for
// concurrent use.
type Archive interface {
	// Put stores doc's body under its SHA-256 (storing a body that is
	// already there again is a no-op) and records the fetch, which becomes
	// the latest of doc.URL unless a later one is recorded already. For a
	// NotModified document the body is already stored and only the fetch is
	// recorded. The body is durable when Put returns, the record after the
	// next Sync. Put may be retried.
	Put(ctx context.Context, doc *Document) error
	// Latest returns the record of the last fetch of url, or an error
	// wrapping ErrNotArchived when there is none.
	Latest(ctx context.Context, url string) (*Snapshot, error)
	// Body returns the body whose hex SHA-256 is sum, checked against sum,
	// or an error wrapping ErrNotArchived when there is none.
	Body(ctx context.Context, sum string) ([]byte, error)
	// Sync makes the records of the fetches Put so far durable. Latest
	// sees a fetch as soon as Put returns; a crash before Sync may lose its
	// record, never its body.
	Sync() error
}

// ErrNotArchived reports that the archive holds no such fetch or body.
var ErrNotArchived = errors.New("not in the archive")

// Snapshot records one fetch of a URL.
type Snapshot struct {
	URL         string      `json:"url"`
	SHA256      string      `json:"sha256"` // of the body
	Size        int64       `json:"size"`   // of the body, in bytes
	Fetched     time.Time   `json:"fetched"`
	Status      int         `json:"status"` // 200, or 304 for a conditional request the publisher answered not modified
	NotModified bool        `json:"not_modified,omitempty"`
	Header      http.Header `json:"header"` // response headers; after a 304, the stored ones updated by the 304's
}

// DirArchive is an Archive in a local folder:
//
//	objects/ab/abcdef…                       body, named by its SHA-256
//	fetches/<key>/20251103T101500.123456789Z-<sha256[:12]>.json   one Snapshot per fetch
//	fetches/<key>/latest.json                the latest Snapshot of the URL
//
// where <key> is the hex SHA-256 of the URL. Every file is written
// atomically (a temporary file in the archive's folder itself, sync,
// rename), so a crash leaves either the old file or the new one. A body is
// durable when Put returns. The records of a fetch wait in memory, where
// Latest and History see them, until Sync writes all of them at once: a
// run's 50 fetches that find nothing new cost two syncs of the file
// system, not 200 of single files. A DirArchive is safe for concurrent use
// within one process.
type DirArchive struct {
	dir string
	mu  sync.Mutex // guards pending, and orders the read-compare-replace of latest.json
	// pending holds the records Put made since the last Sync, by path.
	pending map[string][]byte
}

var _ Archive = (*DirArchive)(nil)

// OpenArchive opens the archive in dir, creating the folder if needed.
func OpenArchive(dir string) (*DirArchive, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("collect: open archive: %w", err)
	}
	return &DirArchive{dir: dir}, nil
}

// Dir returns the archive's folder.
func (a *DirArchive) Dir() string { return a.dir }

// Put implements Archive.
func (a *DirArchive) Put(ctx context.Context, doc *Document) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("collect: archive %s: %w", doc.URL, err)
	}
	sum := Sum(doc.Body)
	if doc.SHA256 != "" && doc.SHA256 != sum {
		return fmt.Errorf("collect: archive %s: document SHA-256 %s does not match its body (%s)", doc.URL, doc.SHA256, sum)
	}
	if !doc.NotModified {
		if err := a.putObject(sum, doc.Body); err != nil {
			return fmt.Errorf("collect: archive %s: %w", doc.URL, err)
		}
	}
	snap := Snapshot{
		URL:         doc.URL,
		SHA256:      sum,
		Size:        int64(len(doc.Body)),
		Fetched:     doc.Fetched.UTC(),
		Status:      doc.Status,
		NotModified: doc.NotModified,
		Header:      doc.Header,
	}
	b, err := json.MarshalIndent(snap, "", "  ")
	if err != nil {
		return fmt.Errorf("collect: archive %s: %w", doc.URL, err)
	}
	b = append(b, '\n')
	dir := filepath.Join(a.dir, "fetches", urlKey(doc.URL))
	name := snap.Fetched.Format("20060102T150405.000000000Z") + "-" + sum[:12] + ".json"
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending == nil {
		a.pending = map[string][]byte{}
	}
	a.pending[filepath.Join(dir, name)] = b
	latest, err := a.latest(doc.URL)
	if err == nil && latest.Fetched.After(snap.Fetched) {
		return nil
	}
	a.pending[filepath.Join(dir, "latest.json")] = b
	return nil
}

// Sync implements Archive: it writes the records kept since the last Sync
// with dataset.WriteFilesAtomic.
func (a *DirArchive) Sync() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.pending) == 0 {
		return nil
	}
	if err := dataset.WriteFilesAtomic(a.dir, a.pending); err != nil {
		return fmt.Errorf("collect: archive: %w", err)
	}
	a.pending = nil
	return nil
}

// putObject stores body under its SHA-256 unless a file of that name and
// size is there already.
func (a *DirArchive) putObject(sum string, body []byte) error {
	name := a.objectPath(sum)
	if info, err := os.Stat(name); err == nil && info.Size() == int64(len(body)) {
		return nil
	}
	return a.write(name, body)
}

// Latest implements Archive.
func (a *DirArchive) Latest(ctx context.Context, url string) (*Snapshot, error) {
	a.mu.Lock()
	b, ok := a.pending[a.latestPath(url)]
	a.mu.Unlock()
	return a.readLatest(url, b, ok)
}

// latest is Latest, with a.mu held.
func (a *DirArchive) latest(url string) (*Snapshot, error) {
	b, ok := a.pending[a.latestPath(url)]
	return a.readLatest(url, b, ok)
}

func (a *DirArchive) latestPath(url string) string {
	return filepath.Join(a.dir, "fetches", urlKey(url), "latest.json")
}

// readLatest parses the latest record of url: b when pending is set (a
// record waiting for Sync), else the one on disk.
func (a *DirArchive) readLatest(url string, b []byte, pending bool) (*Snapshot, error) {
	var err error
	if !pending {
		b, err = os.ReadFile(a.latestPath(url))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("collect: archive: latest fetch of %s: %w", url, ErrNotArchived)
	}
	if err != nil {
		return nil, fmt.Errorf("collect: archive: latest fetch of %s: %w", url, err)
	}
	var s Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("collect: archive: latest fetch of %s: %w", url, err)
	}
	return &s, nil
}

// Body implements Archive.
func (a *DirArchive) Body(ctx context.Context, sum string) ([]byte, error) {
	if !isSum(sum) {
		return nil, fmt.Errorf("collect: archive: %q is not a hex SHA-256", sum)
	}
	b, err := os.ReadFile(a.objectPath(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("collect: archive: body %s: %w", sum, ErrNotArchived)
	}
	if err != nil {
		return nil, fmt.Errorf("collect: archive: body %s: %w", sum, err)
	}
	if got := Sum(b); got != sum {
		return nil, fmt.Errorf("collect: archive: body %s is corrupt (its SHA-256 is %s)", sum, got)
	}
	return b, nil
}

// History returns the records of every fetch of url, oldest first.
func (a *DirArchive) History(url string) ([]Snapshot, error) {
	dir := filepath.Join(a.dir, "fetches", urlKey(url))
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("collect: archive: history of %s: %w", url, err)
	}
	// The records on disk, and those waiting for Sync.
	records := map[string][]byte{}
	for _, e := range entries {
		records[e.Name()] = nil
	}
	a.mu.Lock()
	for path, b := range a.pending {
		if filepath.Dir(path) == dir {
			records[filepath.Base(path)] = b
		}
	}
	a.mu.Unlock()
	var snaps []Snapshot
	for _, name := range slices.Sorted(maps.Keys(records)) {
		b := records[name]
		if name == "latest.json" || !strings.HasSuffix(name, ".json") {
			continue
		}
		if b == nil {
			if b, err = os.ReadFile(filepath.Join(dir, name)); err != nil {
				return nil, fmt.Errorf("collect: archive: history of %s: %w", url, err)
			}
		}
		var s Snapshot
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("collect: archive: history of %s: %s: %w", url, name, err)
		}
		snaps = append(snaps, s)
	}
	slices.SortStableFunc(snaps, func(x, y Snapshot) int { return x.Fetched.Compare(y.Fetched) })
	return snaps, nil
}

func (a *DirArchive) objectPath(sum string) string {
	return filepath.Join(a.dir, "objects", sum[:2], sum)
}

// urlKey names a URL's folder: URLs hold characters file systems reject.
func urlKey(url string) string { return Sum([]byte(url)) }

func isSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// write writes b to name as dataset.WriteFileAtomicIn does (temporary
// file, sync, rename, folder sync), creating the folder first. The
// temporary file is in the archive's own folder, as those of Sync are: that
// is the only place a kill can leave one, so the start-up repair need not
// walk the archive, which grows by a record with every fetch.
func (a *DirArchive) write(name string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return dataset.WriteFileAtomicIn(a.dir, name, dataset.WriteBytes(b))
}

// Archiver is a Fetcher that records every document its Next fetcher
// returns in Archive before returning it; a document that cannot be archived
// is an error, since it would have no provenance. It is safe for concurrent
// use when Next and Archive are.
type Archiver struct {
	Next    Fetcher
	Archive Archive
}

// Fetch implements Fetcher.
func (a *Archiver) Fetch(ctx context.Context, req *Request) (*Document, error) {
	doc, err := a.Next.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	if doc.Reused {
		// Nothing was fetched: the archive's record stays the last
		// fetch, so that the copy ages and is fetched again in time.
		return doc, nil
	}
	if err := a.Archive.Put(ctx, doc); err != nil {
		return nil, err
	}
	return doc, nil
}
