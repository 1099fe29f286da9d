// Package atlas holds the outlines of the world's countries for the site's
// maps, and which countries share a border. world.json is made once from
// Natural Earth's public-domain boundaries by gen/main.go (see README.md);
// nothing reads Natural Earth at publish time.
package atlas

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
)

//go:embed world.json
var worldJSON []byte

// Source is the credit line of the boundaries.
const Source = "Natural Earth (public domain), 1:50m country boundaries, via world-atlas"

// Atlas is the world map: the countries' outlines as SVG path data in a
// Width × Height box (Equal Earth projection), keyed by ISO 3166 alpha-3
// code.
type Atlas struct {
	Width, Height int
	Countries     []Country
	// Unassigned are areas Natural Earth draws apart that have no code of
	// their own (Somaliland, Northern Cyprus, the Siachen Glacier); a map
	// draws them as having no data.
	Unassigned []Country
	byCode     map[string]int
}

// Country is one country's outline.
type Country struct {
	ISO3 string `json:"iso3,omitempty"`
	Name string `json:"name"` // Natural Earth's name, for the file's readers; the site uses its own
	// D is the outline as SVG path data.
	D string `json:"d"`
	// Neighbours are the countries it shares a border with, by code,
	// sorted.
	Neighbours []string `json:"neighbours,omitempty"`
}

var load = sync.OnceValues(func() (*Atlas, error) { return parse(worldJSON) })

// World returns the atlas embedded in the binary.
func World() (*Atlas, error) { return load() }

func parse(b []byte) (*Atlas, error) {
	var f struct {
		Width, Height int
		Countries     []Country
		Unassigned    []Country
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("atlas: world.json: %w", err)
	}
	a := &Atlas{Width: f.Width, Height: f.Height, Countries: f.Countries, Unassigned: f.Unassigned, byCode: map[string]int{}}
	if a.Width <= 0 || a.Height <= 0 {
		return nil, fmt.Errorf("atlas: world.json: no size")
	}
	for i, c := range a.Countries {
		if len(c.ISO3) != 3 || c.D == "" {
			return nil, fmt.Errorf("atlas: world.json: country %d (%q) has no code or no outline", i, c.Name)
		}
		if _, dup := a.byCode[c.ISO3]; dup {
			return nil, fmt.Errorf("atlas: world.json: %s twice", c.ISO3)
		}
		a.byCode[c.ISO3] = i
	}
	return a, nil
}

// Lookup returns a country's outline, and false when the atlas does not
// draw it (a state too small for the map's scale, or a former state).
func (a *Atlas) Lookup(iso3 string) (Country, bool) {
	i, ok := a.byCode[iso3]
	if !ok {
		return Country{}, false
	}
	return a.Countries[i], true
}

// Neighbours returns the countries that share a border with iso3.
func (a *Atlas) Neighbours(iso3 string) []string {
	c, _ := a.Lookup(iso3)
	return c.Neighbours
}
