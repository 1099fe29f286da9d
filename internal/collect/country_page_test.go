package collect

import (
	"strings"
	"testing"
)

func TestCountryPageConfig(t *testing.T) {
	source := func(dataset, page string) string {
		return "[[source]]\nname = \"x\"\ndataset = \"" + dataset + "\"\ncollector = \"csv\"\nterms = \"open\"\nurls = [\"https://example.org/x.csv\"]\n" + page
	}
	good, err := ParseConfig([]byte(source("risk-reports", "[source.country_page]\nindicators = [\"a_score\", \"a_rank\"]\nlayout = \"gpi\"\nperiods = 6\n")))
	if err != nil {
		t.Fatal(err)
	}
	if p := good.Sources[0].CountryPage; p == nil || len(p.Indicators) != 2 || p.Layout != "gpi" || p.Periods != 6 {
		t.Errorf("country_page = %+v", p)
	}
	for _, tt := range []struct{ name, text, want string }{
		{"other dataset", source("audit-outcomes", "[source.country_page]\nindicators = [\"a\"]\n"), "is for risk-reports sources"},
		{"no indicators", source("risk-reports", "[source.country_page]\nlayout = \"gpi\"\n"), "indicators is empty"},
		{"bad indicator", source("risk-reports", "[source.country_page]\nindicators = [\"A B\"]\n"), "not an indicator code"},
		{"bad layout", source("risk-reports", "[source.country_page]\nindicators = [\"a\"]\nlayout = \"../x\"\n"), "layout"},
		{"negative periods", source("risk-reports", "[source.country_page]\nindicators = [\"a\"]\nperiods = -1\n"), "periods"},
		{"unknown setting", source("risk-reports", "[source.country_page]\nindicators = [\"a\"]\ncolumns = 2\n"), "unknown field"},
	} {
		if _, err := ParseConfig([]byte(tt.text)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseConfig = %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}
