package pipeline

import (
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// The README says each measure's one unit, how to get a figure back as its
// source published it, which rows are aggregates, and what each source's
// last collection left out, with a count.
func TestReadmeUnitsAggregatesAndLeftOut(t *testing.T) {
	sources := []collect.Source{{Name: "sipri", Title: "SIPRI"}, {Name: "worldbank", Title: "World Bank"}}
	leftOut := map[string][]string{"sipri": {"sipri: the text of 3 numbered footnotes (sheet Footnotes) is not published"}}
	desc := describe(dataset.MilitaryExpenditure, map[string]int{"sipri": 10, "worldbank": 5}, nil, leftOut, sources, nil, []byte("PAR1"), 15, true)
	if got := desc.Sources[0].LeftOut; len(got) != 1 {
		t.Fatalf("descriptor's left out = %q", got)
	}
	desc.Version, desc.Created = "2026-11-25", "2026-11-25T06:00:00Z"
	readme := string(Readme(dataset.MilitaryExpenditure, desc))
	for _, want := range []string{
		"## Units",
		"| `share_of_gdp` | percent | percent of gross domestic product",
		"| `constant_usd_<base year>` | US$ m |",
		"| percent | fraction | `value` ÷ 100 |",
		"| US$ m | US$ | `value` × 1,000,000 |",
		"         WHEN 'fraction' THEN value / 1e2\n",
		"         WHEN 'US$' THEN value * 1e6\n",
		"## Aggregates",
		"Select `WHERE NOT aggregate` for states only.",
		"- Left out by its last collection (1):\n  - sipri: the text of 3 numbered footnotes",
		"- Left out by its last collection: nothing",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q:\n%s", want, readme)
		}
	}
	// A dataset without units or aggregates has neither section.
	other := string(Readme(dataset.AuditOutcomes, nil))
	if strings.Contains(other, "## Units") || strings.Contains(other, "## Aggregates") {
		t.Errorf("audit-outcomes' README has a units or aggregates section")
	}
}
