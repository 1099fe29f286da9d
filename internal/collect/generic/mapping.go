package generic

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// mapping turns records into rows of a dataset: the compiled fields, vars,
// skip rules and completion of a source's options.
type mapping struct {
	schema   *dataset.Schema
	fields   []*field          // the configured dataset fields, in schema order
	byName   map[string]*field // fields and vars
	skip     []*cond
	complete *completion
	num      numberFormat
}

// field is one compiled field or var.
type field struct {
	name, at string // at is the setting's name, for messages
	spec     *fieldSpec
	isVar    bool
	typ      dataset.Type
	index    int // in the schema; -1 for a var
	loc      any // the shape's compiled locator, or nil
	tmpl     []tmplPart
	// transforms run in order on the value found.
	transforms []*transform
	when       *cond
	// implicitNumber is set when the source's number format applies: a
	// number field without a number transform.
	implicitNumber bool
}

// refs returns the names the field's value depends on.
func (f *field) refs() []string {
	var r []string
	for _, p := range f.tmpl {
		if p.name != "" {
			r = append(r, p.name)
		}
	}
	if f.when != nil {
		r = append(r, f.when.field)
	}
	for _, t := range f.transforms {
		if t.ref != "" {
			r = append(r, t.ref)
		}
	}
	return r
}

// cycle returns a circle of references among fields and vars, or nil.
func (m *mapping) cycle() []string {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(name string) []string
	visit = func(name string) []string {
		switch state[name] {
		case open:
			i := slices.Index(path, name)
			return append(slices.Clone(path[i:]), name)
		case done:
			return nil
		}
		state[name] = open
		path = append(path, name)
		for _, r := range m.byName[name].refs() {
			if c := visit(r); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[name] = done
		return nil
	}
	for _, n := range sortedKeys(m.byName) {
		if c := visit(n); c != nil {
			return c
		}
	}
	return nil
}

// tmplPart is a literal or a placeholder of a template.
type tmplPart struct {
	lit  string
	name string
}

// parseTemplate parses text with {name} placeholders.
func parseTemplate(s string) ([]tmplPart, error) {
	var parts []tmplPart
	for s != "" {
		i := strings.IndexAny(s, "{}")
		if i < 0 {
			parts = append(parts, tmplPart{lit: s})
			break
		}
		if s[i] == '}' {
			return nil, fmt.Errorf("%q: } without {", s)
		}
		if i > 0 {
			parts = append(parts, tmplPart{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("%q: { without }", s)
		}
		name := s[i+1 : i+j]
		if !namePattern.MatchString(name) {
			return nil, fmt.Errorf("{%s}: want the name of a field or var", name)
		}
		parts = append(parts, tmplPart{name: name})
		s = s[i+j+1:]
	}
	return parts, nil
}

// cond is a compiled condition on one field or var.
type cond struct {
	field  string
	empty  *bool
	re     *regexp.Regexp
	in     []string
	negate bool
	warn   bool
	reason string
}

// holds reports whether the condition holds for v.
func (c *cond) holds(v string) bool {
	var ok bool
	switch {
	case c.empty != nil:
		return (strings.TrimSpace(v) == "") == *c.empty
	case c.re != nil:
		ok = c.re.MatchString(v)
	default:
		ok = slices.Contains(c.in, v)
	}
	return ok != c.negate
}

// describe says why a row was skipped.
func (c *cond) describe(v string) string {
	if c.reason != "" {
		return c.reason
	}
	switch {
	case c.empty != nil && *c.empty:
		return fmt.Sprintf("%s is empty", c.field)
	case c.empty != nil:
		return fmt.Sprintf("%s is %q", c.field, v)
	case c.re != nil && c.negate:
		return fmt.Sprintf("%s %q does not match %s", c.field, v, c.re)
	case c.re != nil:
		return fmt.Sprintf("%s %q matches %s", c.field, v, c.re)
	case c.negate:
		return fmt.Sprintf("%s %q is not one of %q", c.field, v, c.in)
	default:
		return fmt.Sprintf("%s is %q", c.field, v)
	}
}

// completion is the compiled complete option.
type completion struct {
	by       []string
	field    string
	from, to int
	set      map[string]string
}

// row evaluates the fields and vars of one record, each at most once.
type row struct {
	m      *mapping
	source string
	rec    record            // nil for a completed row
	fixed  map[string]string // values given rather than evaluated
	vals   map[string]string
}

func newRow(m *mapping, source string, rec record) *row {
	return &row{m: m, source: source, rec: rec, vals: make(map[string]string, len(m.byName))}
}

// reset makes r the row of rec, keeping its storage: a source's rows
// are made one after another with one row value.
func (r *row) reset(rec record) {
	r.rec, r.fixed = rec, nil
	clear(r.vals)
}

func (r *row) where() string {
	if r.rec == nil {
		var kv []string
		for _, n := range sortedKeys(r.fixed) {
			if _, ok := r.m.byName[n]; ok {
				kv = append(kv, n+"="+r.fixed[n])
			}
		}
		return "completed row (" + strings.Join(kv, ", ") + ")"
	}
	return r.rec.where()
}

func (r *row) base() *url.URL {
	if r.rec == nil {
		return nil
	}
	return r.rec.base()
}

// warn records a warning about the row.
func (r *row) warn(ctx context.Context, format string, args ...any) {
	collect.Warn(ctx, "%s: %s: %s", r.source, r.where(), fmt.Sprintf(format, args...))
}

// get returns the value of a field or var.
func (r *row) get(ctx context.Context, name string) (string, error) {
	if v, ok := r.fixed[name]; ok {
		return v, nil
	}
	if v, ok := r.vals[name]; ok {
		return v, nil
	}
	v, err := r.eval(ctx, r.m.byName[name])
	if err != nil {
		return "", err
	}
	r.vals[name] = v
	return v, nil
}

func (r *row) eval(ctx context.Context, f *field) (string, error) {
	if f.when != nil {
		w, err := r.get(ctx, f.when.field)
		if err != nil {
			return "", err
		}
		if !f.when.holds(w) {
			return "", nil
		}
	}
	var v string
	switch {
	case f.loc != nil:
		if r.rec != nil {
			var err error
			if v, err = r.rec.lookup(ctx, f.loc); err != nil {
				return "", fmt.Errorf("%s: %w", f.at, err)
			}
		}
	case f.spec.Value != nil:
		v = *f.spec.Value
	default:
		var b strings.Builder
		for _, p := range f.tmpl {
			if p.name == "" {
				b.WriteString(p.lit)
				continue
			}
			pv, err := r.get(ctx, p.name)
			if err != nil {
				return "", err
			}
			b.WriteString(pv)
		}
		v = b.String()
	}
	for _, t := range f.transforms {
		var err error
		if v, err = t.apply(ctx, r, v); err != nil {
			return "", fmt.Errorf("%s: %w", t.at, err)
		}
	}
	if v == "" {
		v = f.spec.Default
	}
	if f.implicitNumber && v != "" {
		var err error
		if v, err = r.m.num.normalize(v); err != nil {
			return "", fmt.Errorf("%s: %w", f.at, err)
		}
	}
	return v, nil
}

// skipped applies the skip rules and reports whether one drops the row.
func (r *row) skipped(ctx context.Context) (bool, error) {
	for _, c := range r.m.skip {
		v, err := r.get(ctx, c.field)
		if err != nil {
			return false, err
		}
		if c.holds(v) {
			if c.warn {
				r.warn(ctx, "row left out: %s", c.describe(v))
			}
			return true, nil
		}
	}
	return false, nil
}

// out is one finished row: a value per schema field ("" is null).
type out struct {
	vals []string
	at   place
}

// values evaluates every configured field of the row.
func (r *row) values(ctx context.Context) (*out, error) {
	o := &out{vals: make([]string, len(r.m.schema.Fields))}
	if r.rec != nil {
		o.at = placeOf(r.rec)
	} else {
		w := r.where()
		o.at = place{text: &w}
	}
	for _, f := range r.m.fields {
		v, err := r.get(ctx, f.name)
		if err != nil {
			return nil, err
		}
		if f.typ == dataset.Integer && v != "" {
			if v, err = integerText(v); err != nil {
				return nil, fmt.Errorf("%s: %w", f.at, err)
			}
		}
		o.vals[f.index] = v
	}
	return o, nil
}

// integerText returns v as an integer's text: "2018.0", as spreadsheets and
// some CSV writers give whole numbers, is "2018".
func integerText(v string) (string, error) {
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return v, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return "", fmt.Errorf("%q is not an integer: %w", v, ErrValue)
	}
	return strconv.FormatInt(int64(f), 10), nil
}

// completer adds the rows the completion asks for, from the rows it is
// shown one at a time: it keeps each group's values seen, not the rows.
type completer struct {
	m      *mapping
	source string
	fi     int   // the completed field
	by     []int // the fields that make a group
	groups map[string]*group
	order  []string
	lo, hi int
}

// group is one group of a completion: its values of the by fields and the
// values of the completed field it has.
type group struct {
	vals []string
	have map[int]bool
}

func (m *mapping) completer(source string) *completer {
	c := &completer{m: m, source: source, fi: m.schema.Index(m.complete.field), groups: map[string]*group{},
		lo: math.MaxInt, hi: math.MinInt}
	for _, b := range m.complete.by {
		c.by = append(c.by, m.schema.Index(b))
	}
	return c
}

// add notes row o's group and value, and reports whether the row is kept:
// rows whose completed field is empty only declare their group.
func (c *completer) add(o *out) (bool, error) {
	key := make([]string, len(c.by))
	for k, i := range c.by {
		key[k] = o.vals[i]
	}
	k := strings.Join(key, "\x00")
	g, ok := c.groups[k]
	if !ok {
		g = &group{vals: key, have: map[int]bool{}}
		c.groups[k] = g
		c.order = append(c.order, k)
	}
	if o.vals[c.fi] == "" {
		return false, nil
	}
	n, err := strconv.Atoi(o.vals[c.fi])
	if err != nil {
		return false, fmt.Errorf("%s: options.complete.field: %q is not an integer: %w", o.at, o.vals[c.fi], ErrValue)
	}
	g.have[n] = true
	c.lo, c.hi = min(c.lo, n), max(c.hi, n)
	return true, nil
}

// rows passes to yield the rows the completion adds, after every row was
// shown to add: group by group, in the order the groups first appeared.
func (c *completer) rows(ctx context.Context, yield func(*out) error) error {
	cm := c.m.complete
	from, to := cm.from, cm.to
	if from == 0 {
		from = c.lo
	}
	if to == 0 {
		to = c.hi
	}
	if from > to {
		return nil // no values found, and no range given
	}
	if to-from > maxComplete {
		return fmt.Errorf("options.complete: values from %d to %d are more than %d: %w", from, to, maxComplete, ErrValue)
	}
	for _, k := range c.order {
		g := c.groups[k]
		for n := from; n <= to; n++ {
			if g.have[n] {
				continue
			}
			fixed := map[string]string{cm.field: strconv.Itoa(n)}
			for i, b := range cm.by {
				fixed[b] = g.vals[i]
			}
			for f, v := range cm.set {
				fixed[f] = v
			}
			r := newRow(c.m, c.source, nil)
			r.fixed = fixed
			o, err := r.values(ctx)
			if err != nil {
				return fmt.Errorf("%s: %w", r.where(), err)
			}
			for f, v := range fixed { // set may name fields the options do not configure
				o.vals[c.m.schema.Index(f)] = v
			}
			if err := yield(o); err != nil {
				return err
			}
		}
	}
	return nil
}
