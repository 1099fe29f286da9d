package unmilex_test

import (
	"fmt"

	"github.com/defence-transparency/publish/internal/collect/unmilex"
)

// A single-figure report as the site renders it.
func ExampleParse() {
	page := `<div class="report loaded">
<p>The Government of Armenia, with reference to General Assembly resolution A/RES/74/24, hereby informs the United
Nations that its total military expenditures in the fiscal year 2019 were 298,100.2 million AMD</p>
<div class="currency-and-unit"><p>National Currency</p><p>: Armenian Dram (AMD)</p></div>
<div class="currency-and-unit"><p>Unit of Measure</p><p>: Million</p></div>
</div>`
	r, err := unmilex.Parse([]byte(page))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Kind, r.FiscalYear, r.Total, r.Unit, r.Currency)
	// Output: single_figure 2019 298100.2 Million AMD
}

func ExampleParseNumber() {
	for _, text := range []string{"549,424,202,980", "70,105.6", "", "70.105,6"} {
		v, ok, err := unmilex.ParseNumber(text)
		fmt.Println(v, ok, err)
	}
	// Output:
	// 5.4942420298e+11 true <nil>
	// 70105.6 true <nil>
	// 0 false <nil>
	// 0 false "70.105,6": not a number in the site's format
}
