package generic

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
)

// jsonFormat reads a JSON document: one record per value the records path
// reaches; pages follow a next-page URL in the document, or a page-number
// query parameter until a stop rule says the listing ended.
type jsonFormat struct {
	recordsPath jsonPath
	keepEmpty   bool
	nextPath    *jsonPath // a path to the next page's URL
	// page-number pagination
	pageParam, perPageParam string
	firstPage, perPage      int
	stop                    string    // "empty" or "short"
	total                   *jsonPath // the number of pages
	max                     int
}

func decodeJSON(opts map[string]any) (*common, format, error) {
	var o jsonOptions
	if err := collect.DecodeOptions(opts, &o); err != nil {
		return nil, nil, err
	}
	f := &jsonFormat{keepEmpty: o.KeepEmpty, pageParam: o.PageParam, perPageParam: o.PerPageParam, perPage: o.PerPage,
		firstPage: 1, stop: o.Stop}
	var err error
	if o.Records == "" {
		return nil, nil, fmt.Errorf("options.records: give the path to the records, e.g. \"data.items[]\" (\".\" for the whole document)")
	}
	if f.recordsPath, err = parseJSONPath(o.Records, false); err != nil {
		return nil, nil, fmt.Errorf("options.records: %w", err)
	}
	paged := o.PageParam != ""
	if o.Next != "" {
		if paged {
			return nil, nil, fmt.Errorf("options: set next or page_param, not both")
		}
		p, err := parseJSONPath(o.Next, false)
		if err != nil {
			return nil, nil, fmt.Errorf("options.next: %w", err)
		}
		f.nextPath = &p
	}
	if !paged {
		for _, k := range []struct {
			set  bool
			name string
		}{{o.FirstPage != nil, "first_page"}, {o.PerPageParam != "", "per_page_param"}, {o.PerPage != 0, "per_page"},
			{o.Stop != "", "stop"}, {o.TotalPages != "", "total_pages"}} {
			if k.set {
				return nil, nil, fmt.Errorf("options.%s: set only with page_param", k.name)
			}
		}
	} else {
		if o.FirstPage != nil {
			f.firstPage = *o.FirstPage
		}
		if (o.PerPageParam == "") != (o.PerPage == 0) {
			return nil, nil, fmt.Errorf("options: set per_page_param and per_page together")
		}
		if o.PerPage < 0 {
			return nil, nil, fmt.Errorf("options.per_page: %d, want 1 or more", o.PerPage)
		}
		switch o.Stop {
		case "":
			f.stop = "empty"
		case "empty":
		case "short":
			if o.PerPage == 0 {
				return nil, nil, fmt.Errorf("options.stop: short needs per_page")
			}
		default:
			return nil, nil, fmt.Errorf("options.stop: %q, want empty or short", o.Stop)
		}
		if o.TotalPages != "" {
			if o.Stop != "" {
				return nil, nil, fmt.Errorf("options: set stop or total_pages, not both")
			}
			p, err := parseJSONPath(o.TotalPages, false)
			if err != nil {
				return nil, nil, fmt.Errorf("options.total_pages: %w", err)
			}
			f.total, f.stop = &p, ""
		}
	}
	if f.max, err = pageCap(o.MaxPages, paged || f.nextPath != nil); err != nil {
		return nil, nil, err
	}
	return &o.common, f, nil
}

func locateJSON(s *fieldSpec) (any, bool, error) {
	if s.Path == "" {
		if s.Join != nil {
			return nil, false, fmt.Errorf("join: set only with path")
		}
		return nil, false, nil
	}
	p, err := parseJSONPath(s.Path, true)
	if err != nil {
		return nil, false, fmt.Errorf("path: %w", err)
	}
	loc := &jsonLoc{path: p, join: "; "}
	if s.Join != nil {
		loc.join = *s.Join
	}
	return loc, true, nil
}

type jsonLoc struct {
	path jsonPath
	join string
}

func (f *jsonFormat) maxPages() int { return f.max }

func (f *jsonFormat) first(start string) (string, error) {
	if f.pageParam == "" {
		return start, nil
	}
	return f.pageURL(start, f.firstPage)
}

// pageURL returns start with the page parameters set for page n.
func (f *jsonFormat) pageURL(start string, n int) (string, error) {
	u, err := url.Parse(start)
	if err != nil {
		return "", fmt.Errorf("url %q: %w", start, err)
	}
	q := u.Query()
	q.Set(f.pageParam, strconv.Itoa(n))
	if f.perPageParam != "" {
		q.Set(f.perPageParam, strconv.Itoa(f.perPage))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// root decodes a page once, for records and next to share, and returns
// its top value.
func (f *jsonFormat) root(p *page) (*jnode, error) {
	if n, ok := p.cache.(*jnode); ok {
		return n, nil
	}
	d := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(p.doc.Body, utf8BOM)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("not JSON: %v: %w", err, ErrFormat)
	}
	if d.More() {
		return nil, fmt.Errorf("not JSON: more after the first value: %w", ErrFormat)
	}
	n := &jnode{val: v}
	p.cache = n
	return n, nil
}

// nodes returns the records of a page.
func (f *jsonFormat) nodes(p *page) ([]*jnode, error) {
	root, err := f.root(p)
	if err != nil {
		return nil, err
	}
	return f.recordsPath.walk(root, f.keepEmpty)
}

func (f *jsonFormat) next(p *page) (string, error) {
	if f.nextPath == nil && f.pageParam == "" {
		return "", nil
	}
	root, err := f.root(p)
	if err != nil {
		return "", err
	}
	if f.nextPath != nil {
		n, err := f.nextPath.values(root)
		if err != nil {
			return "", fmt.Errorf("options.next: %w", err)
		}
		if len(n) == 0 {
			return "", nil
		}
		s, ok := n[0].(string)
		if !ok {
			return "", fmt.Errorf("options.next: the next page is %s, want a URL string: %w", kind(n[0]), ErrFormat)
		}
		return resolveNext(p.doc, s)
	}
	number := f.firstPage + p.n - 1
	if f.total != nil {
		n, err := f.total.values(root)
		if err != nil || len(n) == 0 {
			return "", fmt.Errorf("options.total_pages: no number of pages in the document: %w", ErrFormat)
		}
		total, err := strconv.Atoi(strings.TrimSpace(scalarText(n[0])))
		if err != nil {
			return "", fmt.Errorf("options.total_pages: %s is not a number of pages: %w", scalarText(n[0]), ErrFormat)
		}
		if number >= total {
			return "", nil
		}
		return f.pageURL(p.start, number+1)
	}
	recs, err := f.nodes(p)
	if err != nil {
		return "", err
	}
	switch f.stop {
	case "empty":
		if len(recs) == 0 {
			return "", nil
		}
	case "short":
		if len(recs) < f.perPage {
			return "", nil
		}
	}
	return f.pageURL(p.start, number+1)
}

func (f *jsonFormat) records(_ context.Context, p *page) ([]record, error) {
	nodes, err := f.nodes(p)
	if err != nil {
		return nil, err
	}
	if len(nodes) == 0 {
		if f.stop == "empty" && p.n > 1 {
			return nil, nil // the empty page that ends the listing
		}
		return nil, fmt.Errorf("options.records %q reaches nothing: %w", f.recordsPath.text, ErrNoRecords)
	}
	recs := make([]record, len(nodes))
	base := p.base()
	for i, n := range nodes {
		recs[i] = &jsonRecord{node: n, at: fmt.Sprintf("%s record %d", p.doc.URL, i+1), url: base}
	}
	return recs, nil
}

type jsonRecord struct {
	node *jnode
	at   string
	url  *url.URL
}

func (r *jsonRecord) where() string  { return r.at }
func (r *jsonRecord) base() *url.URL { return r.url }

func (r *jsonRecord) lookup(_ context.Context, l any) (string, error) {
	loc := l.(*jsonLoc)
	vals, err := loc.path.values(r.node)
	if err != nil {
		return "", err
	}
	var out []string
	for _, v := range vals {
		switch x := v.(type) {
		case map[string]any:
			return "", fmt.Errorf("path %q reaches an object, want a value: %w", loc.path.text, ErrFormat)
		case []any:
			for _, e := range x {
				if _, ok := e.(map[string]any); ok {
					return "", fmt.Errorf("path %q reaches an array of objects, want values: %w", loc.path.text, ErrFormat)
				}
				if s := scalarText(e); s != "" {
					out = append(out, s)
				}
			}
		default:
			if s := scalarText(x); s != "" {
				out = append(out, s)
			}
		}
	}
	return strings.Join(out, loc.join), nil
}

// scalarText returns a JSON scalar as text: numbers as written, booleans
// as true or false, null as "".
func scalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// jnode is a value in a JSON document with the values that hold it, so
// that ^ reaches the object around a record.
type jnode struct {
	val any
	up  *jnode
}

// jsonPath is a parsed path: keys separated by dots, [n] indexing an
// array, [] iterating one, ^ moving to the object that holds the current
// one. "." is the value itself.
type jsonPath struct {
	text  string
	steps []jstep
}

type jstep struct {
	op  byte // 'k' key, 'i' index, '*' iterate, '^' parent
	key string
	idx int
}

// parseJSONPath parses a path; parents allows ^, which only field paths
// may use.
func parseJSONPath(s string, parents bool) (jsonPath, error) {
	p := jsonPath{text: s}
	if s == "." {
		return p, nil
	}
	rest := s
	for {
		switch {
		case rest == "":
			return p, fmt.Errorf("%q: empty step", s)
		case rest[0] == '^':
			if !parents {
				return p, fmt.Errorf("%q: ^ belongs to field paths", s)
			}
			p.steps = append(p.steps, jstep{op: '^'})
			rest = rest[1:]
		case rest[0] != '[':
			i := strings.IndexAny(rest, ".[^")
			if i < 0 {
				i = len(rest)
			}
			if i == 0 {
				return p, fmt.Errorf("%q: empty key", s)
			}
			p.steps = append(p.steps, jstep{op: 'k', key: rest[:i]})
			rest = rest[i:]
		}
		for strings.HasPrefix(rest, "[") {
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return p, fmt.Errorf("%q: [ without ]", s)
			}
			in := rest[1:j]
			if in == "" {
				p.steps = append(p.steps, jstep{op: '*'})
			} else {
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return p, fmt.Errorf("%q: [%s]: want [] or an index from 0", s, in)
				}
				p.steps = append(p.steps, jstep{op: 'i', idx: n})
			}
			rest = rest[j+1:]
		}
		if rest == "" {
			return p, nil
		}
		if rest[0] != '.' {
			return p, fmt.Errorf("%q: want . between steps", s)
		}
		rest = rest[1:]
	}
}

// walk returns the nodes the path reaches from n. With keepEmpty, an
// empty or missing array at a [] step yields one node without a value,
// which still reaches its parents.
func (p jsonPath) walk(n *jnode, keepEmpty bool) ([]*jnode, error) {
	var out []*jnode
	var visit func(n *jnode, steps []jstep, empty bool) error
	visit = func(n *jnode, steps []jstep, empty bool) error {
		if len(steps) == 0 {
			if n.val != nil || empty {
				out = append(out, n)
			}
			return nil
		}
		st := steps[0]
		switch st.op {
		case 'k':
			switch v := n.val.(type) {
			case map[string]any:
				return visit(&jnode{val: v[st.key], up: n}, steps[1:], empty)
			case nil:
				return visit(&jnode{up: n}, steps[1:], empty)
			default:
				return fmt.Errorf("path %q: .%s: %s, not an object: %w", p.text, st.key, kind(v), ErrFormat)
			}
		case 'i':
			switch v := n.val.(type) {
			case []any:
				var e any
				if st.idx < len(v) {
					e = v[st.idx]
				}
				return visit(&jnode{val: e, up: n}, steps[1:], empty)
			case nil:
				return visit(&jnode{up: n}, steps[1:], empty)
			default:
				return fmt.Errorf("path %q: [%d]: %s, not an array: %w", p.text, st.idx, kind(v), ErrFormat)
			}
		default: // '*'
			switch v := n.val.(type) {
			case []any:
				if len(v) == 0 && keepEmpty {
					return visit(&jnode{up: n}, steps[1:], true)
				}
				for _, e := range v {
					if err := visit(&jnode{val: e, up: n}, steps[1:], empty); err != nil {
						return err
					}
				}
				return nil
			case nil:
				if keepEmpty {
					return visit(&jnode{up: n}, steps[1:], true)
				}
				return nil
			default:
				return fmt.Errorf("path %q: []: %s, not an array: %w", p.text, kind(v), ErrFormat)
			}
		}
	}
	if err := visit(n, p.steps, false); err != nil {
		return nil, err
	}
	return out, nil
}

// values returns the values a field path reaches from a record: one, or
// several through [] steps; none when the path leads nowhere.
func (p jsonPath) values(n *jnode) ([]any, error) {
	cur := []*jnode{n}
	for _, st := range p.steps {
		var next []*jnode
		for _, c := range cur {
			switch st.op {
			case '^':
				u := c.up
				for u != nil {
					if _, ok := u.val.(map[string]any); ok {
						break
					}
					u = u.up
				}
				if u != nil {
					next = append(next, u)
				}
			case 'k':
				if m, ok := c.val.(map[string]any); ok {
					if v, ok := m[st.key]; ok && v != nil {
						next = append(next, &jnode{val: v, up: c})
					}
				} else if c.val != nil {
					return nil, fmt.Errorf("path %q: .%s: %s, not an object: %w", p.text, st.key, kind(c.val), ErrFormat)
				}
			case 'i':
				if a, ok := c.val.([]any); ok {
					if st.idx < len(a) && a[st.idx] != nil {
						next = append(next, &jnode{val: a[st.idx], up: c})
					}
				} else if c.val != nil {
					return nil, fmt.Errorf("path %q: [%d]: %s, not an array: %w", p.text, st.idx, kind(c.val), ErrFormat)
				}
			case '*':
				if a, ok := c.val.([]any); ok {
					for _, e := range a {
						if e != nil {
							next = append(next, &jnode{val: e, up: c})
						}
					}
				} else if c.val != nil {
					return nil, fmt.Errorf("path %q: []: %s, not an array: %w", p.text, kind(c.val), ErrFormat)
				}
			}
		}
		cur = next
	}
	var out []any
	for _, c := range cur {
		if c.val != nil {
			out = append(out, c.val)
		}
	}
	return out, nil
}
