package mirror

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// host matches a mirror's top-level folder: a lower-case host name with an
// optional "+port".
var host = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(\+[0-9]+)?$`)

func TestFSHasReadme(t *testing.T) {
	b, err := fs.ReadFile(FS, "README.md")
	if err != nil {
		t.Fatalf("ReadFile(FS, %q) = %v, want the layout description", "README.md", err)
	}
	if !strings.Contains(string(b), "@query") {
		t.Errorf("README.md does not describe how a query is written")
	}
}

// TestFSLayout checks that every file sits inside a host folder, so that each
// one is reachable by a URL, and that no name holds characters wget's
// windows-safe names replace.
func TestFSLayout(t *testing.T) {
	err := fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name == "." || name == "README.md" {
			return nil
		}
		top, rest, _ := strings.Cut(name, "/")
		if !host.MatchString(top) {
			t.Errorf("%s: top-level folder %q is not a lower-case host name", name, top)
		}
		if rest == "" && !d.IsDir() {
			t.Errorf("%s: a file at the root is served for no URL", name)
		}
		if strings.ContainsAny(name, `?\:*"<>|`) {
			t.Errorf("%s: name holds a character wget --restrict-file-names=windows replaces (write ?query as @query)", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
