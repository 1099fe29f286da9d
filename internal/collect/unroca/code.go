package unroca

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/defence-transparency/publish/internal/country"
)

// ErrCountry reports a state the registry in internal/country does not hold,
// or holds as an aggregate: the registry (or its aliases.csv) is out of date.
var ErrCountry = errors.New("country registry out of date")

// byISO2 maps ISO 3166-1 alpha-2 codes to the registry's entries.
var byISO2 = sync.OnceValue(func() map[string]country.Country {
	m := map[string]country.Country{}
	for _, c := range country.All() {
		if c.ISO2 != "" && c.IsState() {
			m[c.ISO2] = c
		}
	}
	return m
})

// Lookup returns the registry's entry for a state of the country list: by
// its ISO 3166-1 alpha-2 code, else by its English name, else by its slug
// read as a name ("republic-of-korea"), which aliases.csv spells out where
// the registry's names differ. A name that names another state than the
// code is reported in warning; the code wins. A state found by none of them
// is an error wrapping ErrCountry.
func Lookup(e Entry) (c country.Country, warning string, err error) {
	byName := func() (country.Country, bool) {
		if e.Name != "" {
			if c, ok := country.ByName(e.Name); ok {
				return c, true
			}
		}
		return country.ByName(e.Slug)
	}
	if iso2 := strings.ToUpper(strings.TrimSpace(e.ISO2)); iso2 != "" {
		if c, ok := byISO2()[iso2]; ok {
			if n, ok := byName(); ok && n.ISO3 != c.ISO3 {
				warning = fmt.Sprintf("%s (%s): its code %s is %s, its name %s; the code is kept", e.Name, e.Slug, iso2, c.ISO3, n.ISO3)
			}
			return c, warning, nil
		}
		warning = fmt.Sprintf("%s (%s): the code %s is not in the registry; the state is found by its name", e.Name, e.Slug, iso2)
	}
	c, ok := byName()
	switch {
	case !ok:
		return country.Country{}, "", fmt.Errorf("%q (slug %s, code %q) is not in the registry: %w", e.Name, e.Slug, e.ISO2, ErrCountry)
	case !c.IsState():
		return country.Country{}, "", fmt.Errorf("%q (slug %s) is the aggregate %s in the registry: %w", e.Name, e.Slug, c.ISO3, ErrCountry)
	}
	return c, warning, nil
}
