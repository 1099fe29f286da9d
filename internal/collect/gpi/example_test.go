package gpi_test

import (
	"fmt"

	"github.com/defence-transparency/publish/internal/collect/gpi"
)

// The indicator names are the year sheets' headers in snake_case, whatever
// their case in the workbook.
func ExampleIndicator() {
	for _, h := range []string{"military expenditure (% gdp)", "Political Terror Scale", "deaths From external conflict", "battle deaths"} {
		name, ok := gpi.Indicator(h)
		fmt.Printf("%-32q %s %v\n", h, name, ok)
	}
	// Output:
	// "military expenditure (% gdp)"   gpi_military_expenditure_pct_gdp true
	// "Political Terror Scale"         gpi_political_terror_scale true
	// "deaths From external conflict"  gpi_deaths_from_external_conflict true
	// "battle deaths"                   false
}
