package crisiswatch

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The CrisisWatch pages of the bundled offline mirror, laid out by URL.
const (
	mirrorRoot = "../../mirror/files"
	page0File  = mirrorRoot + "/www.crisisgroup.org/crisiswatch/database"
	page1File  = mirrorRoot + "/www.crisisgroup.org/crisiswatch/database@page=1"
	page2File  = mirrorRoot + "/www.crisisgroup.org/crisiswatch/database@page=2"
	page1URL   = DatabaseURL + "?page=1"
	page2URL   = DatabaseURL + "?page=2"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseMirrorPages(t *testing.T) {
	tests := []struct {
		file, url, next string
		want            []Entry
	}{
		{page0File, DatabaseURL, page1URL, []Entry{
			{Name: "Sudan", Slug: "sudan", Month: "2025-10", Trends: []string{Deteriorated}, Alerts: []string{ConflictRiskAlert},
				Summary: "Sample entry: fighting intensified around besieged towns in the west, and a conflict risk alert is issued for the coming month.\n" +
					"Paramilitary forces pressed an offensive. Invented text for the offline mirror: clashes displaced thousands of people and aid convoys were halted.",
				Link: "https://www.crisisgroup.org/crisiswatch/database?location%5B%5D=21"},
			{Name: "Ethiopia", Slug: "ethiopia", Month: "2025-10", Trends: []string{Unchanged},
				Summary: "Sample entry: tensions persisted in the north while talks between federal and regional leaders made no progress.",
				Link:    "https://www.crisisgroup.org/crisiswatch/october-2025#ethiopia"},
			{Name: "DR Congo", Slug: "dr-congo", Month: "2025-10", Trends: []string{Improved}, Alerts: []string{ResolutionOpportunity},
				Summary: "Sample entry: a ceasefire held in the east, opening a window for the peace process.\nInvented text: mediators scheduled a new round of talks.",
				Link:    "https://www.crisisgroup.org/crisiswatch/october-2025#dr-congo"},
			{Name: "Myanmar", Slug: "myanmar", Month: "2025-10", Trends: []string{Deteriorated},
				Summary: "Sample entry: air strikes on rebel-held areas increased ahead of planned elections.",
				Link:    "https://www.crisisgroup.org/crisiswatch/october-2025#myanmar"},
			{Name: "Korean Peninsula", Slug: "korean-peninsula", Month: "2025-10", Trends: []string{Unchanged},
				Summary: "Sample entry: missile tests continued without escalation.",
				Link:    "https://www.crisisgroup.org/crisiswatch/october-2025#korean-peninsula"},
		}},
		{page1File, page1URL, page2URL, []Entry{
			{Name: "Israel/Palestine", Slug: "israel-palestine", Month: "2025-10", Trends: []string{Deteriorated}, Alerts: []string{ConflictRiskAlert},
				Summary: "Sample entry: hostilities resumed after a short truce.",
				Link:    "https://www.crisisgroup.org/crisiswatch/october-2025#israel-palestine"},
			{Name: "Yemen", Slug: "yemen", Month: "2025-10", Trends: []string{Unchanged},
				Summary: "Sample entry: Houthis & government forces traded fire near front lines. The UN envoy said talks were “still possible” <sample> – a 5 > 3 majority of the council backed them.",
				Link:    "https://www.crisisgroup.org/crisiswatch/october-2025#yemen"},
			{Name: "Sudan", Slug: "sudan", Month: "2025-09", Trends: []string{Deteriorated},
				Summary: "Sample entry: attacks on displacement camps killed dozens.",
				Link:    "https://www.crisisgroup.org/crisiswatch/database?location%5B%5D=21"},
			{Name: "Colombia", Slug: "colombia", Month: "2025-09", Trends: []string{Improved},
				Summary: "Sample entry: talks with an armed group resumed and violence fell in the south west.",
				Link:    "https://www.crisisgroup.org/crisiswatch/september-2025#colombia"},
		}},
		{page2File, page2URL, "", []Entry{
			{Name: "Russia (Internal)", Slug: "russia-internal", Month: "2025-09", Trends: []string{Unchanged},
				Summary: "Sample entry: authorities continued to prosecute critics of the war.",
				Link:    "https://www.crisisgroup.org/crisiswatch/september-2025#russia-internal"},
			{Name: "Kashmir", Slug: "kashmir", Month: "2025-09", Trends: []string{Unchanged},
				Summary: "Sample entry: sporadic militant attacks continued.",
				Link:    "https://www.crisisgroup.org/crisiswatch/september-2025#kashmir"},
			{Name: "Haiti", Slug: "haiti", Month: "2025-09", Trends: []string{Deteriorated},
				Summary: "Sample entry: gangs expanded their control of the capital’s outskirts.",
				Link:    "https://www.crisisgroup.org/crisiswatch/september-2025#haiti"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			p, err := ParsePage(tt.url, readFile(t, tt.file))
			if err != nil {
				t.Fatalf("ParsePage(%q) error = %v", tt.url, err)
			}
			if diff := cmp.Diff(tt.want, p.Entries); diff != "" {
				t.Errorf("ParsePage(%q) entries (-want +got):\n%s", tt.url, diff)
			}
			if p.Next != tt.next {
				t.Errorf("ParsePage(%q).Next = %q, want %q", tt.url, p.Next, tt.next)
			}
		})
	}
}

// page wraps entries and a pager in a page of the listing's markup.
func page(body string) []byte {
	return []byte(`<!DOCTYPE html><html><body><div class="cw-database">` + body + `</div></body></html>`)
}

const sudan = `<div class="c-crisiswatch-entry u-pr" data-entry-country="sudan">
<h3 class="u-df u-aic"><span class="o-icon"><svg><use xlink:href="#deteriorated"></use></svg></span>Sudan</h3>
<time>October 2025</time><div class="o-crisis-states__detail"><p><strong>Fighting.</strong></p></div></div>`

func TestParsePageVariants(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		body  string
		want  []Entry
		next  string
		isErr error
	}{
		{
			name: "older markup: bracketed classes, no slug, use href without xlink",
			url:  DatabaseURL,
			body: `<div class="c-crisiswatch-entry [ o-container o-container--m u-pr ]">
				<h3 class="[ u-df u-aic ]"><span class="[ o-icon ]"><svg><use href="#improved"></use></svg></span>
				<span class="[ o-icon ]"><svg><use xlink:href="/themes/icons.svg#risk-alert"></use></svg></span> Mali </h3>
				<time class="u-ttu">Nov 2019</time>
				<div class="o-crisis-states__detail [ u-ptserif u-fs18 ]">Jihadist attacks
				continued.</div></div>`,
			want: []Entry{{Name: "Mali", Month: "2019-11", Trends: []string{Improved}, Alerts: []string{ConflictRiskAlert},
				Summary: "Jihadist attacks continued.", Link: "https://www.crisisgroup.org/crisiswatch/november-2019"}},
		},
		{
			// FuzzParsePage found it (testdata/fuzz/FuzzParsePage/34217b6ac0890bc2):
			// a NUL in a history link's query became U+FFFD, and a space
			// stayed, in a published link.
			name: "a history link that is no address a reader can follow is not the entry's link",
			url:  DatabaseURL,
			body: "<div class=\"c-crisiswatch-entry\"><h3 title=\"Unchanged Situation\">Chad</h3><time datetime=\"2024-02-01T00:00:00Z\">Feb. 2024</time>" +
				"<p><a href=\"/crisiswatch/database?location%5B%\x00 =21\">Chad's past entries</a></p></div>",
			want: []Entry{{Name: "Chad", Month: "2024-02", Trends: []string{Unchanged}, Link: "https://www.crisisgroup.org/crisiswatch/february-2024"}},
		},
		{
			name: "month from the datetime attribute",
			url:  DatabaseURL,
			body: `<div class="c-crisiswatch-entry"><h3 title="Unchanged Situation">Chad</h3><time datetime="2024-02-01T00:00:00Z">Feb. 2024</time></div>`,
			want: []Entry{{Name: "Chad", Month: "2024-02", Trends: []string{Unchanged}, Link: "https://www.crisisgroup.org/crisiswatch/february-2024"}},
		},
		{
			name: "month from the date heading above",
			url:  DatabaseURL,
			body: `<h2>March 2025</h2><h4>Africa</h4>
				<div class="c-crisiswatch-entry"><h3><span class="o-icon" aria-label="Deteriorated situation"></span>Niger</h3></div>`,
			want: []Entry{{Name: "Niger", Month: "2025-03", Trends: []string{Deteriorated}, Link: "https://www.crisisgroup.org/crisiswatch/march-2025"}},
		},
		{
			name: "the month strip's icons are not the entry's",
			url:  DatabaseURL,
			body: `<div class="c-crisiswatch-entry" data-entry-country="libya"><h3>Libya</h3><time>May 2025</time>
				<div class="o-crisis-states u-df"><div title="April 2025" class="o-state-entry"><a href="/crisiswatch/april-2025#libya">
				<span class="state-deteriorated"></span><span class="state-risk-alert"></span></a></div></div></div>`,
			want: []Entry{{Name: "Libya", Slug: "libya", Month: "2025-05", Link: "https://www.crisisgroup.org/crisiswatch/may-2025#libya"}},
		},
		{
			name: "next from the pager's words",
			url:  DatabaseURL + "?page=3",
			body: sudan + `<nav class="o-pagination"><a href="?page=2">‹ Previous</a> <a class="o-pagination__next" href="?page=4">Next</a></nav>`,
			next: DatabaseURL + "?page=4",
		},
		{
			name: "next from the page count alone",
			url:  DatabaseURL + "?created=-3+months&page=1",
			body: sudan + `<div class="o-pagination"><span class="u-franklin u-fsn">Page 2 of 5</span></div>`,
			next: DatabaseURL + "?created=-3+months&page=2",
		},
		{
			name: "last page by its count",
			url:  DatabaseURL + "?page=4",
			body: sudan + `<div class="o-pagination"><span>Page 5 of 5</span></div>`,
		},
		{
			name: "no entries",
			url:  DatabaseURL,
			body: `<p>No Results Found.</p>`,
		},
		{
			name:  "an entry without a name",
			url:   DatabaseURL,
			body:  `<div class="c-crisiswatch-entry"><h3><span class="o-icon"><svg><use xlink:href="#improved"></use></svg></span></h3><time>May 2025</time></div>`,
			isErr: ErrFormat,
		},
		{
			name:  "an entry without a month",
			url:   DatabaseURL,
			body:  `<div class="c-crisiswatch-entry"><h3>Chad</h3><time>last month</time></div>`,
			isErr: ErrFormat,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePage(tt.url, page(tt.body))
			if tt.isErr != nil {
				if !errors.Is(err, tt.isErr) {
					t.Fatalf("ParsePage() = %+v, %v; want an error wrapping %v", p, err, tt.isErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePage() error = %v", err)
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, p.Entries); diff != "" {
					t.Errorf("ParsePage() entries (-want +got):\n%s", diff)
				}
			}
			if p.Next != tt.next {
				t.Errorf("ParsePage().Next = %q, want %q", p.Next, tt.next)
			}
		})
	}
}

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"October 2025", "2025-10", true},
		{"  JANUARY\n 2004 ", "2004-01", true},
		{"Sept 2019", "2019-09", true},
		{"2025-05", "2025-05", true},
		{"2025-05-01", "2025-05", true},
		{"2025-13", "", false},
		{"Ma 2025", "", false},
		{"Africa", "", false},
		{"Outlook for This Month October 2025", "", false},
	}
	for _, tt := range tests {
		got, ok := parseMonth(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseMonth(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestState(t *testing.T) {
	tests := []struct {
		heading, want string
	}{
		{"Sudan", "SDN"},
		{"DR Congo", "COD"},
		{"Republic of Congo", "COG"},
		{"Russia (Internal)", "RUS"},
		{"Kosovo", "XKX"},
		{"Côte d’Ivoire", "CIV"},
		{"Israel/Palestine", ""},
		{"Nagorno-Karabakh (Azerbaijan)", ""},
		{"Korean Peninsula", ""},
		{"Nile Waters", ""},
		{"Kashmir", ""},
		{"European Union", ""},
	}
	for _, tt := range tests {
		c, ok := State(tt.heading)
		if c.ISO3 != tt.want || ok != (tt.want != "") {
			t.Errorf("State(%q) = %q, %v; want %q", tt.heading, c.ISO3, ok, tt.want)
		}
	}
}
