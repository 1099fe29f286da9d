package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/feed"
)

// projectFiles is the Hugo project a Generate writes, in place over the
// project the last Generate left: a file whose bytes are already there is
// left alone, any other is written over the old one, and what this
// Generate did not write is removed at the end (prune). Creating a file
// costs far more than rewriting or reading one (on the ext4 disks of the
// machines we measure on, 0.3 to 0.5 ms against 0.03 and 0.015), and a
// new build's project holds the files of the last one, most of them byte
// for byte after a change of one source.
//
// A Generate stopped half way leaves a project of two builds; the key
// that says which build the project holds (pipeline.ProjectGenerated) is
// kept only after a Generate is done, and a project whose files' sizes
// and times differ from those the key recorded is generated again.
type projectFiles struct {
	root string
	mu   sync.Mutex
	kept map[string]bool // the files this Generate wrote or found in place
}

func newProjectFiles(root string) *projectFiles {
	return &projectFiles{root: filepath.Clean(root), kept: map[string]bool{}}
}

// keep records that path is a file of this build.
func (p *projectFiles) keep(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.kept[filepath.Clean(path)] = true
}

// put makes path hold b, creating its directory.
func (p *projectFiles) put(path string, b []byte) error {
	p.keep(path)
	// No file at path is a link: the files linked from the cache are
	// made by fromCache alone, so writing over one here never reaches
	// the cache.
	if same, err := dataset.SameContent(path, b); err == nil && same {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// fromCache makes path a link to (or a copy of) the entry name of the
// cache c, which write makes first when c lacks it (fileCache.file), and
// returns its size and SHA-256.
func (p *projectFiles) fromCache(c *fileCache, name, path string, write func(io.Writer) error) (int64, string, error) {
	p.keep(path)
	return c.file(name, path, write)
}

// putPage writes a content file whose front matter is v as JSON, which
// Hugo reads as data: nothing in it is parsed as Markdown or HTML.
func (p *projectFiles) putPage(path string, v any) error {
	buf := pageBufs.Get().(*bytes.Buffer)
	defer pageBufs.Put(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	return p.put(path, buf.Bytes())
}

// pageBufs holds putPage's buffers: a build encodes a thousand pages, a
// few of them large, and growing a new buffer for each was a good share of
// the encoding's time.
var pageBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putJSON writes v as indented JSON.
func (p *projectFiles) putJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	return p.put(path, append(b, '\n'))
}

// putCompact writes v as JSON on one line: the search index is read by
// programs, and every byte of it is loaded by a reader's query.
func (p *projectFiles) putCompact(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	return p.put(path, b)
}

// prune removes every file under the root that this Generate did not
// keep, besides the marker, and the folders it leaves empty.
func (p *projectFiles) prune() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var dirs []string
	err := filepath.WalkDir(p.root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir():
			if path != p.root {
				dirs = append(dirs, path)
			}
		case path == filepath.Join(p.root, markerFile) || p.kept[filepath.Clean(path)]:
		default:
			if err := os.Remove(path); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("site: remove the last build's files: %w", err)
	}
	// A folder stays when a kept file is under it; the others are empty
	// by now, and are removed the deepest first.
	held := map[string]bool{}
	for f := range p.kept {
		for d := filepath.Dir(f); len(d) > len(p.root) && !held[d]; d = filepath.Dir(d) {
			held[d] = true
		}
	}
	slices.Reverse(dirs)
	for _, d := range dirs {
		if held[d] {
			continue
		}
		if err := os.Remove(d); err != nil {
			return fmt.Errorf("site: remove the last build's files: %w", err)
		}
	}
	return nil
}

// putFeed writes a feed as XML.
func (p *projectFiles) putFeed(path string, f *feed.Feed) error {
	b, err := feed.Marshal(f)
	if err != nil {
		return fmt.Errorf("site: feed %s: %w", filepath.Base(path), err)
	}
	return p.put(path, b)
}
