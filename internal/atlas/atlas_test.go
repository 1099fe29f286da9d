package atlas

import (
	"slices"
	"testing"
)

func TestWorld(t *testing.T) {
	a, err := World()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Countries) < 200 {
		t.Errorf("%d countries, want the 200 or so Natural Earth draws at 1:50m", len(a.Countries))
	}
	for _, code := range []string{"DEU", "USA", "FJI", "RUS", "XKX", "LUX"} {
		if _, ok := a.Lookup(code); !ok {
			t.Errorf("Lookup(%s) = false, want its outline", code)
		}
	}
	if _, ok := a.Lookup("ATA"); ok {
		t.Error("Antarctica is drawn, want it left out")
	}
	tests := []struct {
		code string
		want []string
	}{
		{"DEU", []string{"AUT", "BEL", "CHE", "CZE", "DNK", "FRA", "LUX", "NLD", "POL"}},
		{"PRT", []string{"ESP"}},
		{"ISL", nil},
		{"AUS", nil},
	}
	for _, tt := range tests {
		if got := a.Neighbours(tt.code); !slices.Equal(got, tt.want) {
			t.Errorf("Neighbours(%s) = %v, want %v", tt.code, got, tt.want)
		}
	}
	// A border is shared both ways.
	for _, c := range a.Countries {
		for _, n := range c.Neighbours {
			if !slices.Contains(a.Neighbours(n), c.ISO3) {
				t.Errorf("%s borders %s, but not the other way", c.ISO3, n)
			}
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		`{`,
		`{"width":0,"height":1}`,
		`{"width":1,"height":1,"countries":[{"iso3":"DE","d":"M0 0Z"}]}`,
		`{"width":1,"height":1,"countries":[{"iso3":"DEU","d":"M0 0Z"},{"iso3":"DEU","d":"M0 0Z"}]}`,
	} {
		if _, err := parse([]byte(in)); err == nil {
			t.Errorf("parse(%s) = nil error, want one", in)
		}
	}
}
