package generic

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// config is a source's options, checked and compiled for one shape.
type config struct {
	shape string
	src   collect.Source
	form  format
	m     *mapping
}

// format is what differs between the shapes: how a document is read into
// records and how its pages follow each other.
type format interface {
	// records reads one fetched page into its records, in document
	// order. A page without records is an error wrapping ErrNoRecords,
	// except where the format's pagination ends on an empty page.
	records(ctx context.Context, p *page) ([]record, error)
	// next returns the URL of the page after p, or "" when p is the last
	// page of its listing.
	next(p *page) (string, error)
	// maxPages is the page cap per start URL; 1 for formats that do not
	// paginate.
	maxPages() int
	// first returns the URL of a listing's first page: start, or start
	// with the page parameters set.
	first(start string) (string, error)
}

// record is one record of a document: the values a field's locator finds.
type record interface {
	// lookup returns the text loc finds in the record; "" when it finds
	// nothing. loc is what the format's locate returned.
	lookup(ctx context.Context, loc any) (string, error)
	// where says where the record is, for messages: a URL and row.
	where() string
	// base is the URL that relative links in the record resolve
	// against; nil when there is none.
	base() *url.URL
}

// shape is one configured collector's part of compiling the options.
type shape struct {
	// decode decodes the options into the shape's struct and returns its
	// common part and format.
	decode func(opts map[string]any) (*common, format, error)
	// keys are the locator settings the shape takes.
	keys []string
	// locate compiles a field's locator; ok is false when the spec has
	// none (it has a value or a template instead).
	locate func(spec *fieldSpec) (loc any, ok bool, err error)
}

var shapes = map[string]shape{
	HTML: {decode: decodeHTML, keys: []string{"selector", "attr", "all", "join", "column", "columns", "index"}, locate: locateHTML},
	Feed: {decode: decodeFeed, keys: []string{"item"}, locate: locateFeed},
	CSV:  {decode: decodeCSV, keys: []string{"column", "columns", "index"}, locate: locateCells},
	JSON: {decode: decodeJSON, keys: []string{"path", "join"}, locate: locateJSON},
	XLSX: {decode: decodeXLSX, keys: []string{"column", "columns", "letter"}, locate: locateCells},
}

// locatorKeys returns the locator settings spec uses.
func locatorKeys(s *fieldSpec) []string {
	var k []string
	add := func(set bool, name string) {
		if set {
			k = append(k, name)
		}
	}
	add(s.Selector != nil, "selector")
	add(s.Attr != "", "attr")
	add(s.All, "all")
	add(s.Join != nil, "join")
	add(s.Item != "", "item")
	add(s.Column != "", "column")
	add(s.Columns != nil, "columns")
	add(s.Index != 0, "index")
	add(s.Letter != "", "letter")
	add(s.Path != "", "path")
	return k
}

// compile decodes src's options for the named shape and checks them
// against the dataset.
func compile(name string, def *dataset.Definition, src collect.Source) (*config, error) {
	fail := func(err error) (*config, error) {
		return nil, fmt.Errorf("generic: %s: source %q: %w: %w", name, src.Name, err, ErrConfig)
	}
	sh := shapes[name]
	com, f, err := sh.decode(src.Options)
	if err != nil {
		return fail(err)
	}
	m, err := compileMapping(name, sh, com, def.Schema)
	if err != nil {
		return fail(err)
	}
	if b, ok := f.(interface{ bind(locs []any) error }); ok {
		var locs []any
		for _, n := range sortedKeys(m.byName) {
			if l := m.byName[n].loc; l != nil {
				locs = append(locs, l)
			}
		}
		if err := b.bind(locs); err != nil {
			return fail(err)
		}
	}
	return &config{shape: name, src: src, form: f, m: m}, nil
}

// namePattern is the form of a var's name and of a template placeholder.
var namePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// compileMapping checks the common options against the schema and
// compiles them.
func compileMapping(shapeName string, sh shape, c *common, s *dataset.Schema) (*mapping, error) {
	m := &mapping{schema: s, byName: map[string]*field{}}
	if len(c.Fields) == 0 {
		return nil, fmt.Errorf("options.fields: no fields configured")
	}
	var err error
	if m.num, err = newNumberFormat(c.Decimal, c.Thousands); err != nil {
		return nil, fmt.Errorf("options: %w", err)
	}
	for _, name := range sortedKeys(c.Fields) {
		at := "options.fields." + name
		i := s.Index(name)
		switch {
		case i < 0:
			return nil, fmt.Errorf("%s: the dataset has no field %q (it has %s)", at, name, fieldNames(s))
		case name == dataset.SourceField:
			return nil, fmt.Errorf("%s: the source field is set to the source's name; leave it out", at)
		}
		fd, err := compileField(shapeName, sh, at, name, c.Fields[name], m.num)
		if err != nil {
			return nil, err
		}
		fd.typ = s.Fields[i].Type
		fd.index = i
		// Number fields without a number transform take the source's
		// format.
		fd.implicitNumber = (fd.typ == dataset.Number || fd.typ == dataset.Integer) &&
			!slices.ContainsFunc(fd.spec.Transforms, func(t *transformSpec) bool { return t.Op == "number" })
		m.byName[name] = fd
	}
	for _, name := range sortedKeys(c.Vars) {
		at := "options.vars." + name
		switch {
		case !namePattern.MatchString(name):
			return nil, fmt.Errorf("%s: a var's name is lower-case letters, digits and _", at)
		case s.Index(name) >= 0:
			return nil, fmt.Errorf("%s: %q is a field of the dataset; configure it under options.fields", at, name)
		}
		fd, err := compileField(shapeName, sh, at, name, c.Vars[name], m.num)
		if err != nil {
			return nil, err
		}
		fd.isVar, fd.index = true, -1
		m.byName[name] = fd
	}
	for _, sf := range s.Fields {
		fd, ok := m.byName[sf.Name]
		if ok {
			m.fields = append(m.fields, fd)
		} else if sf.Required && sf.Name != dataset.SourceField && sf.Backfill == nil {
			// A field with a backfill takes it when not configured (see
			// dataset.Builder.Add): sources configured before it existed
			// keep working.
			return nil, fmt.Errorf("options.fields.%s: required by the dataset but not configured", sf.Name)
		}
	}
	// References: placeholders and when.
	for _, name := range sortedKeys(m.byName) {
		fd := m.byName[name]
		for _, ref := range fd.refs() {
			if _, ok := m.byName[ref]; !ok {
				return nil, fmt.Errorf("%s: refers to %q, which is neither a configured field nor a var", fd.at, ref)
			}
		}
	}
	if cyc := m.cycle(); cyc != nil {
		return nil, fmt.Errorf("options: fields and vars refer to each other in a circle: %s", strings.Join(cyc, " -> "))
	}
	for i, r := range c.Skip {
		at := fmt.Sprintf("options.skip[%d]", i+1)
		cd, err := compileCondition(at, r, true)
		if err != nil {
			return nil, err
		}
		if _, ok := m.byName[cd.field]; !ok {
			return nil, fmt.Errorf("%s.field: %q is neither a configured field nor a var", at, cd.field)
		}
		m.skip = append(m.skip, cd)
	}
	if c.Complete != nil {
		if m.complete, err = compileComplete(c.Complete, m); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// compileField checks and compiles one field or var.
func compileField(shapeName string, sh shape, at, name string, spec *fieldSpec, num numberFormat) (*field, error) {
	if spec == nil {
		return nil, fmt.Errorf("%s: empty", at)
	}
	fd := &field{name: name, at: at, spec: spec}
	origins := 0
	keys := locatorKeys(spec)
	for _, k := range keys {
		if !slices.Contains(sh.keys, k) {
			return nil, fmt.Errorf("%s.%s: not a setting of the %s collector (its fields take %s)", at, k, shapeName, strings.Join(sh.keys, ", "))
		}
	}
	loc, ok, err := sh.locate(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", at, err)
	}
	if ok {
		fd.loc = loc
		origins++
	} else if len(keys) > 0 {
		return nil, fmt.Errorf("%s: %s alone says nowhere to read the value", at, strings.Join(keys, ", "))
	}
	if spec.Value != nil {
		origins++
	}
	if spec.Template != "" {
		if fd.tmpl, err = parseTemplate(spec.Template); err != nil {
			return nil, fmt.Errorf("%s.template: %w", at, err)
		}
		origins++
	}
	switch {
	case origins == 0:
		return nil, fmt.Errorf("%s: say where the value comes from (%s, value or template)", at, strings.Join(sh.keys, ", "))
	case origins > 1:
		return nil, fmt.Errorf("%s: set only one of a locator (%s), value and template", at, strings.Join(sh.keys, ", "))
	}
	for i, ts := range spec.Transforms {
		tat := fmt.Sprintf("%s.transforms[%d]", at, i+1)
		t, err := compileTransform(tat, ts, num)
		if err != nil {
			return nil, err
		}
		fd.transforms = append(fd.transforms, t)
	}
	if spec.When != nil {
		if fd.when, err = compileCondition(at+".when", spec.When, false); err != nil {
			return nil, err
		}
	}
	return fd, nil
}

func compileCondition(at string, c *condition, skip bool) (*cond, error) {
	if c == nil {
		return nil, fmt.Errorf("%s: empty", at)
	}
	if c.Field == "" {
		return nil, fmt.Errorf("%s.field: name the field or var to test", at)
	}
	if !skip && (c.Warn || c.Reason != "") {
		return nil, fmt.Errorf("%s: warn and reason belong to skip rules", at)
	}
	cd := &cond{field: c.Field, warn: c.Warn, reason: c.Reason}
	tests := 0
	if c.Empty != nil {
		tests++
		cd.empty = c.Empty
	}
	for _, p := range []struct {
		key, pattern string
		negate       bool
	}{{"matches", c.Matches, false}, {"not_matches", c.NotMatches, true}} {
		if p.pattern == "" {
			continue
		}
		tests++
		re, err := regexp.Compile(p.pattern)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", at, p.key, err)
		}
		cd.re, cd.negate = re, p.negate
	}
	if len(c.In) > 0 {
		tests++
		cd.in = c.In
	}
	if len(c.NotIn) > 0 {
		tests++
		cd.in, cd.negate = c.NotIn, true
	}
	if tests != 1 {
		return nil, fmt.Errorf("%s: set exactly one test of empty, matches, not_matches, in and not_in", at)
	}
	return cd, nil
}

func compileComplete(c *completeSpec, m *mapping) (*completion, error) {
	at := "options.complete"
	s := m.schema
	fd, ok := m.byName[c.Field]
	switch {
	case c.Field == "":
		return nil, fmt.Errorf("%s.field: name the integer field to complete (a year)", at)
	case !ok || fd.isVar:
		return nil, fmt.Errorf("%s.field: %q is not a configured field", at, c.Field)
	case fd.typ != dataset.Integer:
		return nil, fmt.Errorf("%s.field: %q is a %s field, want an integer one", at, c.Field, fd.typ)
	case c.From < 0 || c.To < 0 || c.From != 0 && c.To != 0 && c.To < c.From:
		return nil, fmt.Errorf("%s: from %d and to %d are not a range", at, c.From, c.To)
	case c.From != 0 && c.To != 0 && c.To-c.From > maxComplete:
		return nil, fmt.Errorf("%s: from %d to %d is more than %d values", at, c.From, c.To, maxComplete)
	case len(c.By) == 0:
		return nil, fmt.Errorf("%s.by: name the fields that make a group (a country)", at)
	}
	for _, b := range c.By {
		if bf, ok := m.byName[b]; !ok || bf.isVar || b == c.Field {
			return nil, fmt.Errorf("%s.by: %q is not a configured field other than %q", at, b, c.Field)
		}
	}
	for _, k := range sortedKeys(c.Set) {
		if s.Index(k) < 0 || k == dataset.SourceField || k == c.Field || slices.Contains(c.By, k) {
			return nil, fmt.Errorf("%s.set.%s: not a dataset field that completed rows may set", at, k)
		}
	}
	return &completion{by: c.By, field: c.Field, from: c.From, to: c.To, set: c.Set}, nil
}

// maxComplete bounds the values one completed group may gain.
const maxComplete = 1000

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

func fieldNames(s *dataset.Schema) string {
	var n []string
	for _, f := range s.Fields {
		if f.Name != dataset.SourceField {
			n = append(n, f.Name)
		}
	}
	return strings.Join(n, ", ")
}
