package generic

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"github.com/defence-transparency/publish/internal/collect"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
)

// htmlFormat reads records from web pages: one record per element the rows
// selector matches, and the next page from the link the next selector
// matches.
type htmlFormat struct {
	rows    cascadia.Selector
	nextSel cascadia.Selector // nil: one page per start URL
	max     int
	enc     encoding.Encoding
}

// htmlLoc is a compiled html locator.
type htmlLoc struct {
	sel  cascadia.Selector // nil: the row (or its table cell) itself
	attr string
	all  bool
	join string
	col  *colLoc // a cell of a table row, by header text or number
}

func decodeHTML(opts map[string]any) (*common, format, error) {
	var o htmlOptions
	if err := collect.DecodeOptions(opts, &o); err != nil {
		return nil, nil, err
	}
	f := &htmlFormat{}
	var err error
	if o.Rows == "" {
		return nil, nil, fmt.Errorf("options.rows: give the CSS selector of one record, e.g. \"table.reports tbody tr\"")
	}
	if f.rows, err = compileSelector("options.rows", o.Rows); err != nil {
		return nil, nil, err
	}
	if o.Next != "" {
		if f.nextSel, err = compileSelector("options.next", o.Next); err != nil {
			return nil, nil, err
		}
	}
	if f.max, err = pageCap(o.MaxPages, f.nextSel != nil); err != nil {
		return nil, nil, err
	}
	if f.enc, err = textEncoding(o.Encoding); err != nil {
		return nil, nil, fmt.Errorf("options.encoding: %w", err)
	}
	return &o.common, f, nil
}

func compileSelector(at, s string) (cascadia.Selector, error) {
	sel, err := cascadia.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("%s: CSS selector %q: %v", at, s, err)
	}
	return sel, nil
}

func locateHTML(s *fieldSpec) (any, bool, error) {
	col, inCell, err := locateColumn(s)
	if err != nil {
		return nil, false, err
	}
	if s.Selector == nil && s.Attr == "" && !inCell {
		return nil, false, nil
	}
	loc := &htmlLoc{attr: s.Attr, all: s.All, join: "; ", col: col}
	if s.Join != nil {
		if !s.All {
			return nil, false, fmt.Errorf("join: set only with all = true")
		}
		loc.join = *s.Join
	}
	if s.Selector != nil && *s.Selector != "" {
		if loc.sel, err = compileSelector("selector", *s.Selector); err != nil {
			return nil, false, err
		}
	}
	// With neither selector nor column, attr reads the row's own
	// attribute.
	return loc, true, nil
}

func (f *htmlFormat) maxPages() int { return f.max }

func (f *htmlFormat) first(start string) (string, error) { return start, nil }

// parse reads a page as HTML once; records and next share it.
func (f *htmlFormat) parse(p *page) (*goquery.Document, error) {
	if d, ok := p.cache.(*goquery.Document); ok {
		return d, nil
	}
	// Without an encoding option the fetcher has decoded the page to
	// UTF-8 (see config.text); decodeText checks it is.
	body, err := decodeText(p.doc.Body, f.enc)
	if err != nil {
		return nil, err
	}
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("read HTML: %v: %w", err, ErrFormat)
	}
	p.cache = d
	return d, nil
}

func (f *htmlFormat) next(p *page) (string, error) {
	if f.nextSel == nil {
		return "", nil
	}
	d, err := f.parse(p)
	if err != nil {
		return "", err
	}
	a := d.FindMatcher(goquery.SingleMatcher(f.nextSel))
	if a.Length() == 0 {
		return "", nil
	}
	href, ok := a.Attr("href")
	if !ok {
		return "", fmt.Errorf("options.next matches a <%s> without href: %w", goquery.NodeName(a), ErrFormat)
	}
	return resolveNext(p.doc, href)
}

func (f *htmlFormat) records(_ context.Context, p *page) ([]record, error) {
	d, err := f.parse(p)
	if err != nil {
		return nil, err
	}
	rows := d.FindMatcher(f.rows)
	if rows.Length() == 0 {
		return nil, fmt.Errorf("options.rows matches nothing: %w", ErrNoRecords)
	}
	doc := &htmlDoc{url: p.doc.URL, base: p.base(), headers: map[*html.Node]*header{}}
	if b, ok := d.Find("base[href]").First().Attr("href"); ok {
		if u, err := resolveNext(p.doc, b); err == nil && u != "" {
			doc.base, _ = url.Parse(u)
		}
	}
	recs := make([]record, 0, rows.Length())
	rows.Each(func(i int, s *goquery.Selection) {
		recs = append(recs, &htmlRecord{row: s, doc: doc, n: i + 1})
	})
	return recs, nil
}

// htmlDoc is what the records of one page share.
type htmlDoc struct {
	url     string
	base    *url.URL
	headers map[*html.Node]*header // by table
}

type htmlRecord struct {
	row *goquery.Selection
	doc *htmlDoc
	n   int
}

func (r *htmlRecord) where() string  { return fmt.Sprintf("%s row %d", r.doc.url, r.n) }
func (r *htmlRecord) base() *url.URL { return r.doc.base }

func (r *htmlRecord) lookup(_ context.Context, l any) (string, error) {
	loc := l.(*htmlLoc)
	s := r.row
	if loc.col != nil {
		cells := s.ChildrenFiltered("td, th")
		i := loc.col.index
		if i < 0 {
			h, err := r.header()
			if err != nil {
				return "", err
			}
			if i, err = h.resolve(loc.col); err != nil {
				return "", err
			}
		}
		if i >= cells.Length() {
			return "", nil
		}
		s = cells.Eq(i)
	}
	if loc.sel != nil {
		if loc.all {
			s = s.FindMatcher(loc.sel)
		} else {
			s = s.FindMatcher(goquery.SingleMatcher(loc.sel))
		}
	}
	var vals []string
	s.EachWithBreak(func(_ int, n *goquery.Selection) bool {
		var v string
		if loc.attr != "" {
			v = strings.TrimSpace(n.AttrOr(loc.attr, ""))
		} else {
			v = collect.OneLine(collect.NodeText(n.Nodes[0]))
		}
		if v != "" {
			vals = append(vals, v)
		}
		return loc.all
	})
	return strings.Join(vals, loc.join), nil
}

// header returns the column headers of the row's table: the cells of its
// thead's last row, else of its first row of th cells.
func (r *htmlRecord) header() (*header, error) {
	table := r.row.Closest("table")
	if table.Length() == 0 {
		return nil, fmt.Errorf("a column needs rows in a table, and row %d is in none: %w", r.n, ErrFormat)
	}
	if h, ok := r.doc.headers[table.Nodes[0]]; ok {
		return h, nil
	}
	hr := table.Find("thead tr").Last()
	if hr.Length() == 0 {
		table.Find("tr").EachWithBreak(func(_ int, tr *goquery.Selection) bool {
			if tr.ChildrenFiltered("th").Length() > 0 {
				hr = tr
				return false
			}
			return true
		})
	}
	var names []string
	hr.ChildrenFiltered("td, th").Each(func(_ int, c *goquery.Selection) {
		names = append(names, collect.OneLine(collect.NodeText(c.Nodes[0])))
	})
	if len(names) == 0 {
		return nil, fmt.Errorf("the table of row %d has no header row: %w", r.n, ErrFormat)
	}
	h := newHeader(names)
	r.doc.headers[table.Nodes[0]] = h
	return h, nil
}
