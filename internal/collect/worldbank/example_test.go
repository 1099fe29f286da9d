package worldbank_test

import (
	"fmt"
	"log"

	"github.com/defence-transparency/publish/internal/collect/worldbank"
)

// A bare data CSV as the World Bank writes it: BOM, CRLF, a preamble, every
// field quoted and a comma at the end of each line. The World row is an
// aggregate, published and marked as one; empty cells give no record.
func ExampleParse() {
	body := "\ufeff\"Data Source\",\"World Development Indicators\",\r\n\r\n" +
		"\"Last Updated Date\",\"2026-02-24\",\r\n\r\n" +
		"\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"2022\",\"2023\",\"2024\",\"2025\",\r\n" +
		"\"Ukraine\",\"UKR\",\"Military expenditure (% of GDP)\",\"MS.MIL.XPND.GD.ZS\",\"33.5\",\"36.6\",\"34.5\",\"\",\r\n" +
		"\"World\",\"WLD\",\"Military expenditure (% of GDP)\",\"MS.MIL.XPND.GD.ZS\",\"2.2\",\"2.3\",\"2.5\",\"\",\r\n"
	recs, sum, err := worldbank.Parse("API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_1.csv", []byte(body))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s, updated %s: %d economy, %d aggregate, %d records, %d empty\n",
		sum.Indicator, sum.LastUpdated.Format("2006-01-02"), sum.Economies, sum.Aggregates, sum.Records, sum.Empty)
	for _, r := range recs {
		fmt.Println(r.Country, r.CountryName, r.Year, r.Measure, r.Value, r.Unit, "aggregate:", r.Aggregate)
	}
	// Output:
	// MS.MIL.XPND.GD.ZS, updated 2026-02-24: 1 economy, 1 aggregate, 6 records, 2 empty
	// UKR Ukraine 2022 share_of_gdp 33.5 percent aggregate: false
	// UKR Ukraine 2023 share_of_gdp 36.6 percent aggregate: false
	// UKR Ukraine 2024 share_of_gdp 34.5 percent aggregate: false
	// WLD World 2022 share_of_gdp 2.2 percent aggregate: true
	// WLD World 2023 share_of_gdp 2.3 percent aggregate: true
	// WLD World 2024 share_of_gdp 2.5 percent aggregate: true
}
