package unroca_test

import (
	"fmt"

	"github.com/defence-transparency/publish/internal/collect/unroca"
)

// A state's profile as the API answers it, and the registry code of the
// state.
func ExampleParseProfile() {
	p, err := unroca.ParseProfile([]byte(`{"country": {"name_en": "Côte d'Ivoire", "countryname_slug": "cote-divoire", "iso_2_acronym": "CI"},
		"available_reports": [{"year": 2009}, {"year": 2004}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _, err := unroca.Lookup(p.Country)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.ISO3, p.Years, unroca.ReportURL(p.Country.Slug, p.Years[0]))
	// Output: CIV [2009 2004] https://www.unroca.org/cote-divoire/report/2009/
}
