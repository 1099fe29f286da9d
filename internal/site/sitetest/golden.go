// Package sitetest compares a built site with a golden copy kept in a
// test's testdata, so that a change to the generator or the templates that
// alters a page shows in review as a change of the golden files, and one
// that should alter nothing is proved to alter nothing.
package sitetest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// manifestFile lists every file of the golden site: its SHA-256, its size
// and its path, one per line, sorted by path.
const manifestFile = "manifest.txt"

// filesDir holds the copies of the files kept whole.
const filesDir = "site"

// Golden compares the site built in dir with the golden copy in golden.
// Every file is listed in golden's manifest with its hash; the files for
// which whole reports true (nil: none) are also kept whole, so that a
// difference in them is shown line by line. With update set it first
// rewrites the golden copy from dir (the -update flag of a test). Files that
// appear, disappear or differ fail the test.
func Golden(t testing.TB, dir, golden string, update bool, whole func(rel string) bool) {
	t.Helper()
	got, err := scan(dir)
	if err != nil {
		t.Fatalf("sitetest: %v", err)
	}
	if update {
		if err := write(dir, golden, got, whole); err != nil {
			t.Fatalf("sitetest: update %s: %v", golden, err)
		}
	}
	want, err := readManifest(filepath.Join(golden, manifestFile))
	if err != nil {
		t.Fatalf("sitetest: %v (generate with -update)", err)
	}
	var problems []string
	for _, rel := range sortedKeys(want) {
		g, ok := got[rel]
		switch {
		case !ok:
			problems = append(problems, "missing: "+rel)
		case g != want[rel]:
			p := "differs: " + rel
			if whole != nil && whole(rel) {
				p += "\n" + firstDifference(filepath.Join(golden, filesDir, filepath.FromSlash(rel)), filepath.Join(dir, filepath.FromSlash(rel)))
			}
			problems = append(problems, p)
		}
	}
	for _, rel := range sortedKeys(got) {
		if _, ok := want[rel]; !ok {
			problems = append(problems, "new: "+rel)
		}
	}
	if len(problems) == 0 {
		return
	}
	const shown = 20
	msg := strings.Join(problems[:min(len(problems), shown)], "\n")
	if len(problems) > shown {
		msg += fmt.Sprintf("\n... and %d more", len(problems)-shown)
	}
	t.Errorf("built site differs from %s in %d files (regenerate with -update if intended):\n%s", golden, len(problems), msg)
}

// entry is a file's hash and size as the manifest writes them.
type entry string

func sortedKeys(m map[string]entry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// scan returns every file under dir by its slash-separated path.
func scan(dir string) (map[string]entry, error) {
	out := map[string]entry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = entry(fmt.Sprintf("%s %d", hex.EncodeToString(sum[:]), len(b)))
		return nil
	})
	return out, err
}

func readManifest(p string) (map[string]entry, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	out := map[string]entry{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), " ", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s: malformed line %q", p, sc.Text())
		}
		out[f[2]] = entry(f[0] + " " + f[1])
	}
	return out, sc.Err()
}

// write replaces the golden copy with the files of dir.
func write(dir, golden string, files map[string]entry, whole func(string) bool) error {
	if err := os.RemoveAll(golden); err != nil {
		return err
	}
	if err := os.MkdirAll(golden, 0o755); err != nil {
		return err
	}
	var m strings.Builder
	for _, rel := range sortedKeys(files) {
		fmt.Fprintf(&m, "%s %s\n", files[rel], rel)
		if whole == nil || !whole(rel) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		dst := filepath.Join(golden, filesDir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(golden, manifestFile), []byte(m.String()), 0o644)
}

// firstDifference describes where two text files first differ.
func firstDifference(want, got string) string {
	a, err := os.ReadFile(want)
	if err != nil {
		return "  " + err.Error()
	}
	b, err := os.ReadFile(got)
	if err != nil {
		return "  " + err.Error()
	}
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("  line %d:\n  want: %s\n  got:  %s", i+1, clip(x, y), clip(y, x))
		}
	}
	return "  (same lines; the files differ in their line endings)"
}

// clip shortens a long line around where it departs from other.
func clip(s, other string) string {
	const span = 160
	if len(s) <= span {
		return s
	}
	k := 0
	for k < len(s) && k < len(other) && s[k] == other[k] {
		k++
	}
	from := max(0, k-span/2)
	to := min(len(s), from+span)
	out := s[from:to]
	if from > 0 {
		out = "…" + out
	}
	if to < len(s) {
		out += "…"
	}
	return out
}

// Text reports whether a file of a built site is text the site's templates
// or generator wrote (pages, feeds, catalogues), as opposed to a data file
// offered for download. Golden tests keep such files whole.
func Text(rel string) bool {
	switch path.Ext(rel) {
	case ".html", ".xml", ".atom", ".txt":
		return true
	case ".json":
		return path.Base(rel) != "datapackage.json"
	}
	return false
}
