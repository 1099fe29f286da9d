package generic

import (
	"cmp"
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
// Records are mapped as they are read, and each row goes straight into the
// table, so that a file of millions of lines is held once, as the table,
// rather than also as records and rows.
func (cfg *config) table(ctx context.Context, pages []*page) (*dataset.Table, error) {
	name, shapeName := cfg.src.Name, cfg.shape
	fail := func(err error) (*dataset.Table, error) {
		return nil, fmt.Errorf("generic: %s: source %q: %w", shapeName, name, err)
	}
	s := cfg.m.schema
	src := s.Index(dataset.SourceField)
	b := dataset.NewBuilder(s)
	var where []place // each row's, to name in errors
	add := func(o *out) error {
		if src >= 0 {
			o.vals[src] = name
		}
		for i, f := range s.Fields {
			b.Text(f.Name, o.vals[i])
		}
		if err := b.Add(); err != nil {
			return fmt.Errorf("%s: %w: %w", o.at, err, ErrValue)
		}
		where = append(where, o.at)
		return nil
	}
	var comp *completer
	if cfg.m.complete != nil {
		comp = cfg.m.completer(name)
	}
	r := newRow(cfg.m, name, nil)
	each := func(rec record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.reset(rec)
		skip, err := r.skipped(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", rec.where(), err)
		}
		if skip {
			return nil
		}
		o, err := r.values(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", rec.where(), err)
		}
		if comp != nil {
			if keep, err := comp.add(o); !keep || err != nil {
				return err
			}
		}
		return add(o)
	}
	for k, p := range pages {
		pages[k] = nil // its body can go once its rows are made
		var err error
		if st, ok := cfg.form.(streamer); ok {
			// Each record is done with when each returns.
			err = st.each(ctx, p, true, each)
		} else {
			var recs []record
			recs, err = cfg.form.records(ctx, p)
			for k := 0; err == nil && k < len(recs); k++ {
				rec := recs[k]
				recs[k] = nil // what the row needs it keeps; the rest can go
				err = each(rec)
			}
		}
		p.cache = nil // the rows hold what they need
		if err != nil {
			if ctx.Err() != nil {
				return fail(ctx.Err())
			}
			return fail(fmt.Errorf("%s: %w", p.doc.URL, err))
		}
	}
	if comp != nil {
		if err := comp.rows(ctx, add); err != nil {
			return fail(err)
		}
	}
	tab, err := b.Table()
	if err != nil {
		return fail(err)
	}
	if tab, err = uniqueRows(ctx, tab, where); err != nil {
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

// streamer is a format that can pass a page's records one at a time
// instead of returning them all (see csvFormat.each).
type streamer interface {
	each(ctx context.Context, p *page, reuse bool, yield func(record) error) error
}

// uniqueRows returns t with each primary key once; where says where each
// row was read. A listing read page by page shows a record twice when a
// new one pushes it to the next page between two fetches: a row equal to
// one before it is left out, with a warning; a row whose key an earlier row
// of other values holds is an error naming both, since which one is right
// cannot be told. Rows are equal when every field's value is, as the
// datasets compare them (numbers by value, not by how they were written).
func uniqueRows(ctx context.Context, t *dataset.Table, where []place) (*dataset.Table, error) {
	key := t.Schema.KeyIndex()
	if len(key) == 0 || t.IsSorted() {
		return t, nil
	}
	order := t.KeyOrder() // rows of one key in the order they were read
	type repeat struct{ first, row int }
	var repeats []repeat
	for k := 1; k < len(order); k++ {
		i, j := order[k-1], order[k]
		if dataset.CompareKey(t, i, t, j) == 0 {
			repeats = append(repeats, repeat{i, j})
			order[k] = i // a key's later rows all compare with its first
		}
	}
	if len(repeats) == 0 {
		return t, nil
	}
	// In the order they were read, as a reader of the documents meets them.
	slices.SortFunc(repeats, func(a, b repeat) int { return cmp.Compare(a.row, b.row) })
	drop := make([]bool, t.Len())
	for _, r := range repeats {
		parts := make([]string, len(key))
		for n, c := range key {
			parts[n] = t.Text(r.row, c)
		}
		if !sameRow(t, r.first, r.row) {
			return nil, fmt.Errorf("%s and %s both give %s = %s, with other values: %w",
				where[r.first], where[r.row], strings.Join(t.Schema.PrimaryKey, ", "), strings.Join(parts, ", "), ErrValue)
		}
		collect.Warn(ctx, "%s repeats %s (%s); left out", where[r.row], where[r.first], strings.Join(parts, ", "))
		drop[r.row] = true
	}
	return t.Filter(func(i int) bool { return !drop[i] }), nil
}

// sameRow reports whether rows i and j of t hold the same values.
func sameRow(t *dataset.Table, i, j int) bool {
	for c := range t.Schema.Fields {
		if dataset.CompareField(t, i, t, j, c) != 0 {
			return false
		}
	}
	return true
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
