package generic

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
)

// fakeRecord is a record of a page at url.
type fakeRecord struct{ url string }

func (r fakeRecord) lookup(context.Context, any) (string, error) { return "", nil }
func (r fakeRecord) where() string                               { return r.url + " row 1" }
func (r fakeRecord) base() *url.URL {
	u, _ := url.Parse(r.url)
	return u
}

func strPtr(s string) *string { return &s }

func TestTransforms(t *testing.T) {
	num := numberFormat{decimal: '.'}
	comma, _ := newNumberFormat(",", ".")
	tests := []struct {
		name     string
		spec     transformSpec
		num      numberFormat
		base     string
		in, want string
		wantErr  error
		warns    int
	}{
		{name: "trim", spec: transformSpec{Op: "trim"}, in: "  a  b ", want: "a  b"},
		{name: "squash", spec: transformSpec{Op: "squash"}, in: " a \n\t b ", want: "a b"},
		{name: "lower", spec: transformSpec{Op: "lower"}, in: "NIL Report", want: "nil report"},
		{name: "upper", spec: transformSpec{Op: "upper"}, in: "swe", want: "SWE"},
		{name: "prefix", spec: transformSpec{Op: "prefix", Text: "GAO-"}, in: "24-106256", want: "GAO-24-106256"},
		{name: "prefix empty", spec: transformSpec{Op: "prefix", Text: "GAO-"}, in: "", want: ""},
		{name: "suffix", spec: transformSpec{Op: "suffix", Text: "-01"}, in: "2024", want: "2024-01"},
		{name: "regexp group", spec: transformSpec{Op: "regexp", Pattern: `(\d{1,2}/\d{4})`}, in: "Special report 04/2025: x", want: "04/2025"},
		{name: "regexp whole", spec: transformSpec{Op: "regexp", Pattern: `\d{4}`}, in: "FY 2024e", want: "2024"},
		{name: "regexp no match", spec: transformSpec{Op: "regexp", Pattern: `\d{4}`}, in: "n/a", want: ""},
		{name: "replace", spec: transformSpec{Op: "replace", Pattern: `^(error )?\(\)$`, With: strPtr("")}, in: "error ()", want: ""},
		{name: "replace groups", spec: transformSpec{Op: "replace", Pattern: `(\d+)/(\d+)`, With: strPtr("$2-$1")}, in: "04/2025", want: "2025-04"},
		{name: "date layouts", spec: transformSpec{Op: "date", Layouts: []string{"2 Jan 2006", "02/01/2006"}}, in: " 05/02/2025 ", want: "2025-02-05"},
		{name: "date default RFC 3339", spec: transformSpec{Op: "date"}, in: "2024-03-01T10:00:00+01:00", want: "2024-03-01"},
		{name: "date bad", spec: transformSpec{Op: "date", Layouts: []string{"2 Jan 2006"}}, in: "Spring 2024", wantErr: ErrValue},
		{name: "date empty", spec: transformSpec{Op: "date"}, in: "", want: ""},
		{name: "excel date", spec: transformSpec{Op: "excel_date"}, in: "45292", want: "2024-01-01"},
		{name: "excel date bad", spec: transformSpec{Op: "excel_date"}, in: "soon", wantErr: ErrValue},
		{name: "number source format", spec: transformSpec{Op: "number"}, num: comma, in: "1.234,5", want: "1234.5"},
		{name: "number own format", spec: transformSpec{Op: "number", Decimal: ",", Thousands: strPtr(" ")}, in: "1\u00a0234\u202f567,25", want: "1234567.25"},
		{name: "number minus", spec: transformSpec{Op: "number"}, in: "\u22123.5", want: "-3.5"},
		{name: "number bad", spec: transformSpec{Op: "number"}, in: "n/a", wantErr: ErrValue},
		{name: "number comma in dot format", spec: transformSpec{Op: "number"}, in: "1,5", wantErr: ErrValue},
		{name: "map", spec: transformSpec{Op: "map", Values: map[string]string{"none_found": "no_report"}}, in: "none_found", want: "no_report"},
		{name: "map unmatched", spec: transformSpec{Op: "map", Values: map[string]string{"a": "b"}}, in: "c", wantErr: ErrValue},
		{name: "map default", spec: transformSpec{Op: "map", Values: map[string]string{"a": "b"}, Default: strPtr("z")}, in: "c", want: "z"},
		{name: "map keep", spec: transformSpec{Op: "map", Values: map[string]string{"a": "b"}, KeepUnmatched: true}, in: "c", want: "c"},
		{name: "map empty", spec: transformSpec{Op: "map", Values: map[string]string{"a": "b"}}, in: "", want: ""},
		{name: "country name", spec: transformSpec{Op: "country"}, in: "Côte d’Ivoire", want: "CIV"},
		{name: "country alias", spec: transformSpec{Op: "country"}, in: "Republic of Korea", want: "KOR"},
		{name: "country code", spec: transformSpec{Op: "country"}, in: "SWE", want: "SWE"},
		{name: "country unknown", spec: transformSpec{Op: "country"}, in: "Atlantis", wantErr: ErrValue},
		{name: "country unknown empty", spec: transformSpec{Op: "country", Unknown: "empty"}, in: "Atlantis", want: "", warns: 1},
		{name: "country aggregate", spec: transformSpec{Op: "country"}, in: "WLD", wantErr: ErrValue},
		{name: "country code op", spec: transformSpec{Op: "country_code"}, in: "deu", want: "DEU"},
		{name: "country code op name", spec: transformSpec{Op: "country_code"}, in: "Germany", wantErr: ErrValue},
		{name: "country name op", spec: transformSpec{Op: "country_name"}, in: "CIV", want: "Côte d'Ivoire"},
		{name: "country name op unknown", spec: transformSpec{Op: "country_name"}, in: "ZZZ", wantErr: ErrValue},
		{name: "url relative", spec: transformSpec{Op: "url"}, base: "https://www.nao.org.uk/search/page/2/", in: "/reports/army-2020/", want: "https://www.nao.org.uk/reports/army-2020/"},
		{name: "url absolute", spec: transformSpec{Op: "url"}, base: "https://a.example/", in: "https://b.example/x", want: "https://b.example/x"},
		{name: "url javascript", spec: transformSpec{Op: "url"}, base: "https://a.example/", in: "javascript:void(0)", want: "", warns: 1},
		{name: "url from a local file", spec: transformSpec{Op: "url"}, base: "file:///data/list.html", in: "report.html", want: "", warns: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nf := tt.num
			if nf.decimal == 0 {
				nf = num
			}
			tr, err := compileTransform("t", &tt.spec, nf)
			if err != nil {
				t.Fatalf("compileTransform(%+v) error = %v", tt.spec, err)
			}
			ctx, w := collect.WithWarnings(context.Background())
			r := newRow(&mapping{}, "test", fakeRecord{url: tt.base})
			got, err := tr.apply(ctx, r, tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("%s(%q) = %q, %v; want an error wrapping %v", tt.spec.Op, tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("%s(%q) = %q, %v; want %q", tt.spec.Op, tt.in, got, err, tt.want)
			}
			if n := len(w.List()); n != tt.warns {
				t.Errorf("%s(%q) warnings = %q, want %d", tt.spec.Op, tt.in, w.List(), tt.warns)
			}
		})
	}
}

func TestIntegerText(t *testing.T) {
	for in, want := range map[string]string{"2018": "2018", "2018.0": "2018", "-3": "-3", " 7.00 ": "7"} {
		if got, err := integerText(in); err != nil || got != want {
			t.Errorf("integerText(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"2018.5", "x", "1e300"} {
		if got, err := integerText(in); !errors.Is(err, ErrValue) {
			t.Errorf("integerText(%q) = %q, %v; want ErrValue", in, got, err)
		}
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		in      string
		want    []tmplPart
		wantErr bool
	}{
		{in: "{year}-{month}", want: []tmplPart{{name: "year"}, {lit: "-"}, {name: "month"}}},
		{in: "https://www.unroca.org/{slug}/report/{year}/", want: []tmplPart{{lit: "https://www.unroca.org/"}, {name: "slug"},
			{lit: "/report/"}, {name: "year"}, {lit: "/"}}},
		{in: "plain", want: []tmplPart{{lit: "plain"}}},
		{in: "{Year}", wantErr: true},
		{in: "{a", wantErr: true},
		{in: "a}", wantErr: true},
		{in: "{}", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseTemplate(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseTemplate(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !slices.Equal(got, tt.want) {
			t.Errorf("parseTemplate(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// shift moves the decimal point of the published digits by the places a
// field gives; its errors name what was wrong.
func TestShift(t *testing.T) {
	num, err := newNumberFormat(".", ",")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		v, places, want string
		err             bool
	}{
		{"820263", "6", "820263000000", false},
		{"70,105.6", "6", "70105600000", false},
		{"0.033", "2", "3.3", false}, // 0.033 × 100 is 3.3000000000000003
		{"1475222", "0", "1475222", false},
		{"5", "-3", "0.005", false},
		{"5", "six", "", true},
		{"five", "6", "", true},
	} {
		got, err := shift(num, tt.v, tt.places)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("shift(%q, %q) = %q, %v; want %q, error %v", tt.v, tt.places, got, err, tt.want, tt.err)
		}
	}
}
