package crisiswatch_test

import (
	"fmt"

	"github.com/defence-transparency/publish/internal/collect/crisiswatch"
)

// ParsePage reads the entries of one page of the database listing and the
// link to the next page.
func ExampleParsePage() {
	body := []byte(`<html><body>
<div class="c-crisiswatch-entry u-pr" data-entry-country="yemen">
  <h3 class="u-df u-aic"><span class="o-icon"><svg><use xlink:href="#deteriorated"></use></svg></span>
    <span class="o-icon"><svg><use xlink:href="#risk-alert"></use></svg></span> Yemen</h3>
  <time class="u-ttu">October 2025</time>
  <div class="o-crisis-states__detail"><p><strong>Fighting &amp; air strikes.</strong> More text.</p></div>
</div>
<nav class="o-pagination"><a rel="next" href="?page=1">Next</a></nav>
</body></html>`)
	p, err := crisiswatch.ParsePage(crisiswatch.DatabaseURL, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range p.Entries {
		fmt.Println(e.Name, e.Month, e.Trends, e.Alerts)
		fmt.Println(e.Summary)
		fmt.Println(e.Link)
	}
	fmt.Println("next:", p.Next)
	// Output:
	// Yemen 2025-10 [deteriorated] [conflict_risk_alert]
	// Fighting & air strikes. More text.
	// https://www.crisisgroup.org/crisiswatch/october-2025#yemen
	// next: https://www.crisisgroup.org/crisiswatch/database?page=1
}
