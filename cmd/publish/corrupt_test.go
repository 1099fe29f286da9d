package main

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A data repository whose Parquet blob was altered on disk (a bad disk, a
// bad copy, a hand edit): every command that reads it fails and names the
// object, rather than reporting revisions that never happened, and the
// built site is left as it was.
func TestCorruptObjectFailsDiffAndSite(t *testing.T) {
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	if res := run(t, day, "run", "--sources", sourcesFile, "--data", data, "--out", public); res.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", res.code, res.err, res.stderr)
	}
	if res := run(t, day, "diff", "--data", data, "military-expenditure"); res.code != exitOK {
		t.Fatalf("diff before the damage: exit %d: %v\n%s", res.code, res.err, res.stderr)
	}
	home, err := os.ReadFile(filepath.Join(public, "index.html"))
	if err != nil {
		t.Fatal(err)
	}

	// Rewrite the blob's loose object with other content of the same
	// length: well-formed, so only its hash gives it away.
	blob := gitOut(t, data, "rev-parse", "HEAD:datasets/military-expenditure/military-expenditure.parquet")
	content, err := os.ReadFile(filepath.Join(data, "datasets", "military-expenditure", "military-expenditure.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	content[len(content)/2] ^= 1
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	fmt.Fprintf(zw, "blob %d\x00", len(content))
	zw.Write(content)
	zw.Close()
	obj := filepath.Join(data, ".git", "objects", blob[:2], blob[2:])
	os.Chmod(obj, 0o644)
	if err := os.WriteFile(obj, z.Bytes(), 0o444); err != nil {
		t.Fatal(err)
	}

	// Nothing changed since the site was built, so the site would not be
	// built again; forget that it was, so that it reads the object.
	if err := os.Remove(filepath.Join(data, ".publish", "reuse.json")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"diff", "--data", data, "military-expenditure"},
		{"diff", "--data", data, "--json", "military-expenditure"},
		{"site", "--sources", sourcesFile, "--data", data, "--out", public},
	} {
		res := run(t, day, args...)
		if res.code != exitFailure || !strings.Contains(res.stderr, blob) || !strings.Contains(res.stderr, "corrupt git object") ||
			!strings.Contains(res.stderr, "hint: ") {
			t.Errorf("publish %s: exit %d, stderr:\n%s\nwant exit %d and an error naming the corrupt object %s, with a hint",
				args[0], res.code, res.stderr, exitFailure, blob)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(public, "index.html")); !bytes.Equal(got, home) {
		t.Error("the failed site build changed the published site")
	}
}
