package gao

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/mirror"
)

// pageURL returns the address of the n-th page (from 0) of the mirror's
// listing, as its pager writes it.
func pageURL(n int) string {
	if n == 0 {
		return ListingURL
	}
	return fmt.Sprintf("%s&page=%d", ListingURL, n)
}

// mirrorPage returns the mirror's copy of the n-th listing page.
func mirrorPage(t *testing.T, n int) *collect.Document {
	t.Helper()
	b, err := fs.ReadFile(mirror.FS, pageFile(n))
	if err != nil {
		t.Fatal(err)
	}
	return &collect.Document{URL: pageURL(n), Status: 200, Body: b}
}

// result returns one result as the listing writes it. Empty number or
// dates leave the element out.
func result(slug, number, title, published, released, summary string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="views-row"><div class="c-search-result">
<h4 class="c-search-result__header"><a href="/products/%s" hreflang="en">%s</a></h4>
<div class="teaser-search--subheading">`, slug, title)
	if number != "" {
		fmt.Fprintf(&b, `<div><span class="d-block text-small">%s</span></div>`, number)
	}
	b.WriteString(`<span class="text-small">`)
	if published != "" {
		fmt.Fprintf(&b, `Published: %s. `, published)
	}
	if released != "" {
		fmt.Fprintf(&b, `Publicly Released: %s.`, released)
	}
	fmt.Fprintf(&b, `</span></div>
<div class="c-search-result__summary">%s</div>
</div></div>
`, summary)
	return b.String()
}

const (
	june13 = `<time datetime="2024-06-13T12:00:00Z">Jun 13, 2024</time>`
	june20 = `<time datetime="2024-06-20T12:00:00Z">Jun 20, 2024</time>`
)

// listingHTML returns a listing page holding results and pager items.
func listingHTML(count string, results, pager string) string {
	return `<!DOCTYPE html><html lang="en"><head><title>Reports &amp; Testimonies | U.S. GAO</title></head><body>
<main id="main-content"><h2>Most Recent Reports</h2>
<div class="result-count"><strong>` + count + `</strong></div>
<div class="view-content">` + results + `</div>
<nav aria-label="Pagination" class="usa-pagination"><ul class="usa-pagination__list">` + pager + `</ul></nav>
</main></body></html>`
}

func listingDoc(u, body string) *collect.Document {
	return &collect.Document{URL: u, Status: 200, Body: []byte(body)}
}

func TestParseListingMirror(t *testing.T) {
	p, err := parseListing(t.Context(), mirrorPage(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	want := listingPage{
		results: 3,
		entries: []entry{
			{id: "GAO-24-106256", slug: "gao-24-106256", title: "F-35 Aircraft: DOD’s Sustainment Cost Goals Need Clearer Targets",
				published: "2024-06-13", released: "2024-06-13", recs: 4, hasRecs: true, where: pageURL(0)},
			{id: "GAO-24-107120T", slug: "gao-24-107120t", title: "Defense Acquisitions: Observations on Cost Growth in Major Weapon Programs",
				published: "2024-06-12", released: "2024-06-12", where: pageURL(0)},
			{id: "GAO-24-106301", slug: "gao-24-106301", title: "Navy Ship Maintenance: Delays Are Recorded but Their Causes Are Not Tracked",
				published: "2024-06-11", released: "2024-06-11", where: pageURL(0)},
		},
		next:  pageURL(1),
		total: 8,
	}
	if diff := cmp.Diff(want, p, cmp.AllowUnexported(listingPage{}, entry{})); diff != "" {
		t.Errorf("parseListing(page 0) mismatch (-want +got):\n%s", diff)
	}
	last, err := parseListing(t.Context(), mirrorPage(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	if last.next != "" || len(last.entries) != 2 {
		t.Errorf("parseListing(page 2) = %d entries, next %q; want 2 entries and no next page", len(last.entries), last.next)
	}
	// A report released after the date it bears.
	if e := last.entries[0]; e.published != "2023-08-30" || e.released != "2023-09-28" {
		t.Errorf("parseListing(page 2) %s published %s, released %s; want 2023-08-30, 2023-09-28", e.id, e.published, e.released)
	}
}

func TestParseListing(t *testing.T) {
	const u = "https://www.gao.gov/reports-testimonies?f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense&page=3"
	one := result("gao-24-106256", "GAO-24-106256", "Defense Budget: A Title", june13, june13, "Summary.")
	tests := []struct {
		name    string
		body    string
		entries []entry
		next    string
		total   int
		warns   int
	}{
		{
			name:    "next by rel",
			body:    listingHTML("61 - 80 of 11,730 Reports", one, `<li><a href="?page=4" rel="next">›</a></li>`),
			entries: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Budget: A Title", published: "2024-06-13", released: "2024-06-13", where: u}},
			next:    "https://www.gao.gov/reports-testimonies?page=4",
			total:   11730,
		},
		{
			name: "next by aria-label, not the last page link of the same class",
			body: listingHTML("", one, `<li><a href="?f=x&amp;page=9" class="usa-pagination__link usa-pagination__next-page" aria-label="Last page">Last</a></li>
<li><a href="?f=x&amp;page=4#results" class="usa-pagination__link usa-pagination__next-page" aria-label="Next page">Next</a></li>`),
			entries: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Budget: A Title", published: "2024-06-13", released: "2024-06-13", where: u}},
			next:    "https://www.gao.gov/reports-testimonies?f=x&page=4",
			total:   -1,
		},
		{
			name:    "drupal pager",
			body:    listingHTML("", one, `<li class="pager__item pager__item--next"><a href="/reports-testimonies?page=4" title="Go to next page">Next</a></li>`),
			entries: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Budget: A Title", published: "2024-06-13", released: "2024-06-13", where: u}},
			next:    "https://www.gao.gov/reports-testimonies?page=4",
			total:   -1,
		},
		{
			name: "number from the link when none is shown",
			body: listingHTML("", result("gao-24-107120t", "", "Defense Acquisitions: Testimony", june13, june13, ""), ""),
			entries: []entry{{id: "GAO-24-107120T", slug: "gao-24-107120t", title: "Defense Acquisitions: Testimony",
				published: "2024-06-13", released: "2024-06-13", where: u}},
			total: -1,
		},
		{
			name: "shown number wins over the link, with a warning",
			body: listingHTML("", result("gao-24-106256", "GAO-24-106265", "Defense Budget: A Title", june13, june13, ""), ""),
			entries: []entry{{id: "GAO-24-106265", slug: "gao-24-106256", title: "Defense Budget: A Title",
				published: "2024-06-13", released: "2024-06-13", where: u}},
			total: -1,
			warns: 1,
		},
		{
			name: "malformed number: the link's, with a warning",
			body: listingHTML("", result("gao-24-106256", "GAO 24 106256", "Defense Budget: A Title", june13, june13, ""), ""),
			entries: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Budget: A Title",
				published: "2024-06-13", released: "2024-06-13", where: u}},
			total: -1,
			warns: 1,
		},
		{
			name: "result that is not a product is left out with a warning",
			body: listingHTML("", strings.Replace(one, "/products/gao-24-106256", "https://files.gao.gov/reports/GAO-24-106256/index.html", 1)+
				result("gao-24-106198", "GAO-24-106198", "Defense Health Care", june13, june20, "We made 3 recommendations."), ""),
			entries: []entry{{id: "GAO-24-106198", slug: "gao-24-106198", title: "Defense Health Care",
				published: "2024-06-13", released: "2024-06-20", recs: 3, hasRecs: true, where: u}},
			total: -1,
			warns: 1,
		},
		{
			name: "dates without datetime, released listed first",
			body: listingHTML("", strings.Replace(one, `<span class="text-small">Published: `+june13+`. Publicly Released: `+june13+`.`,
				`<span class="text-small">Publicly Released on: <time>Jun 20, 2024</time>. Published: <time>Jun 13, 2024</time>.`, 1), ""),
			entries: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Budget: A Title",
				published: "2024-06-13", released: "2024-06-20", where: u}},
			total: -1,
		},
		{
			name: "datetime and text disagree: datetime, with a warning",
			body: listingHTML("", result("gao-24-106256", "GAO-24-106256", "Defense Budget: A Title",
				`<time datetime="2024-06-13T12:00:00Z">Jun 14, 2024</time>`, "", ""), ""),
			entries: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Budget: A Title",
				published: "2024-06-13", where: u}},
			total: -1,
			warns: 1,
		},
		{
			name: "the last page may link to itself as last",
			body: listingHTML("", one, `<li><a href="?f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense&amp;page=3" class="usa-pagination__link usa-pagination__next-page" aria-label="Last page">Last</a></li>`),
			entries: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Budget: A Title",
				published: "2024-06-13", released: "2024-06-13", where: u}},
			total: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, w := collect.WithWarnings(t.Context())
			p, err := parseListing(ctx, listingDoc(u, tt.body))
			if err != nil {
				t.Fatalf("parseListing() error = %v", err)
			}
			if diff := cmp.Diff(tt.entries, p.entries, cmp.AllowUnexported(entry{})); diff != "" {
				t.Errorf("parseListing() entries mismatch (-want +got):\n%s", diff)
			}
			if p.next != tt.next || p.total != tt.total {
				t.Errorf("parseListing() next %q, total %d; want %q, %d", p.next, p.total, tt.next, tt.total)
			}
			if n := len(w.List()); n != tt.warns {
				t.Errorf("parseListing() warned %d times, want %d: %q", n, tt.warns, w.List())
			}
		})
	}
}

func TestParseListingErrors(t *testing.T) {
	one := result("gao-24-106256", "GAO-24-106256", "Defense Budget: A Title", june13, june13, "")
	tests := []struct {
		name string
		body string
	}{
		{"error page", `<!DOCTYPE html><html><body><h1>Access Denied</h1><p>You don't have permission to access this page.</p></body></html>`},
		{"no results", listingHTML("0 Reports", "<p>No results found.</p>", "")},
		{"datetime in another format", listingHTML("", result("gao-24-106256", "GAO-24-106256", "T", `<time datetime="13/06/2024">Jun 13, 2024</time>`, "", ""), "")},
		{"date text in another format", listingHTML("", result("gao-24-106256", "GAO-24-106256", "T", `<time>13 June 2024</time>`, "", ""), "")},
		{"next link that is no address", listingHTML("", one, `<li><a href="javascript:void(0);" class="usa-pagination__link usa-pagination__next-page" aria-label="Next page">Next</a></li>`)},
		{"last page link without a next page link", listingHTML("", one, `<li><a href="?page=9" class="usa-pagination__link usa-pagination__next-page" aria-label="Last page">Last</a></li>`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseListing(t.Context(), listingDoc(ListingURL, tt.body))
			if !errors.Is(err, ErrFormat) {
				t.Errorf("parseListing() = %d entries, %v; want an error wrapping ErrFormat", len(p.entries), err)
			}
		})
	}
}
