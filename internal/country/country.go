// Package country holds the registry of country codes that every dataset keys
// on: ISO 3166-1 alpha-3 codes, the codes this project uses for states that no
// longer exist, and the aggregates (regions, income groups) that sources mix
// in with countries.
//
// The coding scheme (README.md and each dataset's schema point here):
//   - current states and territories use their ISO 3166-1 alpha-3 code;
//   - former states use their ISO 3166-3 alpha-3 code where ISO kept one (SUN,
//     YUG, CSK, DDR, YMD);
//   - states with no code of their own use the user-assigned X range that ISO
//     3166 reserves for this purpose: XKX for Kosovo (as the EU and the World
//     Bank use it) and XYN for North Yemen (the Yemen Arab Republic, 1962-1990),
//     whose ISO code YEM passed to unified Yemen;
//   - aggregates keep the code of the source that publishes them (World Bank
//     codes such as WLD or EUU) and are never treated as countries;
//   - aggregates whose publisher gives no code get one in the user-assigned X
//     range, one per grouping of states: SIPRI's regions XAF (Africa), XNF
//     (North Africa), XSF (sub-Saharan Africa), XAM (Americas), XCR (Central
//     America and the Caribbean), XNA (North America), XSM (South America),
//     XAO (Asia and Oceania), XOC (Oceania), XSA (South Asia), XEA (East
//     Asia), XSE (South East Asia), XCA (Central Asia), XEP (Europe), XCE
//     (Central Europe), XEE (Eastern Europe), XWE (Western Europe) and XME
//     (Middle East), XEU for the European Union as a spender in its own
//     right (SIPRI's European Union row: spending from the EU budget, not the
//     sum of its members, which is the World Bank's EUU), and NATO's totals
//     XNT (all allies) and XNE (NATO Europe and Canada). Two aggregates
//     share a code only when they group the same states: SIPRI's world and
//     the World Bank's are both WLD, but SIPRI's North America (Canada and
//     the United States) is XNA, not the World Bank's NAC.
//
// aggregates.csv says which code each publisher's aggregate names stand
// for (AggregateOf), since one name ("North America", "European Union")
// means different groupings at different publishers.
package country

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind says what a code stands for.
type Kind string

// The kinds of entry in the registry.
const (
	KindCountry    Kind = "country"    // a sovereign state today
	KindTerritory  Kind = "territory"  // a dependent territory with its own code
	KindHistorical Kind = "historical" // a state that no longer exists
	KindAggregate  Kind = "aggregate"  // a region, income group or union of states
)

// Country is one entry of the registry.
type Country struct {
	ISO3 string // ISO 3166-1 alpha-3, ISO 3166-3 alpha-3 or a documented user-assigned code
	ISO2 string // ISO 3166-1 alpha-2 where one exists
	Name string // English short name, as the datasets' country_name gives it ("Korea, South")
	// Prose is the name a reader knows, for titles and sentences ("South
	// Korea"), and Article the article it takes inside a sentence ("the"
	// for "the United States"), from prose.csv: the datasets keep Name, a
	// sort key for some states, and the site reads Prose.
	Prose   string
	Article string
	Kind    Kind
	From    int // first year of existence for historical states and Kosovo, else 0
	To      int // last year of existence for historical states, else 0
}

// InProse returns the name as it reads inside a sentence: "the United
// States", "South Korea".
func (c Country) InProse() string {
	if c.Article == "" {
		return c.Prose
	}
	return c.Article + " " + c.Prose
}

// IsState reports whether c is a state or territory that has its own
// figures, as opposed to an aggregate of several.
func (c Country) IsState() bool { return c.Kind != KindAggregate }

//go:embed countries.csv
var countriesCSV []byte

//go:embed aliases.csv
var aliasesCSV []byte

//go:embed aggregates.csv
var aggregatesCSV []byte

//go:embed prose.csv
var proseCSV []byte

type registry struct {
	byCode map[string]Country
	byName map[string]string // normalized name or alias -> ISO3
	// aggregates maps a publisher and the normalized name it gives an
	// aggregate to the aggregate's code.
	aggregates map[[2]string]string
	all        []Country
	aliases    map[string][]string // ISO3 -> the aliases of aliases.csv, in its order
}

var load = sync.OnceValue(func() *registry {
	r, err := parse(countriesCSV, aliasesCSV, aggregatesCSV, proseCSV)
	if err != nil {
		// The files are embedded and checked by the tests, so this is a build defect.
		panic(err)
	}
	return r
})

func parse(countries, aliases, aggregates, prose []byte) (*registry, error) {
	r := &registry{byCode: map[string]Country{}, byName: map[string]string{}, aggregates: map[[2]string]string{},
		aliases: map[string][]string{}}
	recs, err := csv.NewReader(bytes.NewReader(countries)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("country: read countries.csv: %w", err)
	}
	for i, rec := range recs[1:] {
		if len(rec) != 6 {
			return nil, fmt.Errorf("country: countries.csv line %d: want 6 fields, got %d", i+2, len(rec))
		}
		c := Country{ISO3: rec[0], ISO2: rec[1], Name: rec[2], Prose: rec[2], Kind: Kind(rec[3])}
		if c.From, err = year(rec[4]); err != nil {
			return nil, fmt.Errorf("country: countries.csv line %d: from: %w", i+2, err)
		}
		if c.To, err = year(rec[5]); err != nil {
			return nil, fmt.Errorf("country: countries.csv line %d: to: %w", i+2, err)
		}
		if _, dup := r.byCode[c.ISO3]; dup {
			return nil, fmt.Errorf("country: countries.csv: duplicate code %s", c.ISO3)
		}
		r.byCode[c.ISO3] = c
		r.all = append(r.all, c)
		r.byName[normalize(c.Name)] = c.ISO3
	}
	recs, err = csv.NewReader(bytes.NewReader(aliases)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("country: read aliases.csv: %w", err)
	}
	for i, rec := range recs[1:] {
		if _, ok := r.byCode[rec[1]]; !ok {
			return nil, fmt.Errorf("country: aliases.csv line %d: unknown code %s", i+2, rec[1])
		}
		key := normalize(rec[0])
		if prev, dup := r.byName[key]; dup && prev != rec[1] {
			return nil, fmt.Errorf("country: aliases.csv line %d: %q already names %s", i+2, rec[0], prev)
		}
		r.byName[key] = rec[1]
		r.aliases[rec[1]] = append(r.aliases[rec[1]], rec[0])
	}
	recs, err = csv.NewReader(bytes.NewReader(aggregates)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("country: read aggregates.csv: %w", err)
	}
	for i, rec := range recs[1:] {
		if len(rec) != 3 {
			return nil, fmt.Errorf("country: aggregates.csv line %d: want 3 fields, got %d", i+2, len(rec))
		}
		c, ok := r.byCode[rec[2]]
		switch {
		case !ok:
			return nil, fmt.Errorf("country: aggregates.csv line %d: unknown code %s", i+2, rec[2])
		case c.Kind != KindAggregate:
			return nil, fmt.Errorf("country: aggregates.csv line %d: %s is a %s, not an aggregate", i+2, rec[2], c.Kind)
		}
		key := [2]string{normalize(rec[0]), normalize(rec[1])}
		if prev, dup := r.aggregates[key]; dup {
			return nil, fmt.Errorf("country: aggregates.csv line %d: %s's %q already names %s", i+2, rec[0], rec[1], prev)
		}
		r.aggregates[key] = rec[2]
	}
	recs, err = csv.NewReader(bytes.NewReader(prose)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("country: read prose.csv: %w", err)
	}
	for i, rec := range recs[1:] {
		if len(rec) != 3 {
			return nil, fmt.Errorf("country: prose.csv line %d: want 3 fields, got %d", i+2, len(rec))
		}
		c, ok := r.byCode[rec[0]]
		if !ok {
			return nil, fmt.Errorf("country: prose.csv line %d: unknown code %s", i+2, rec[0])
		}
		if rec[1] != "" {
			c.Prose = rec[1]
			r.byName[normalize(c.Prose)] = c.ISO3
		}
		c.Article = rec[2]
		r.byCode[c.ISO3] = c
	}
	r.all = r.all[:0]
	for _, c := range r.byCode {
		r.all = append(r.all, c)
	}
	sort.Slice(r.all, func(i, j int) bool { return r.all[i].ISO3 < r.all[j].ISO3 })
	return r, nil
}

// AggregateOf returns the aggregate that publisher (as aggregates.csv names
// it: "SIPRI") calls name, ignoring case, accents and punctuation. It
// reports false when the publisher has no aggregate of that name: the name
// may then be a state's (ByName).
func AggregateOf(publisher, name string) (Country, bool) {
	r := load()
	code, ok := r.aggregates[[2]string{normalize(publisher), normalize(name)}]
	if !ok {
		return Country{}, false
	}
	return r.byCode[code], true
}

// HasAggregates reports whether aggregates.csv names any aggregate of
// publisher.
func HasAggregates(publisher string) bool {
	p := normalize(publisher)
	for k := range load().aggregates {
		if k[0] == p {
			return true
		}
	}
	return false
}

// year reads an optional year: empty is 0.
func year(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// normalize folds case, accents, punctuation and spacing so that "Côte
// d’Ivoire", "Cote d'Ivoire" and "COTE D IVOIRE" compare equal.
func normalize(name string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// Lookup returns the entry for an alpha-3 code. It reports false for a code
// that is not in the registry.
func Lookup(iso3 string) (Country, bool) {
	c, ok := load().byCode[iso3]
	return c, ok
}

// ByName returns the entry whose name or a known alias matches name, ignoring
// case, accents and punctuation. It reports false when no entry matches.
func ByName(name string) (Country, bool) {
	r := load()
	code, ok := r.byName[normalize(name)]
	if !ok {
		return Country{}, false
	}
	return r.byCode[code], true
}

// Aliases returns the other names that publishers give each entry (from
// aliases.csv: "Cape Verde" for Cabo Verde), by code. The map is a copy.
func Aliases() map[string][]string {
	out := map[string][]string{}
	for code, as := range load().aliases {
		out[code] = append([]string(nil), as...)
	}
	return out
}

// All returns every entry sorted by code. The slice is a copy.
func All() []Country {
	return append([]Country(nil), load().all...)
}
