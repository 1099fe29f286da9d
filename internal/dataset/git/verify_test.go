package git

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/defence-transparency/publish/internal/dataset"
)

// readers runs fn once with each way of reading blobs: through the git
// CLI, and through go-git as where the CLI is missing. Unless fallback is
// set, the CLI must serve the repository itself.
func readers(t *testing.T, dir string, fn func(t *testing.T, r *Repo)) {
	readersFallback(t, dir, false, fn)
}

func readersFallback(t *testing.T, dir string, fallback bool, fn func(t *testing.T, r *Repo)) {
	t.Helper()
	for _, name := range []string{"cli", "go-git"} {
		t.Run(name, func(t *testing.T) {
			r, err := Open(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			r.blobs.noCLI = name == "go-git"
			fn(t, r)
			if name == "cli" && r.blobs.noCLI && !fallback {
				t.Error("the git CLI did not serve the repository; go-git read it")
			}
		})
	}
}

var testSig = dataset.Signature{Name: "t", Email: "t@example.org", When: time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)}

// commitFile commits content as name and returns the commit's id.
func commitFile(t *testing.T, r *Repo, name string, content []byte) dataset.ObjectID {
	t.Helper()
	p := filepath.Join(r.Dir(), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	id, err := r.Commit([]string{name}, "version\n", testSig)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// reordered returns versions of a 2 MiB file made of 4 KiB blocks of random
// bytes, in the first version's order or with neighbouring blocks swapped:
// git's deltas between them copy from their base backward and then forward
// again ([1 0 3 2 ...]), which go-git's streaming delta reader gets wrong.
// Each version is over the 1 MiB at which the project used to turn that
// reader on.
func reordered() [][]byte {
	const block, blocks = 4096, 512
	rng := rand.New(rand.NewPCG(8, 2378))
	base := make([]byte, block*blocks)
	for i := range base {
		base[i] = byte(rng.Uint32())
	}
	order := func(perm []int, edit string) []byte {
		var b bytes.Buffer
		for _, i := range perm {
			b.Write(base[i*block : (i+1)*block])
		}
		b.WriteString(edit)
		return b.Bytes()
	}
	ident, pairs, triples := make([]int, blocks), make([]int, blocks), make([]int, blocks)
	for i := range blocks {
		ident[i], pairs[i], triples[i] = i, i^1, i
	}
	for i := 0; i+2 < blocks; i += 3 {
		triples[i], triples[i+1], triples[i+2] = i+1, i+2, i
	}
	return [][]byte{order(ident, "v1"), order(pairs, "v2"), order(ident, "v3"), order(triples, "v4"), order(pairs, "v5")}
}

func TestPackedDeltasThatCopyBackwardReadBack(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	versions := reordered()
	var commits []dataset.ObjectID
	for _, v := range versions {
		commits = append(commits, commitFile(t, r, "datasets/x/x.parquet", v))
	}
	r.Close()
	gitCLI(t, dir, "gc", "--aggressive", "--prune=now", "--quiet")

	// The fixture must do what it says: the pack holds deltas that a
	// reader which streams the base and cannot rewind properly misreads.
	if n := backwardDeltas(t, dir); n == 0 {
		t.Fatal("git gc made no delta that copies backward and then forward again; the test proves nothing")
	} else {
		t.Logf("%d deltas in the pack copy backward and then forward again", n)
	}

	readers(t, dir, func(t *testing.T, r *Repo) {
		for i, c := range commits {
			got, err := r.ReadFile(c, "datasets/x/x.parquet")
			if err != nil {
				t.Fatalf("ReadFile(version %d): %v", i+1, err)
			}
			if !bytes.Equal(got, versions[i]) {
				t.Errorf("version %d read back with different bytes", i+1)
			}
			id, err := r.Stat(c, "datasets/x/x.parquet")
			if err != nil {
				t.Fatal(err)
			}
			b, err := r.OpenBlob(id)
			if err != nil {
				t.Fatalf("OpenBlob(version %d): %v", i+1, err)
			}
			got, err = io.ReadAll(b)
			b.Close()
			if err != nil || !bytes.Equal(got, versions[i]) || b.Size() != int64(len(versions[i])) {
				t.Errorf("OpenBlob(version %d) read back with different bytes (%v)", i+1, err)
			}
		}
	})

	// What the project did before: go-git's storage with a large-object
	// threshold, which streams deltas. Logged, not asserted: it is
	// go-git's bug (issues #2378, #2295), and may be fixed.
	wrong := 0
	for _, v := range versions {
		st := filesystem.NewStorageWithOptions(osfs.New(filepath.Join(dir, ".git")), cache.NewObjectLRUDefault(),
			filesystem.Options{LargeObjectThreshold: 1 << 20})
		obj, err := st.EncodedObject(plumbing.BlobObject, plumbing.ComputeHash(plumbing.BlobObject, v))
		if err != nil {
			t.Fatal(err)
		}
		rd, err := obj.Reader()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rd)
		rd.Close()
		if err != nil || !bytes.Equal(got, v) {
			wrong++
		}
	}
	t.Logf("go-git's streaming delta reader returned wrong bytes for %d of %d versions", wrong, len(versions))
}

// backwardDeltas returns the number of deltas in the repository's packs
// that copy from their base backward and then copy again.
func backwardDeltas(t *testing.T, dir string) int {
	t.Helper()
	packs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
	if len(packs) == 0 {
		t.Fatal("git gc left no pack")
	}
	n := 0
	for _, p := range packs {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		s := packfile.NewScanner(f)
		_, objects, err := s.Header()
		if err != nil {
			t.Fatal(err)
		}
		for range objects {
			h, err := s.NextObjectHeader()
			if err != nil {
				t.Fatal(err)
			}
			var delta bytes.Buffer
			if _, _, err := s.NextObject(&delta); err != nil {
				t.Fatal(err)
			}
			if (h.Type == plumbing.OFSDeltaObject || h.Type == plumbing.REFDeltaObject) && misreadByStreaming(delta.Bytes()) {
				n++
			}
		}
		f.Close()
	}
	return n
}

// misreadByStreaming reports whether a git delta copies from its base
// backward and then forward again such that go-git's streaming delta reader
// (v5.19.3) reads the wrong bytes: after a backward copy it reopens the base
// but keeps its old position, so a later forward copy skips too little.
func misreadByStreaming(d []byte) bool {
	varint := func() {
		for len(d) > 0 && d[0]&0x80 != 0 {
			d = d[1:]
		}
		d = d[1:]
	}
	varint()                 // base size
	varint()                 // result size
	var real, believed int64 // where the reader is in the base, and where it thinks it is
	for len(d) > 0 {
		op := d[0]
		d = d[1:]
		if op&0x80 == 0 { // insert op bytes
			d = d[int(op):]
			continue
		}
		var off, size int64
		for i := range 4 {
			if op&(1<<i) != 0 {
				off |= int64(d[0]) << (8 * i)
				d = d[1:]
			}
		}
		for i := range 3 {
			if op&(0x10<<i) != 0 {
				size |= int64(d[0]) << (8 * i)
				d = d[1:]
			}
		}
		if size == 0 {
			size = 0x10000
		}
		if believed > off { // reopens the base, skips off bytes, keeps believed
			real, believed = off, believed+off
		} else { // skips off-believed bytes
			if real != believed {
				return true
			}
			real, believed = off, off
		}
		real += size
		believed += size
	}
	return false
}

// looseObject returns the path of the loose object id in dir.
func looseObject(dir string, id dataset.ObjectID) string {
	s := id.String()
	return filepath.Join(dir, ".git", "objects", s[:2], s[2:])
}

// replaceLoose overwrites loose object id with a well-formed object of type
// typ and the given content, which does not hash to id.
func replaceLoose(t *testing.T, dir string, id dataset.ObjectID, typ string, content []byte) {
	t.Helper()
	var b bytes.Buffer
	z := zlib.NewWriter(&b)
	fmt.Fprintf(z, "%s %d\x00", typ, len(content))
	z.Write(content)
	z.Close()
	p := looseObject(dir, id)
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptBlobIsAnErrorNamingIt(t *testing.T) {
	content := []byte(strings.Repeat("2019,DEU,41000.5\n", 100))
	forged := bytes.Replace(content, []byte("41000.5"), []byte("49000.5"), 1) // same length, another figure
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string, blob dataset.ObjectID)
		// fallback is set where git cat-file gives up at once, so that
		// go-git reads instead (and finds the damage too).
		fallback bool
	}{
		{"loose object with other content", func(t *testing.T, dir string, blob dataset.ObjectID) {
			replaceLoose(t, dir, blob, "blob", forged)
		}, false},
		{"loose object that is not zlib", func(t *testing.T, dir string, blob dataset.ObjectID) {
			p := looseObject(dir, blob)
			os.Chmod(p, 0o644)
			if err := os.WriteFile(p, []byte("not an object"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"missing object", func(t *testing.T, dir string, blob dataset.ObjectID) {
			if err := os.Remove(looseObject(dir, blob)); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"damaged pack", func(t *testing.T, dir string, blob dataset.ObjectID) {
			gitCLI(t, dir, "gc", "--prune=now", "--quiet")
			packs, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.pack"))
			if len(packs) != 1 {
				t.Fatalf("%d packs, want 1", len(packs))
			}
			b, err := os.ReadFile(packs[0])
			if err != nil {
				t.Fatal(err)
			}
			// The blob is the largest object: damage the middle of its data.
			i := bytes.Index(b, []byte("PACK")) + len(b)/2
			b[i] ^= 0xff
			os.Chmod(packs[0], 0o644)
			if err := os.WriteFile(packs[0], b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r, err := Open(dir, true)
			if err != nil {
				t.Fatal(err)
			}
			commit := commitFile(t, r, "datasets/x/x.csv", content)
			blob, err := r.Stat(commit, "datasets/x/x.csv")
			if err != nil {
				t.Fatal(err)
			}
			r.Close()
			tt.damage(t, dir, blob)
			readersFallback(t, dir, tt.fallback, func(t *testing.T, r *Repo) {
				b, err := r.ReadFile(commit, "datasets/x/x.csv")
				if !errors.Is(err, dataset.ErrCorrupt) || !strings.Contains(err.Error(), blob.String()) {
					t.Errorf("ReadFile(damaged) = %d bytes, error %v; want dataset.ErrCorrupt naming blob %s", len(b), err, blob)
				}
				if bl, err := r.OpenBlob(blob); !errors.Is(err, dataset.ErrCorrupt) || !strings.Contains(err.Error(), blob.String()) {
					if bl != nil {
						bl.Close()
					}
					t.Errorf("OpenBlob(damaged) error %v; want dataset.ErrCorrupt naming blob %s", err, blob)
				}
			})
		})
	}
}

func TestCorruptTreeOrCommitIsAnErrorNamingIt(t *testing.T) {
	for _, what := range []string{"commit", "tree"} {
		t.Run(what, func(t *testing.T) {
			dir := t.TempDir()
			r, err := Open(dir, true)
			if err != nil {
				t.Fatal(err)
			}
			commitFile(t, r, "datasets/x/x.csv", []byte("a\n"))
			head := commitFile(t, r, "datasets/x/x.csv", []byte("b\n"))
			c, err := r.repo.CommitObject(hash(head))
			if err != nil {
				t.Fatal(err)
			}
			target := head
			forged := []byte(strings.Replace(gitCLI(t, dir, "cat-file", "commit", "HEAD"), "version", "vErsion", 1))
			if what == "tree" {
				target = id(c.TreeHash)
				forged = []byte(gitCLI(t, dir, "cat-file", "tree", "HEAD^{tree}"))
				forged[len(forged)-1] ^= 1 // another id for the datasets directory
			}
			r.Close()
			replaceLoose(t, dir, target, what, forged)

			r, err = Open(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = r.Log("datasets/x")
			if !errors.Is(err, dataset.ErrCorrupt) || !strings.Contains(err.Error(), target.String()) {
				t.Errorf("Log() with a damaged %s: error %v; want dataset.ErrCorrupt naming %s", what, err, target)
			}
		})
	}
}

func TestCLIThatCannotServeFallsBackToGoGit(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c := commitFile(t, r, "datasets/x/x.csv", []byte("x\n"))
	r.blobs.gitDir = filepath.Join(dir, "no-such-dir") // git refuses it, as it refuses a repository of another owner
	b, err := r.ReadFile(c, "datasets/x/x.csv")
	if err != nil || string(b) != "x\n" {
		t.Fatalf("ReadFile() = %q, %v; want %q from go-git", b, err, "x\n")
	}
	if !r.blobs.noCLI {
		t.Error("the CLI was not given up")
	}
}
