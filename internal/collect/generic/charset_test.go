package generic

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestLatin1DeclaredUTF8 collects a Latin-1 listing whose server declares it
// as UTF-8, through a real fetcher (issue 9: "Défense" was published as
// "D\uFFFDfense", with no warning). The rows read "Défense", and a warning
// says the page was read as windows-1252.
func TestLatin1DeclaredUTF8(t *testing.T) {
	page, err := charmap.ISO8859_1.NewEncoder().String(`<!DOCTYPE html><html><body><table class="reports"><thead><tr><th>No.</th><th>Title</th><th>Published</th></tr></thead><tbody>
<tr><td>2024-1</td><td><a href="/r/2024-1">Défense : programmation militaire</a></td><td>4 March 2024</td></tr>
<tr><td>2024-2</td><td><a href="/r/2024-2">Armées et sécurité intérieure</a></td><td>5 March 2024</td></tr>
</tbody></table></body></html>`)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()
	src := source(t, HTML, "audit-outcomes", srv.URL+"/reports", `rows = "table.reports tbody tr"
[source.options.fields.auditor]
value = "fr_cdc"
[source.options.fields.jurisdiction]
value = "France"
[source.options.fields.report_id]
column = "No."
[source.options.fields.title]
column = "Title"
[source.options.fields.link]
column = "Title"
selector = "a"
attr = "href"
transforms = [{ op = "url" }]
[source.options.fields.published]
column = "Published"
transforms = [{ op = "date", layouts = ["2 January 2006"] }]
`)
	tab, warns, err := run(t, collecttest.Fetcher(t, src, nil), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	want := []string{"Défense : programmation militaire", "Armées et sécurité intérieure"}
	if diff := cmp.Diff(want, column(tab, "title")); diff != "" {
		t.Errorf("Collect() titles mismatch (-want +got):\n%s", diff)
	}
	for _, s := range column(tab, "title") {
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
			t.Errorf("title %q: not valid UTF-8, or holds U+FFFD", s)
		}
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "windows-1252") || !strings.Contains(warns[0], srv.URL) {
		t.Errorf("Collect() warnings = %q, want one saying the page was read as windows-1252", warns)
	}
}
