package unroca

import (
	"errors"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		name  string
		entry Entry
		want  string
		warn  bool
	}{
		{"by code", Entry{"Austria", "austria", "AT"}, "AUT", false},
		{"code in lower case", Entry{"Austria", "austria", "at"}, "AUT", false},
		{"code wins over a name of another state", Entry{"Niger", "niger", "NG"}, "NGA", true},
		{"by name", Entry{Name: "Côte d'Ivoire", Slug: "cote-divoire"}, "CIV", false},
		{"by slug", Entry{Slug: "lao-peoples-democratic-republic"}, "LAO", false},
		{"by slug of a UN name", Entry{Slug: "democratic-peoples-republic-of-korea"}, "PRK", false},
		{"code not in the registry", Entry{"Republic of Korea", "republic-of-korea", "QQ"}, "KOR", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, warning, err := Lookup(tt.entry)
			if err != nil || c.ISO3 != tt.want || (warning != "") != tt.warn {
				t.Errorf("Lookup(%+v) = %s, %q, %v; want %s, warning %v", tt.entry, c.ISO3, warning, err, tt.want, tt.warn)
			}
		})
	}
	for name, e := range map[string]Entry{
		"unknown":   {Name: "Atlantis", Slug: "atlantis"},
		"aggregate": {Name: "World", Slug: "world"},
	} {
		t.Run(name, func(t *testing.T) {
			c, _, err := Lookup(e)
			if !errors.Is(err, ErrCountry) {
				t.Errorf("Lookup(%+v) = %s, %v; want an error wrapping ErrCountry", e, c.ISO3, err)
			}
		})
	}
}
