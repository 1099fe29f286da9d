package country

import (
	"strings"
	"testing"
)

func TestByName(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"United States of America", "USA"},
		{"Congo, DR", "COD"},
		{"Cote d'Ivoire", "CIV"},
		{"Côte d’Ivoire", "CIV"},
		{"Türkiye", "TUR"},
		{"Turkey", "TUR"},
		{"USSR", "SUN"},
		{"Yemen, North", "XYN"},
		{"Yemen", "YEM"},
		{"German Democratic Republic", "DDR"},
		{"Czechoslovakia", "CSK"},
		{"Yugoslavia", "YUG"},
		{"Kosovo", "XKX"},
		{"European Union", "EUU"},
		{"  korea,  south ", "KOR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ByName(tt.name)
			if !ok || got.ISO3 != tt.want {
				t.Errorf("ByName(%q) = %q, %v; want %q", tt.name, got.ISO3, ok, tt.want)
			}
		})
	}
	if c, ok := ByName("Atlantis"); ok {
		t.Errorf("ByName(%q) = %v, want no match", "Atlantis", c)
	}
}

func TestRegistry(t *testing.T) {
	all := All()
	kinds := map[Kind]int{}
	for _, c := range all {
		kinds[c.Kind]++
		if len(c.ISO3) != 3 || c.Name == "" {
			t.Errorf("bad entry %+v", c)
		}
	}
	// ISO 3166-1 has 249 current codes; the registry adds Kosovo and the
	// Channel Islands, as the World Bank lists them.
	if got := kinds[KindCountry] + kinds[KindTerritory]; got != 249+2 {
		t.Errorf("countries and territories = %d, want %d", got, 251)
	}
	// 48 World Bank aggregates and INX, 18 SIPRI regions, the EU budget
	// and NATO's two totals.
	if got := kinds[KindAggregate]; got != 49+18+1+2 {
		t.Errorf("aggregates = %d, want %d", got, 49+18+1+2)
	}
	if got := kinds[KindHistorical]; got != 6 {
		t.Errorf("historical states = %d, want 6", got)
	}
	if c, _ := Lookup("WLD"); c.IsState() {
		t.Errorf("Lookup(WLD).IsState() = true, want false")
	}
	if c, _ := Lookup("SUN"); c.From != 1922 || c.To != 1991 || !c.IsState() {
		t.Errorf("Lookup(SUN) = %+v", c)
	}
}

func TestAggregateOf(t *testing.T) {
	tests := []struct {
		publisher, name string
		want            string
	}{
		{"SIPRI", "European Union", "XEU"}, // the EU budget, not the sum of its members
		{"SIPRI", "World", "WLD"},
		{"SIPRI", "North America", "XNA"},
		{"SIPRI", "Asia & Oceania", "XAO"},
		{"sipri", "SUB-SAHARAN AFRICA", "XSF"},
		{"SIPRI", "Middle East", "XME"},
	}
	for _, tt := range tests {
		c, ok := AggregateOf(tt.publisher, tt.name)
		if !ok || c.ISO3 != tt.want || c.IsState() {
			t.Errorf("AggregateOf(%q, %q) = %+v, %v; want the aggregate %s", tt.publisher, tt.name, c, ok, tt.want)
		}
	}
	for _, tt := range []struct{ publisher, name string }{{"SIPRI", "France"}, {"World Bank", "North America"}, {"SIPRI", "Atlantis"}} {
		if c, ok := AggregateOf(tt.publisher, tt.name); ok {
			t.Errorf("AggregateOf(%q, %q) = %+v, want none", tt.publisher, tt.name, c)
		}
	}
	// The World Bank's EU is the sum of its members, a different figure.
	if c, _ := ByName("European Union"); c.ISO3 != "EUU" {
		t.Errorf("ByName(European Union) = %s, want EUU", c.ISO3)
	}
}

func TestJoinedUN(t *testing.T) {
	tests := []struct {
		iso3 string
		want int
	}{{"SSD", 2011}, {"CHE", 2002}, {"MNE", 2006}, {"USA", 0}, {"DEU", 0}, {"XKX", 0}}
	for _, tt := range tests {
		if got := JoinedUN(tt.iso3); got != tt.want {
			t.Errorf("JoinedUN(%q) = %d, want %d", tt.iso3, got, tt.want)
		}
	}
	for code := range unAdmissions() {
		if c, ok := Lookup(code); !ok || c.Kind != KindCountry {
			t.Errorf("un_admissions.csv lists %s, which is not a current state in the registry", code)
		}
	}
}

// TestParseRejects checks that a mistake in the registry's files stops the
// registry from loading rather than giving a wrong entry.
func TestParseRejects(t *testing.T) {
	const header = "iso3,iso2,name,kind,from,to\n"
	const aliases = "alias,iso3,used_by\n"
	const aggregates = "publisher,name,iso3\n"
	tests := []struct {
		name                           string
		countries, aliases, aggregates string
	}{
		{"a year that is not a number", header + "SUN,SU,Soviet Union,historical,1922,199l\n", aliases, aggregates},
		{"a code twice", header + "FRA,FR,France,country,,\nFRA,FR,France,country,,\n", aliases, aggregates},
		{"an alias of an unknown code", header + "FRA,FR,France,country,,\n", aliases + "Gaul,GAU,test\n", aggregates},
		{"an alias naming two codes", header + "FRA,FR,France,country,,\nDEU,DE,Germany,country,,\n", aliases + "France,DEU,test\n", aggregates},
		{"an aggregate of an unknown code", header + "WLD,,World,aggregate,,\n", aliases, aggregates + "SIPRI,World,WLX\n"},
		{"an aggregate that is a state", header + "FRA,FR,France,country,,\n", aliases, aggregates + "SIPRI,France,FRA\n"},
		{"an aggregate name twice", header + "WLD,,World,aggregate,,\nXEU,,EU,aggregate,,\n", aliases, aggregates + "SIPRI,World,WLD\nSIPRI,world,XEU\n"},
		{"an aggregate line too short", header + "WLD,,World,aggregate,,\n", aliases, aggregates + "SIPRI,World\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parse([]byte(tt.countries), []byte(tt.aliases), []byte(tt.aggregates), []byte("iso3,name,article\n")); err == nil {
				t.Errorf("parse(%q, %q) = nil error, want one", tt.countries, tt.aliases)
			}
		})
	}
}

// TestProse checks the names the site writes in titles and sentences: a
// reader's name, not the sort key the datasets keep, with its article.
func TestProse(t *testing.T) {
	tests := []struct {
		code, name, prose, inProse string
	}{
		{"KOR", "Korea, South", "South Korea", "South Korea"},
		{"PRK", "Korea, North", "North Korea", "North Korea"},
		{"USA", "United States", "United States", "the United States"},
		{"GBR", "United Kingdom", "United Kingdom", "the United Kingdom"},
		{"COD", "Congo, Democratic Republic of the", "Democratic Republic of the Congo", "the Democratic Republic of the Congo"},
		{"DEU", "Germany", "Germany", "Germany"},
	}
	for _, tt := range tests {
		c, ok := Lookup(tt.code)
		if !ok {
			t.Fatalf("Lookup(%s) found nothing", tt.code)
		}
		if c.Name != tt.name || c.Prose != tt.prose || c.InProse() != tt.inProse {
			t.Errorf("Lookup(%s) = %q, %q, %q; want %q, %q, %q", tt.code, c.Name, c.Prose, c.InProse(), tt.name, tt.prose, tt.inProse)
		}
		if got, ok := ByName(tt.prose); !ok || got.ISO3 != tt.code {
			t.Errorf("ByName(%q) = %s, %v; want %s", tt.prose, got.ISO3, ok, tt.code)
		}
	}
	// No entry keeps a sort key ("Korea, South") as the name it is read by.
	for _, c := range All() {
		if strings.Contains(c.Prose, ", ") && c.Kind != KindAggregate && c.ISO3 != "BES" && c.ISO3 != "SHN" {
			t.Errorf("%s reads as %q: give it a name in prose.csv", c.ISO3, c.Prose)
		}
	}
}
