package collect

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"
)

// testOptions is an options struct as a collector writes one.
type testOptions struct {
	MaxPages int                `toml:"max_pages"`
	Filter   string             `toml:"filter"`
	States   []string           `toml:"states"`
	Share    float64            `toml:"share"`
	Strict   bool               `toml:"strict"`
	Columns  map[string]*column `toml:"columns"`
}

type column struct {
	Index int `toml:"index"`
}

func TestDecodeOptions(t *testing.T) {
	defaults := testOptions{MaxPages: 50, Filter: "defence"}
	tests := []struct {
		name string
		opts map[string]any
		want testOptions
	}{
		{"nil keeps the defaults", nil, defaults},
		{"empty keeps the defaults", map[string]any{}, defaults},
		{"TOML integer", map[string]any{"max_pages": int64(3)}, testOptions{MaxPages: 3, Filter: "defence"}},
		{"Go int", map[string]any{"max_pages": 3}, testOptions{MaxPages: 3, Filter: "defence"}},
		{"whole float", map[string]any{"max_pages": 3.0}, testOptions{MaxPages: 3, Filter: "defence"}},
		{"float field", map[string]any{"share": 0.25}, testOptions{MaxPages: 50, Filter: "defence", Share: 0.25}},
		{"integer into a float field", map[string]any{"share": int64(1)}, testOptions{MaxPages: 50, Filter: "defence", Share: 1}},
		{"TOML array", map[string]any{"states": []any{"DEU", "FRA"}}, testOptions{MaxPages: 50, Filter: "defence", States: []string{"DEU", "FRA"}}},
		{"Go slice", map[string]any{"states": []string{"DEU"}}, testOptions{MaxPages: 50, Filter: "defence", States: []string{"DEU"}}},
		{"empty array is not absent", map[string]any{"states": []any{}}, testOptions{MaxPages: 50, Filter: "defence", States: []string{}}},
		{"table with a whole float", map[string]any{"columns": map[string]any{"year": map[string]any{"index": 2.0}}},
			testOptions{MaxPages: 50, Filter: "defence", Columns: map[string]*column{"year": {Index: 2}}}},
		{"every kind", map[string]any{"max_pages": int64(7), "filter": "navy", "strict": true},
			testOptions{MaxPages: 7, Filter: "navy", Strict: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := defaults
			if err := DecodeOptions(tt.opts, &got); err != nil {
				t.Fatalf("DecodeOptions(%v) = %v, want no error", tt.opts, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeOptions(%v) mismatch (-want +got):\n%s", tt.opts, diff)
			}
		})
	}
}

// TestDecodeOptionsErrors checks that each error names the setting as the
// sources file writes it and says what is wrong.
func TestDecodeOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		opts map[string]any
		want []string // substrings of the message
	}{
		{"unknown key", map[string]any{"max_page": int64(3)},
			[]string{"unknown setting options.max_page; options takes columns, filter, max_pages, share, states, strict"}},
		{"unknown keys", map[string]any{"a": int64(1), "b": int64(2)}, []string{"options.a, options.b; options takes columns,"}},
		{"unknown nested key", map[string]any{"columns": map[string]any{"year": map[string]any{"idx": int64(1)}}},
			[]string{"unknown setting options.columns.year.idx; options.columns.year takes index"}},
		{"string for an integer", map[string]any{"max_pages": "50"}, []string{"options.max_pages", "a TOML string where an integer belongs"}},
		{"fraction for an integer", map[string]any{"max_pages": 2.5}, []string{"options.max_pages", "a TOML float where an integer belongs"}},
		{"integer for a string", map[string]any{"filter": int64(1)}, []string{"options.filter", "a TOML integer where a string belongs"}},
		{"string for an array", map[string]any{"states": "DEU"}, []string{"options.states", "where an array of strings belongs"}},
		{"integer in an array of strings", map[string]any{"states": []any{"DEU", int64(1)}}, []string{"options.states", "where a string belongs"}},
		{"string for a bool", map[string]any{"strict": "yes"}, []string{"options.strict", "where true or false belongs"}},
		{"string for a table", map[string]any{"columns": "year"}, []string{"options.columns", "where a table belongs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got testOptions
			err := DecodeOptions(tt.opts, &got)
			if err == nil {
				t.Fatalf("DecodeOptions(%v) = nil, want an error", tt.opts)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("DecodeOptions(%v) = %q, want it to contain %q", tt.opts, err, w)
				}
			}
		})
	}
}

// TestDecodeOptionsKnownSettings checks the settings an unknown key's
// table takes, through embedded structs, maps and arrays of tables.
func TestDecodeOptionsKnownSettings(t *testing.T) {
	type step struct {
		Op      string `toml:"op"`
		Pattern string `toml:"pattern"`
	}
	type field struct {
		Column     string  `toml:"column"`
		Transforms []*step `toml:"transforms"`
	}
	type shared struct {
		Fields map[string]*field `toml:"fields"`
	}
	type shaped struct {
		shared
		Rows    string `toml:"rows"`
		skipped int
		Ignored string `toml:"-"`
	}
	tests := []struct {
		name string
		opts map[string]any
		want string
	}{
		{"top level", map[string]any{"rowz": "tr"}, "unknown setting options.rowz; options takes fields, rows"},
		{"in a map's table", map[string]any{"fields": map[string]any{"title": map[string]any{"colum": "x"}}},
			"unknown setting options.fields.title.colum; options.fields.title takes column, transforms"},
		{"in an array of tables", map[string]any{"fields": map[string]any{"title": map[string]any{
			"transforms": []any{map[string]any{"op": "trim", "patern": "x"}}}}},
			"unknown setting options.fields.title.transforms.patern; options.fields.title.transforms takes op, pattern"},
		{"in two tables", map[string]any{"rowz": "tr", "fields": map[string]any{"title": map[string]any{"colum": "x"}}},
			"unknown setting options.rowz, options.fields.title.colum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got shaped
			err := DecodeOptions(tt.opts, &got)
			if err == nil || err.Error() != tt.want {
				t.Errorf("DecodeOptions(%v) = %v, want %q", tt.opts, err, tt.want)
			}
		})
	}
}

// TestDecodeOptionsAnonymousStruct checks the type errors of an options
// struct declared in place, whose type name go-toml spells with spaces.
func TestDecodeOptionsAnonymousStruct(t *testing.T) {
	o := struct {
		MaxPages int    `toml:"max_pages"`
		Subject  string `toml:"subject"`
	}{}
	tests := []struct {
		opts map[string]any
		want string
	}{
		{map[string]any{"max_pages": "50"}, "options.max_pages: a TOML string where an integer belongs"},
		{map[string]any{"subject": int64(1)}, "options.subject: a TOML integer where a string belongs"},
	}
	for _, tt := range tests {
		if err := DecodeOptions(tt.opts, &o); err == nil || err.Error() != tt.want {
			t.Errorf("DecodeOptions(%v) = %v, want %q", tt.opts, err, tt.want)
		}
	}
}

// TestDecodeOptionsFromTOML decodes options as the sources file gives them.
func TestDecodeOptionsFromTOML(t *testing.T) {
	var cfg struct {
		Options map[string]any `toml:"options"`
	}
	text := "[options]\nmax_pages = 4\nstates = [\"DEU\"]\n[options.columns.year]\nindex = 3\n"
	if err := toml.Unmarshal([]byte(text), &cfg); err != nil {
		t.Fatal(err)
	}
	var got testOptions
	if err := DecodeOptions(cfg.Options, &got); err != nil {
		t.Fatalf("DecodeOptions(%v) = %v", cfg.Options, err)
	}
	want := testOptions{MaxPages: 4, States: []string{"DEU"}, Columns: map[string]*column{"year": {Index: 3}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeOptions(%v) mismatch (-want +got):\n%s", cfg.Options, diff)
	}
}

// TestDecodeOptionsLeavesInput checks that the caller's map is not changed
// by turning whole floats into integers.
func TestDecodeOptionsLeavesInput(t *testing.T) {
	opts := map[string]any{"max_pages": 3.0, "columns": map[string]any{"year": map[string]any{"index": 2.0}}}
	var got testOptions
	if err := DecodeOptions(opts, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"max_pages": 3.0, "columns": map[string]any{"year": map[string]any{"index": 2.0}}}
	if diff := cmp.Diff(want, opts); diff != "" {
		t.Errorf("DecodeOptions changed its input (-want +got):\n%s", diff)
	}
}
