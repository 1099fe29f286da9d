package att

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Header texts, compared in lower case with white space squashed.
var (
	stateHeader   = regexp.MustCompile(`\b(state|country)\b`)
	yearHeader    = regexp.MustCompile(`\byear\b`)
	dateHeader    = regexp.MustCompile(`\b(date|submitted|received|submission)\b`)
	reportHeader  = regexp.MustCompile(`\b(report|document|file)s?\b`)
	forceHeader   = regexp.MustCompile(`entry into force`)
	depositHeader = regexp.MustCompile(`\b(deposit|ratification|accession|acceptance|approval)\b`)
	// notPublic is how a row says the state kept its report from the
	// public area of the website.
	notPublic = regexp.MustCompile(`(?i)\b(not public|non-public|not publicly available|private|restricted|confidential)\b`)
	nilReport = regexp.MustCompile(`(?i)\bnil\b`)
)

// htmlTable is an HTML table read as header texts and rows of cells.
type htmlTable struct {
	header []string
	rows   []*goquery.Selection // each row's cells
}

// tables returns the tables of an HTML document: the header is the
// thead's last row, else the first row holding th cells.
func tables(body []byte) ([]htmlTable, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("read html: %w", err)
	}
	var out []htmlTable
	doc.Find("table").Each(func(_ int, t *goquery.Selection) {
		var tab htmlTable
		hrow := t.Find("thead tr").Last()
		if hrow.Length() == 0 {
			hrow = t.Find("tr").FilterFunction(func(_ int, r *goquery.Selection) bool { return r.Find("th").Length() > 0 }).First()
		}
		hrow.Find("th, td").Each(func(_ int, c *goquery.Selection) {
			tab.header = append(tab.header, squash(strings.ToLower(c.Text())))
		})
		t.Find("tr").Each(func(_ int, r *goquery.Selection) {
			if r.Find("th").Length() > 0 && r.Find("td").Length() == 0 {
				return // a header row
			}
			if cells := r.Find("td"); cells.Length() > 0 {
				tab.rows = append(tab.rows, cells)
			}
		})
		out = append(out, tab)
	})
	return out, nil
}

// column returns the position of the first header matching re, or -1.
func (t *htmlTable) column(re *regexp.Regexp, except ...int) int {
	for i, h := range t.header {
		if re.MatchString(h) && !contains(except, i) {
			return i
		}
	}
	return -1
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// cell returns the i-th cell of a row, or an empty selection.
func cell(row *goquery.Selection, i int) *goquery.Selection {
	if i < 0 {
		return &goquery.Selection{}
	}
	return row.Eq(i)
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// ParseReports reads the listing of annual reports; base is the page's
// address, against which links resolve. Each row names a State Party and
// a year; its report cell links the report's file when it is public.
func ParseReports(body []byte, base string) ([]Report, error) {
	tabs, err := tables(body)
	if err != nil {
		return nil, err
	}
	b, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("base %q: %w", base, err)
	}
	for _, t := range tabs {
		si, yi := t.column(stateHeader), t.column(yearHeader)
		if si < 0 || yi < 0 || t.column(forceHeader) >= 0 {
			continue
		}
		di := t.column(dateHeader, yi)
		ri := t.column(reportHeader, si, yi, di)
		var out []Report
		for n, row := range t.rows {
			state := squash(cell(row, si).Text())
			y, ok := year(cell(row, yi).Text())
			if state == "" || !ok {
				return nil, fmt.Errorf("annual reports row %d: state %q, year %q: %w", n+1, state, squash(cell(row, yi).Text()), ErrFormat)
			}
			r := Report{State: state, Year: y}
			if di >= 0 {
				if s := squash(cell(row, di).Text()); s != "" {
					d, err := date(s)
					if err != nil {
						return nil, fmt.Errorf("annual reports row %d (%s %d): %w", n+1, state, y, err)
					}
					r.Submitted = d
				}
			}
			var cells []string
			row.Each(func(_ int, c *goquery.Selection) { cells = append(cells, c.Text()) })
			text := squash(strings.Join(cells, " "))
			r.Nil = nilReport.MatchString(text)
			rc := row
			if ri >= 0 {
				rc = cell(row, ri)
			}
			if href, ok := rc.Find("a[href]").First().Attr("href"); ok && !notPublic.MatchString(text) {
				u, err := b.Parse(strings.TrimSpace(href))
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
					return nil, fmt.Errorf("annual reports row %d (%s %d): link %q is not http(s): %w", n+1, state, y, href, ErrFormat)
				}
				r.Public, r.Link = true, u.String()
			}
			out = append(out, r)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("the table of annual reports has no row: %w", ErrFormat)
		}
		return out, nil
	}
	return nil, fmt.Errorf("no table with a state and a year column: %w", ErrFormat)
}

// ParseParties reads the list of States Parties: each row with an entry
// into force (or a deposit, ninety days before it) is a party; a row
// without one is a signatory only, and left out.
func ParseParties(body []byte) ([]Party, error) {
	tabs, err := tables(body)
	if err != nil {
		return nil, err
	}
	for _, t := range tabs {
		si := t.column(stateHeader)
		fi, di := t.column(forceHeader), t.column(depositHeader)
		if si < 0 || fi < 0 && di < 0 {
			continue
		}
		var out []Party
		for n, row := range t.rows {
			state := squash(cell(row, si).Text())
			if state == "" {
				return nil, fmt.Errorf("States Parties row %d: no state: %w", n+1, ErrFormat)
			}
			var force time.Time
			if fi >= 0 {
				if s := squash(cell(row, fi).Text()); s != "" {
					d, err := day(s)
					if err != nil {
						return nil, fmt.Errorf("States Parties row %d (%s): entry into force: %w", n+1, state, err)
					}
					force = d
				}
			}
			if force.IsZero() && di >= 0 {
				if s := squash(cell(row, di).Text()); s != "" {
					d, err := day(s)
					if err != nil {
						return nil, fmt.Errorf("States Parties row %d (%s): deposit: %w", n+1, state, err)
					}
					force = d.AddDate(0, 0, 90) // Article 22(2)
					if force.Before(EntryIntoForce) {
						force = EntryIntoForce // Article 22(1)
					}
				}
			}
			if force.IsZero() {
				continue // signed only
			}
			out = append(out, Party{State: state, Force: force})
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("the list of States Parties has no party: %w", ErrFormat)
		}
		return out, nil
	}
	return nil, fmt.Errorf("no table with a state and an entry-into-force or deposit column: %w", ErrFormat)
}

// layouts are the ways the pages write a day.
var layouts = []string{"2006-01-02", "02/01/2006", "2/1/2006", "2 January 2006", "2 Jan 2006", "January 2, 2006", "02.01.2006"}

// day reads a date in one of layouts; a trailing note in brackets, such as
// "(a)" for an accession, is ignored.
func day(s string) (time.Time, error) {
	if i := strings.IndexAny(s, "(["); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is a date in none of the forms %s: %w", s, strings.Join(layouts, ", "), ErrFormat)
}

// date reads a day as YYYY-MM-DD.
func date(s string) (string, error) {
	t, err := day(s)
	if err != nil {
		return "", err
	}
	return t.Format("2006-01-02"), nil
}
