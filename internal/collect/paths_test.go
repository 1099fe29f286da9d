package collect

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFileSymlinks checks that a symbolic link inside a file:// folder
// cannot lead the fetcher out of it, while a folder reached through a link
// (a temporary folder under a linked root, say) still works.
func TestFileSymlinks(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(root, "outside")
	folder := filepath.Join(root, "folder")
	for _, d := range []string{outside, folder} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, body string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret.txt"), "secret")
	write(filepath.Join(folder, "data.csv"), "a,b\n1,2\n")
	write(filepath.Join(folder, "real.csv"), "x\n")
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(folder, "escape.csv"))
	symlink(t, filepath.Join(folder, "real.csv"), filepath.Join(folder, "inside.csv"))
	symlink(t, outside, filepath.Join(folder, "sub"))
	linkedRoot := filepath.Join(t.TempDir(), "linked")
	symlink(t, folder, linkedRoot)

	tests := []struct {
		name   string
		folder string // the source's file:// folder
		file   string
		want   string // body, or "" for ErrHostNotAllowed
	}{
		{"plain file", folder, "data.csv", "a,b\n1,2\n"},
		{"link to a file inside", folder, "inside.csv", "x\n"},
		{"link to a file outside", folder, "escape.csv", ""},
		{"link to a folder outside", folder, "sub/secret.txt", ""},
		{"folder through a link", linkedRoot, "data.csv", "a,b\n1,2\n"},
		{"link to a file outside, folder through a link", linkedRoot, "escape.csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSession(SessionOptions{Config: testConfig(), Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			start := "file://" + filepath.ToSlash(filepath.Join(tt.folder, "data.csv"))
			f, err := s.Fetcher(Source{Name: "x", URLs: []string{start}}, false)
			if err != nil {
				t.Fatal(err)
			}
			u := "file://" + filepath.ToSlash(filepath.Join(tt.folder, filepath.FromSlash(tt.file)))
			doc, err := f.Fetch(t.Context(), &Request{URL: u})
			if tt.want == "" {
				if !errors.Is(err, ErrHostNotAllowed) {
					t.Fatalf("Fetch(%s) = %v, want ErrHostNotAllowed", u, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch(%s) = %v", u, err)
			}
			if string(doc.Body) != tt.want {
				t.Errorf("Fetch(%s).Body = %q, want %q", u, doc.Body, tt.want)
			}
		})
	}
}

// TestMirrorSymlinks checks that a mirror folder named in the sources file
// serves a link that stays inside it and refuses one that leads out.
func TestMirrorSymlinks(t *testing.T) {
	root := t.TempDir()
	mirror := filepath.Join(root, "mirror")
	host := filepath.Join(mirror, "example.org")
	if err := os.MkdirAll(host, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(host, "data.csv"), []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(root, "secret.txt"), filepath.Join(host, "escape.csv"))
	// A relative link that stays inside (an absolute one is refused: the
	// mirror is read through an os.Root).
	symlink(t, "data.csv", filepath.Join(host, "inside.csv"))
	linked := filepath.Join(t.TempDir(), "linked-mirror")
	symlink(t, mirror, linked)

	for _, dir := range []string{mirror, linked} {
		cfg := testConfig()
		cfg.Mirror = dir
		s, err := NewSession(SessionOptions{Config: cfg, Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.Fetcher(Source{Name: "x", URLs: []string{"https://example.org/data.csv"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"data.csv", "inside.csv"} {
			doc, err := f.Fetch(t.Context(), &Request{URL: "https://example.org/" + name})
			if err != nil || string(doc.Body) != "a\n1\n" {
				t.Errorf("mirror %s: Fetch(%s) = %v, want its content", dir, name, err)
			}
		}
		doc, err := f.Fetch(t.Context(), &Request{URL: "https://example.org/escape.csv"})
		if err == nil {
			t.Errorf("mirror %s: Fetch(escape.csv) = %q, want an error: the link leads out of the mirror", dir, doc.Body)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symbolic links: %v", err)
	}
}

func TestAllowedHostsPorts(t *testing.T) {
	tests := []struct {
		src  Source
		want []string
	}{
		{Source{URLs: []string{"https://Example.org/a", "http://example.org:8080/b", "https://example.org:443/c"}},
			[]string{"example.org", "example.org:8080", "example.org"}},
		{Source{URLs: []string{"https://x.org/"}, Hosts: []string{"A.org", "b.org:8443", "c.org:443"}},
			[]string{"a.org", "b.org:8443", "c.org"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.src.AllowedHosts()); diff != "" {
			t.Errorf("AllowedHosts(%v) (-want +got):\n%s", tt.src, diff)
		}
	}
	for raw, want := range map[string]string{
		"http://h.org:80/":   "h.org",
		"https://h.org:80/":  "h.org:80",
		"https://[::1]:8443": "[::1]:8443",
	} {
		u, _ := url.Parse(raw)
		if got := HostKey(u); got != want {
			t.Errorf("HostKey(%s) = %q, want %q", raw, got, want)
		}
	}
}

// TestSourceNames checks that a name that could reach outside the cache,
// as a file name, is refused when the sources file is read: before any
// write.
func TestSourceNames(t *testing.T) {
	for name, ok := range map[string]bool{
		"sipri": true, "eca-defence": true, "src_2": true, "9lives": true,
		"../x": false, "a/b": false, "..": false, ".hidden": false, "Sipri": false, "a b": false,
		`a\b`: false, "-x": false, strings.Repeat("a", 65): false, "é": false,
	} {
		toml := "[[source]]\nname = " + quote(name) + "\ndataset = \"military-expenditure\"\ncollector = \"sipri\"\n" +
			"urls = [\"https://a.org/\"]\nterms = \"open\"\n"
		_, err := ParseConfig([]byte(toml))
		if ok && err != nil {
			t.Errorf("ParseConfig(name %q) = %v, want no error", name, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "name: want lower-case letters")) {
			t.Errorf("ParseConfig(name %q) = %v, want an error about the name", name, err)
		}
	}
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func TestUnknownKeyNamed(t *testing.T) {
	toml := "[fetch]\ntimout = \"1m\"\n\n[[source]]\nname = \"x\"\ndataset = \"military-expenditure\"\ncollector = \"sipri\"\n" +
		"urls = [\"https://a.org/\"]\nterms = \"open\"\nmax_dorp = 0.1\n"
	_, err := ParseConfig([]byte(toml))
	if err == nil {
		t.Fatal("ParseConfig accepted unknown settings")
	}
	for _, want := range []string{"unknown setting fetch.timout", "source.max_dorp", "(line 2)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseConfig: %v\nwant it to name %q", err, want)
		}
	}
}
