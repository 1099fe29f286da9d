package generic

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// page is one fetched document of a listing.
type page struct {
	doc    *collect.Document
	source string // the source's name, for warnings
	start  string // the start URL of its listing
	n      int    // its number in the listing, from 1
	limit  int64  // the most the document may unpack to (a workbook)
	// cache holds the parsed document, so that finding the next page
	// and reading the records parse it once.
	cache any
}

// text reports whether the source's documents are text that the fetcher
// decodes to UTF-8 by what they declare (collect.Text): every shape's but a
// workbook's, unless the source's encoding option names their charset.
func (cfg *config) text() bool {
	switch f := cfg.form.(type) {
	case *xlsxFormat:
		return false
	case *csvFormat:
		return f.enc == nil
	case *htmlFormat:
		return f.enc == nil
	}
	return true
}

// base returns the URL that relative links in the page resolve against;
// nil when it is not one.
func (p *page) base() *url.URL {
	u, _ := url.Parse(p.doc.Base())
	return u
}

// onePage is the pagination of the formats that read one document per
// URL.
type onePage struct{}

func (onePage) maxPages() int                      { return 1 }
func (onePage) first(start string) (string, error) { return start, nil }
func (onePage) next(*page) (string, error)         { return "", nil }

// defaultMaxPages is the page cap where a source sets none.
const defaultMaxPages = 50

// pageCap checks a max_pages setting and returns the cap it means.
func pageCap(n int, paginated bool) (int, error) {
	switch {
	case n < 0 || n > 100000:
		return 0, fmt.Errorf("options.max_pages: %d, want 1 to 100000", n)
	case n > 0 && !paginated:
		return 0, fmt.Errorf("options.max_pages: set only with a way to the next page")
	case !paginated:
		return 1, nil
	case n == 0:
		return defaultMaxPages, nil
	}
	return n, nil
}

// fetchAll fetches every start URL of the source and the pages that follow
// each. It returns an error wrapping collect.ErrUnchanged when every page
// came back not modified.
func (cfg *config) fetchAll(ctx context.Context, f collect.Fetcher) ([]*page, error) {
	if cfg.text() {
		f = collect.TextFetcher{Next: f}
	}
	name := cfg.src.Name
	var pages []*page
	var fetched collect.Unchanged
	for _, start := range cfg.src.URLs {
		seen := map[string]bool{}
		u, err := cfg.form.first(start)
		if err != nil {
			return nil, fmt.Errorf("generic: source %q: %s: %w", name, start, err)
		}
		for n := 1; ; n++ {
			seen[u] = true
			d, err := fetched.Fetch(ctx, f, u)
			if err != nil {
				return nil, fmt.Errorf("generic: source %q: fetch %s: %w", name, u, err)
			}
			if d == nil {
				// Without the body the listing cannot be followed;
				// an unchanged first page stands for the listing.
				break
			}
			p := &page{doc: d, source: name, start: start, n: n, limit: cfg.src.UnpackLimit()}
			pages = append(pages, p)
			next, err := cfg.form.next(p)
			if err != nil {
				return nil, fmt.Errorf("generic: source %q: %s: %w", name, d.URL, err)
			}
			if next == "" || seen[next] {
				break
			}
			if n >= cfg.form.maxPages() {
				return nil, fmt.Errorf("generic: source %q: %s is page %d, and it links to %s: raise options.max_pages: %w",
					name, d.URL, n, next, ErrPageCap)
			}
			u = next
		}
	}
	if fetched.All() {
		return nil, fmt.Errorf("generic: source %q: %w", name, collect.ErrUnchanged)
	}
	// Some pages changed, so the whole source is read again, and every
	// body is needed.
	if err := fetched.Missing(); err != nil {
		return nil, fmt.Errorf("generic: source %q: %w", name, err)
	}
	return pages, nil
}

// table reads the records of every page and makes the source's rows.
func (cfg *config) table(ctx context.Context, pages []*page) (*dataset.Table, error) {
	name, shapeName := cfg.src.Name, cfg.shape
	fail := func(err error) (*dataset.Table, error) {
		return nil, fmt.Errorf("generic: %s: source %q: %w", shapeName, name, err)
	}
	var rows []*out
	for _, p := range pages {
		recs, err := cfg.form.records(ctx, p)
		p.cache = nil // the records hold what they need
		if err != nil {
			return fail(fmt.Errorf("%s: %w", p.doc.URL, err))
		}
		for k, rec := range recs {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			recs[k] = nil // what the row needs it keeps; the rest can go
			r := newRow(cfg.m, name, rec)
			skip, err := r.skipped(ctx)
			if err != nil {
				return fail(fmt.Errorf("%s: %w", rec.where(), err))
			}
			if skip {
				continue
			}
			o, err := r.values(ctx)
			if err != nil {
				return fail(fmt.Errorf("%s: %w", rec.where(), err))
			}
			rows = append(rows, o)
		}
	}
	if cfg.m.complete != nil {
		var err error
		if rows, err = cfg.m.completeRows(ctx, name, rows); err != nil {
			return fail(err)
		}
	}
	s := cfg.m.schema
	rows, err := uniqueRows(ctx, s, rows)
	if err != nil {
		return fail(err)
	}
	src := s.Index(dataset.SourceField)
	b := dataset.NewBuilder(s)
	where := make([]string, len(rows)) // each row's place, to name in errors
	for k, o := range rows {
		rows[k] = nil // the builder keeps its own copy of the values
		where[k] = o.where
		if src >= 0 {
			o.vals[src] = name
		}
		for i, f := range s.Fields {
			b.Text(f.Name, o.vals[i])
		}
		if err := b.Add(); err != nil {
			return fail(fmt.Errorf("%s: %w: %w", o.where, err, ErrValue))
		}
	}
	tab, err := b.Table()
	if err != nil {
		return fail(err)
	}
	// The pipeline validates the table too, but cannot say where in the
	// documents a value out of range came from.
	var ve *dataset.ValidationError
	if err := dataset.Validate(tab); errors.As(err, &ve) && len(ve.Problems) > 0 && ve.Problems[0].Row >= 0 {
		p := ve.Problems[0]
		more := ""
		if ve.Count > 1 {
			more = fmt.Sprintf(" (and %d more problems)", ve.Count-1)
		}
		return fail(fmt.Errorf("%s: %s %q: %s%s: %w", where[p.Row], p.Field, p.Value, p.Message, more, ErrValue))
	} else if err != nil {
		return fail(fmt.Errorf("%w: %w", err, ErrValue))
	}
	return tab, nil
}

// uniqueRows returns rows with each primary key once. A listing read page by
// page shows a record twice when a new one pushes it to the next page
// between two fetches: a row equal to one before it is left out, with a
// warning; a row whose key an earlier row of other values holds is an error
// naming both, since which one is right cannot be told.
func uniqueRows(ctx context.Context, s *dataset.Schema, rows []*out) ([]*out, error) {
	key := s.KeyIndex()
	if len(key) == 0 {
		return rows, nil
	}
	first := make(map[string]*out, len(rows))
	kept := rows[:0:0]
	for _, o := range rows {
		parts := make([]string, len(key))
		for i, k := range key {
			parts[i] = o.vals[k]
		}
		k := strings.Join(parts, "\x00")
		prev, dup := first[k]
		switch {
		case !dup:
			first[k] = o
			kept = append(kept, o)
		case slices.Equal(prev.vals, o.vals):
			collect.Warn(ctx, "%s repeats %s (%s); left out", o.where, prev.where, strings.Join(parts, ", "))
		default:
			return nil, fmt.Errorf("%s and %s both give %s = %s, with other values: %w",
				prev.where, o.where, strings.Join(s.PrimaryKey, ", "), strings.Join(parts, ", "), ErrValue)
		}
	}
	return kept, nil
}

// resolveNext resolves a next-page link against the page's URL. A link
// from a web page must lead to the web; one from a local file may lead to
// another local file.
func resolveNext(d *collect.Document, href string) (string, error) {
	href = strings.TrimSpace(href)
	if href == "" {
		return "", nil
	}
	base, err := url.Parse(d.Base())
	if err != nil {
		return "", fmt.Errorf("page URL %q: %w", d.Base(), err)
	}
	u, err := base.Parse(href)
	if err != nil {
		return "", fmt.Errorf("next page %q: %w: %w", href, err, ErrFormat)
	}
	u.Fragment = ""
	ok := u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file" && base.Scheme == "file"
	if !ok {
		return "", fmt.Errorf("next page %q: want an http(s) address: %w", href, ErrFormat)
	}
	return u.String(), nil
}
