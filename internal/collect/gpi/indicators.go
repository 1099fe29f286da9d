package gpi

import (
	"strings"
	"unicode"
)

// Units of the records.
const (
	// UnitScore is the scale of the overall score, the domain scores and
	// the 23 indicator scores: IEP bands qualitative indicators into five
	// groups and scales quantitative ones from 1 to 5 to three decimals.
	UnitScore = "score 1-5 (1 = most peaceful)"
	// UnitRank is the position among the states scored that year.
	UnitRank = "rank"
)

// Indicator names of the overall results.
const (
	OverallScore = "gpi_overall_score"
	OverallRank  = "gpi_overall_rank"
)

// indicators maps the headers of the year sheets, as Indicator normalises
// them, to the indicator names of the records. Each name is "gpi_" and the
// header in snake_case, with "%" written "pct" and the brackets dropped, so
// "military expenditure (% gdp)" is gpi_military_expenditure_pct_gdp. The
// table pins the names: a header that is not in it is reported and left out,
// so that a new column in a future release is named and given a unit here,
// on purpose, instead of appearing under a guessed one. The older releases'
// domain sheets (Safety and Security, Ongoing Conflict, Militarisation) map
// to the same names as the domain columns of the year sheets.
//
//	header                              indicator
//	perceptions of criminality          gpi_perceptions_of_criminality
//	homicide rate                       gpi_homicide_rate
//	police rate                         gpi_police_rate
//	incarceration rate                  gpi_incarceration_rate
//	access to small arms                gpi_access_to_small_arms
//	intensity of internal conflict      gpi_intensity_of_internal_conflict
//	violent demonstrations              gpi_violent_demonstrations
//	violent crime                       gpi_violent_crime
//	political instability               gpi_political_instability
//	political terror scale              gpi_political_terror_scale
//	weapons imports                     gpi_weapons_imports
//	terrorism impact                    gpi_terrorism_impact
//	deaths from internal conflict       gpi_deaths_from_internal_conflict
//	internal conflicts fought           gpi_internal_conflicts_fought
//	military expenditure (% gdp)        gpi_military_expenditure_pct_gdp
//	armed services personnel rate       gpi_armed_services_personnel_rate
//	un peacekeeping funding             gpi_un_peacekeeping_funding
//	nuclear and heavy weapons           gpi_nuclear_and_heavy_weapons
//	weapons exports                     gpi_weapons_exports
//	refugees and idps                   gpi_refugees_and_idps
//	neighbouring countries relations    gpi_neighbouring_countries_relations
//	external conflicts fought           gpi_external_conflicts_fought
//	deaths from external conflict       gpi_deaths_from_external_conflict
//	overall score                       gpi_overall_score (checked against Overall Scores)
//	internal peace                      gpi_internal_peace
//	external peace                      gpi_external_peace
//	safety and security                 gpi_safety_and_security
//	ongoing conflict                    gpi_ongoing_conflict
//	militarisation                      gpi_militarisation
var indicators = func() map[string]string {
	m := make(map[string]string, len(indicatorHeaders))
	for _, h := range indicatorHeaders {
		m[h] = Slug(h)
	}
	return m
}()

// indicatorHeaders lists the headers of the table above in the order of the
// 2025 release's year sheets.
var indicatorHeaders = []string{
	"perceptions of criminality",
	"homicide rate",
	"police rate",
	"incarceration rate",
	"access to small arms",
	"intensity of internal conflict",
	"violent demonstrations",
	"violent crime",
	"political instability",
	"political terror scale",
	"weapons imports",
	"terrorism impact",
	"deaths from internal conflict",
	"internal conflicts fought",
	"military expenditure (% gdp)",
	"armed services personnel rate",
	"un peacekeeping funding",
	"nuclear and heavy weapons",
	"weapons exports",
	"refugees and idps",
	"neighbouring countries relations",
	"external conflicts fought",
	"deaths from external conflict",
	"overall score",
	"internal peace",
	"external peace",
	"safety and security",
	"ongoing conflict",
	"militarisation",
}

// Indicator returns the indicator name of a year-sheet header, whatever its
// case and spacing, and whether the header is one this package knows.
func Indicator(header string) (string, bool) {
	name, ok := indicators[normalizeHeader(header)]
	return name, ok
}

// normalizeHeader lower-cases a header and collapses its spaces: the
// releases write "Access to small arms" and "access to small arms",
// "deaths From external conflict".
func normalizeHeader(h string) string {
	return strings.ToLower(strings.Join(strings.Fields(h), " "))
}

// Slug returns "gpi_" and header in snake_case: lower case, "%" written
// "pct", every run of other characters but letters and digits one "_".
func Slug(header string) string {
	var b strings.Builder
	b.WriteString("gpi")
	sep := true
	for _, r := range strings.ToLower(strings.ReplaceAll(header, "%", " pct ")) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if sep {
				b.WriteByte('_')
				sep = false
			}
			b.WriteRune(r)
			continue
		}
		sep = true
	}
	return b.String()
}

// codeAliases maps the geocodes IEP uses that are not the registry's to the
// registry's codes. IEP writes KSV for Kosovo; this project codes Kosovo
// XKX, as the EU and the World Bank do (see internal/country).
var codeAliases = map[string]string{
	"KSV": "XKX",
}
