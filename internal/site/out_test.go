package site

import (
	"os"
	"path/filepath"
	"testing"
)

func writeSite(t *testing.T, dir, page string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readPage(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSwapIn checks that a new site replaces the old one whole, keeping
// the old one's dot-folders (a .git that deploys it), and that RecoverOut
// brings back the old site when a run stopped between two renames.
func TestSwapIn(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	// A first site: out does not exist yet.
	writeSite(t, NewOut(out), "one")
	swapIn(t, out, func() {})
	if got := readPage(t, out); got != "one" {
		t.Fatalf("site = %q, want one", got)
	}
	if err := os.MkdirAll(filepath.Join(out, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeSite(t, NewOut(out), "two")
	swapIn(t, out, func() {
		// At the moment of the swap, out is the new site, whole.
		if got := readPage(t, out); got != "two" {
			t.Errorf("site at the swap = %q, want two", got)
		}
	})
	if got := readPage(t, out); got != "two" {
		t.Errorf("site = %q, want two", got)
	}
	if _, err := os.Stat(filepath.Join(out, ".git")); err != nil {
		t.Errorf("the old site's .git was not kept: %v", err)
	}
	for _, dir := range []string{NewOut(out), OldOut(out)} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s is left: %v", dir, err)
		}
	}

	// A run stopped between moving the old site aside and the new one in.
	if err := os.Rename(out, OldOut(out)); err != nil {
		t.Fatal(err)
	}
	writeSite(t, NewOut(out), "half")
	if err := RecoverOut(out); err != nil {
		t.Fatal(err)
	}
	if got := readPage(t, out); got != "two" {
		t.Errorf("site after the repair = %q, want the old one back", got)
	}
	if _, err := os.Stat(NewOut(out)); !os.IsNotExist(err) {
		t.Errorf("the half-built site is left: %v", err)
	}
}

// swapIn runs SwapIn and waits for the old site's removal.
func swapIn(t *testing.T, out string, swapped func()) {
	t.Helper()
	removed, err := SwapIn(out, swapped)
	if err != nil {
		t.Fatal(err)
	}
	if err := removed(); err != nil {
		t.Fatal(err)
	}
}
