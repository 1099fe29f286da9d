package unroca

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseList(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []Entry
		next string
	}{
		{"array", `[{"name_en": "Austria", "countryname_slug": "austria", "iso_2_acronym": "AT"},
			{"name_en": "Côte d'Ivoire", "countryname_slug": "cote-divoire", "iso_2_acronym": "CI", "id": 52}]`,
			[]Entry{{"Austria", "austria", "AT"}, {"Côte d'Ivoire", "cote-divoire", "CI"}}, ""},
		{"only slugs", `[{"countryname_slug": "guinea-bissau"}]`, []Entry{{Slug: "guinea-bissau"}}, ""},
		{"paginated", `{"count": 3, "next": "https://www.unroca.org/api/country-list/?page=2", "previous": null,
			"results": [{"name_en": "Austria", "countryname_slug": "austria", "iso_2_acronym": "AT"}]}`,
			[]Entry{{"Austria", "austria", "AT"}}, "https://www.unroca.org/api/country-list/?page=2"},
		{"last page", `{"next": null, "results": []}`, []Entry{}, ""},
		{"empty", ` [] `, []Entry{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, next, err := ParseList([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseList() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || next != tt.next {
				t.Errorf("ParseList() next = %q, want %q; entries (-want +got):\n%s", next, tt.next, diff)
			}
		})
	}
	for name, body := range map[string]string{
		"html":               `<!DOCTYPE html><html><body>Maintenance</body></html>`,
		"object":             `{"detail": "Not found."}`,
		"slug with a path":   `[{"countryname_slug": "../admin"}]`,
		"slug upper case":    `[{"countryname_slug": "Austria"}]`,
		"no slug":            `[{"name_en": "Austria"}]`,
		"truncated":          `[{"name_en": "Austria", "countryname_sl`,
		"slug not a string":  `[{"countryname_slug": 12}]`,
		"results not a list": `{"results": {"austria": {}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			got, _, err := ParseList([]byte(body))
			if !errors.Is(err, ErrFormat) || got != nil {
				t.Errorf("ParseList(%q) = %v, %v; want nil, an error wrapping ErrFormat", body, got, err)
			}
		})
	}
}

func TestParseProfile(t *testing.T) {
	body := `{"country": {"name_en": "Fiji", "countryname_slug": "fiji", "iso_2_acronym": "FJ"},
		"available_reports": [{"year": 2015}, {"year": 2007}, {"year": 2007}, {"year": 1992}], "hw_imp": []}`
	got, err := ParseProfile([]byte(body))
	if err != nil {
		t.Fatalf("ParseProfile() error = %v", err)
	}
	want := &Profile{Country: Entry{"Fiji", "fiji", "FJ"}, Years: []int{2015, 2007, 1992}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseProfile() mismatch (-want +got):\n%s", diff)
	}

	none, err := ParseProfile([]byte(`{"country": {"countryname_slug": "guinea-bissau"}, "available_reports": []}`))
	if err != nil || len(none.Years) != 0 {
		t.Errorf("ParseProfile(no reports) = %+v, %v; want no years", none, err)
	}

	for name, body := range map[string]string{
		"html":                 `<html><body>Service unavailable</body></html>`,
		"no available_reports": `{"country": {"countryname_slug": "fiji"}}`,
		"null reports":         `{"country": {"countryname_slug": "fiji"}, "available_reports": null}`,
		"no country":           `{"available_reports": [{"year": 2015}]}`,
		"year as text":         `{"country": {}, "available_reports": [{"year": "2015"}]}`,
		"no year":              `{"country": {}, "available_reports": [{"date": "2015-05-31"}]}`,
		"list":                 `[{"year": 2015}]`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ParseProfile([]byte(body))
			if !errors.Is(err, ErrFormat) || got != nil {
				t.Errorf("ParseProfile(%q) = %+v, %v; want nil, an error wrapping ErrFormat", body, got, err)
			}
		})
	}
}
