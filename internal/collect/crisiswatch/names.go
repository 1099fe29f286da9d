package crisiswatch

import (
	"github.com/defence-transparency/publish/internal/country"
)

// stateHeadings maps the CrisisWatch headings that name one state in words
// of their own to the state. Crisis Group tracks Russia's internal
// situation as "Russia (Internal)"; the war with Ukraine is Ukraine's
// entry. General spellings of state names ("DR Congo", "Republic of
// Congo") are aliases in internal/country/aliases.csv instead.
var stateHeadings = map[string]string{
	"Russia (Internal)": "RUS",
}

// State returns the state a CrisisWatch heading names, and false for the
// headings that name no single state. Those are left out of the dataset,
// whose rows are per state, and reported: headings spanning several states
// ("Israel/Palestine", "Korean Peninsula", "Nile Waters", "Eastern
// Mediterranean", "Sahel"), and regions within a state or disputed between
// states ("Nagorno-Karabakh (Azerbaijan)", "Kashmir", "Northern Ireland
// (UK)", "Somaliland"), whose trend is not their state's, which often has
// an entry of its own for the same month. Aggregates of the registry are
// no state either.
func State(heading string) (country.Country, bool) {
	if code, ok := stateHeadings[heading]; ok {
		return country.Lookup(code)
	}
	c, ok := country.ByName(heading)
	if !ok || !c.IsState() {
		return country.Country{}, false
	}
	return c, true
}
