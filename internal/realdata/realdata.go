// Package realdata locates ../shared/realdata, the real published files that
// tests read but the repository never holds (see SOURCES.md there).
package realdata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// None is the value of PUBLISH_REALDATA that says the real data may not be
// placed where the tests run (GitHub's runners: the files may not be
// redistributed), so the real-data tests skip even under CI=true.
const None = "none"

// Dir returns the realdata folder: $PUBLISH_REALDATA, else ../shared/realdata
// beside the checkout. When the folder is absent the test is skipped, except
// under CI=true, where a skipped real-data test would hide a broken check:
// there it fails, unless PUBLISH_REALDATA is None.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PUBLISH_REALDATA")
	if dir == None {
		t.Skip("real data not placed here (PUBLISH_REALDATA=none): the real-data tests run where ../shared/realdata is")
	}
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		// file is <repo>/internal/realdata/realdata.go; the folder sits
		// beside the checkout, in ../shared/realdata.
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "realdata")
	}
	if _, err := os.Stat(filepath.Join(dir, "SOURCES.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data not found at %s (set PUBLISH_REALDATA): %v", dir, err)
		}
		t.Skipf("real data not found at %s; set PUBLISH_REALDATA or place ../shared beside the checkout", dir)
	}
	return dir
}

// Path returns a file inside the realdata folder, as Dir does.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{Dir(t)}, elem...)...)
}
