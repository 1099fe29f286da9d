package generic

import (
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
)

// readme is README.md split into its "## " sections, by heading.
type readme map[string]string

func readREADME(t *testing.T) readme {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	r := readme{}
	heading := ""
	for line := range strings.Lines(string(b)) {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			heading = strings.TrimSpace(h)
			continue
		}
		r[heading] += line
	}
	return r
}

// section returns the section whose heading starts with prefix.
func (r readme) section(t *testing.T, prefix string) string {
	t.Helper()
	for h, s := range r {
		if strings.HasPrefix(h, prefix) {
			return s
		}
	}
	t.Fatalf("README.md has no section %q", prefix)
	return ""
}

// documents reports whether text names the setting key: `key`, `key = ...`
// in a table, or key = ... at the start of a line of a TOML block.
func documents(text, key string) bool {
	return regexp.MustCompile("`" + regexp.QuoteMeta(key) + "[` ]|(?m)^" + regexp.QuoteMeta(key) + " =").MatchString(text)
}

var codeName = regexp.MustCompile("`([a-z_0-9]+)`")

// tableRows returns the cells of the table rows of text, outside code
// blocks.
func tableRows(text string) [][]string {
	var rows [][]string
	code := false
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "```"):
			code = !code
		case !code && strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "|--"):
			rows = append(rows, strings.Split(strings.Trim(line, "|"), "|"))
		}
	}
	return rows
}

// firstColumn returns the names in backquotes in the first cells of the
// tables of text.
func firstColumn(text string) []string {
	var names []string
	for _, row := range tableRows(text) {
		for _, m := range codeName.FindAllStringSubmatch(row[0], -1) {
			names = append(names, m[1])
		}
	}
	return names
}

// tomlKeys returns the keys a struct of options decodes, without those of
// embedded structs.
func tomlKeys(v any) []string {
	var keys []string
	typ := reflect.TypeOf(v)
	for i := range typ.NumField() {
		if f := typ.Field(i); !f.Anonymous {
			keys = append(keys, f.Tag.Get("toml"))
		}
	}
	return keys
}

// fieldSettings are the settings of a field other than its locator.
var fieldSettings = []string{"value", "template", "transforms", "default", "when"}

// numberSettings are the settings of the source's number format.
var numberSettings = []string{"decimal", "thousands"}

// TestREADME checks README.md against the code: each shape's section
// documents every option the shape decodes and every locator its fields
// take, and its tables name no other; the transforms table lists every op
// with its parameters and no other; the feed's table lists every item; the
// settings every shape shares are documented; and the complete source of
// the worked example passes Check.
func TestREADME(t *testing.T) {
	r := readREADME(t)
	options := map[string]any{HTML: htmlOptions{}, Feed: feedOptions{}, CSV: csvOptions{}, JSON: jsonOptions{}, XLSX: xlsxOptions{}}
	for _, shape := range Shapes() {
		t.Run(shape, func(t *testing.T) {
			text := r.section(t, shape)
			own := slices.Concat(tomlKeys(options[shape]), shapes[shape].keys)
			for _, k := range own {
				if !documents(text, k) {
					t.Errorf("README.md, ## %s: %s is not documented", shape, k)
				}
			}
			known := slices.Concat(own, numberSettings)
			if shape == Feed {
				known = append(known, feedItems...)
				if got := firstColumn(text); !cmp.Equal(sortedSet(got), sortedSet(feedItems)) {
					t.Errorf("README.md, ## feed: items %q, want %q", got, feedItems)
				}
			}
			for _, k := range firstColumn(text) {
				if !slices.Contains(known, k) {
					t.Errorf("README.md, ## %s: %s is not a setting of the %s collector", shape, k, shape)
				}
			}
		})
	}
	t.Run("transforms", func(t *testing.T) {
		var ops []string
		for _, row := range tableRows(r.section(t, "Transforms")) {
			for _, m := range codeName.FindAllStringSubmatch(row[0], -1) {
				op := m[1]
				ops = append(ops, op)
				for _, p := range transformParams[op] {
					if !strings.Contains(row[1], "`"+p+"`") {
						t.Errorf("README.md, transform %s: parameter %s is not documented", op, p)
					}
				}
			}
		}
		if got, want := sortedSet(ops), sortedKeys(transformParams); !cmp.Equal(got, want) {
			t.Errorf("README.md transforms = %q, want %q", got, want)
		}
	})
	t.Run("shared settings", func(t *testing.T) {
		for _, tt := range []struct {
			section string
			keys    []string
		}{
			{"Fields", fieldSettings},
			{"Conditions", tomlKeys(condition{})},
			{"Completing rows", tomlKeys(completeSpec{})},
			{"Numbers", numberSettings},
			{"csv", tomlKeys(unpivotSpec{})},
		} {
			text := r.section(t, tt.section)
			for _, k := range tt.keys {
				if !documents(text, k) {
					t.Errorf("README.md, ## %s: %s is not documented", tt.section, k)
				}
			}
		}
		all := strings.Join(slices.Collect(maps.Values(r)), "")
		for _, k := range tomlKeys(common{}) {
			if !slices.Contains(numberSettings, k) && !strings.Contains(all, "source.options."+k) {
				t.Errorf("README.md: source.options.%s is not documented", k)
			}
		}
	})
	t.Run("examples", func(t *testing.T) {
		n := 0
		for _, block := range regexp.MustCompile("(?s)```toml\n(.*?)```").FindAllStringSubmatch(r.section(t, "A worked example"), -1) {
			if !strings.Contains(block[1], "[[source]]") {
				continue
			}
			n++
			cfg, err := collect.ParseConfig([]byte(block[1]))
			if err != nil {
				t.Fatalf("ParseConfig(README.md example) = %v", err)
			}
			for _, src := range cfg.Sources {
				c, err := NewCollector(src.Collector, datasets)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Check(src); err != nil {
					t.Errorf("Check(README.md example %s) = %v", src.Name, err)
				}
			}
		}
		if n == 0 {
			t.Error("README.md: no worked example with a [[source]]")
		}
	})
}

// TestSettingsSeen checks that every setting of a field is a locator of
// some shape or one of fieldSettings, and every key of a transform its op
// or a parameter of some op; and sets each locator and each parameter
// alone to check that locatorKeys and paramsUsed see it, so that a setting
// a shape or an op does not take is an error rather than ignored.
func TestSettingsSeen(t *testing.T) {
	var locators []string
	for _, sh := range shapes {
		locators = append(locators, sh.keys...)
	}
	for _, tt := range []struct {
		spec   any      // a pointer to a zero spec
		seen   []string // the keys used must report
		others []string
		used   func(spec any) []string
	}{
		{&fieldSpec{}, locators, fieldSettings, func(s any) []string { return locatorKeys(s.(*fieldSpec)) }},
		{&transformSpec{}, slices.Concat(slices.Collect(maps.Values(transformParams))...), []string{"op"},
			func(s any) []string { return paramsUsed(s.(*transformSpec)) }},
	} {
		typ := reflect.TypeOf(tt.spec).Elem()
		for i := range typ.NumField() {
			key := typ.Field(i).Tag.Get("toml")
			switch {
			case slices.Contains(tt.others, key):
				continue
			case !slices.Contains(tt.seen, key):
				t.Errorf("%s.%s: taken by no shape or op", typ.Name(), key)
				continue
			}
			spec := reflect.New(typ)
			setNonZero(spec.Elem().Field(i))
			if got := tt.used(spec.Interface()); !cmp.Equal(got, []string{key}) {
				t.Errorf("%s with only %s set: settings seen = %q, want [%s]", typ.Name(), key, got, key)
			}
		}
	}
}

// setNonZero sets v to a value other than its zero value.
func setNonZero(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	default:
		panic("setNonZero: " + v.Kind().String())
	}
}

// sortedSet returns the distinct strings of s, sorted.
func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
