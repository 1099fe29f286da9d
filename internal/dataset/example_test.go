package dataset_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Records become a table, which is sorted by primary key, validated and
// written as the published Parquet file; reading the file gives the rows
// back. SIPRI publishes shares of GDP as fractions; the dataset publishes
// every share in percent, so the record's figure is set with the unit it
// was published in and converted by a shift of the decimal point.
func Example_writeParquet() {
	share := dataset.Expenditure{Country: "TUR", CountryName: "Türkiye", Year: 2023, Measure: dataset.MeasureShareOfGDP,
		Source: dataset.SourceSIPRI, Unit: dataset.UnitPercent, Notes: "§"}
	if err := share.SetValue(0.0155, dataset.UnitFraction); err != nil {
		log.Fatal(err)
	}
	tab := dataset.ExpenditureTable([]dataset.Expenditure{
		share,
		{Country: "AFG", CountryName: "Afghanistan", Year: 1970, Measure: dataset.MeasureCurrentUSD,
			Source: dataset.SourceSIPRI, Unit: "US$ m", Missing: dataset.MissingNotAvailable},
	})
	tab.SortByKey()
	if err := dataset.Validate(tab); err != nil {
		log.Fatal(err)
	}
	var file bytes.Buffer
	if err := dataset.WriteParquet(&file, tab); err != nil {
		log.Fatal(err)
	}

	back, err := dataset.ReadParquetBytes(file.Bytes(), dataset.ExpenditureSchema)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range dataset.Expenditures(back) {
		if r.HasValue {
			fmt.Println(r.Country, r.Year, r.Measure, r.Value, r.Unit, "published as", r.SourceUnit, r.Notes)
		} else {
			fmt.Println(r.Country, r.Year, r.Measure, "missing:", r.Missing)
		}
	}
	// Output:
	// AFG 1970 current_usd missing: not_available
	// TUR 2023 share_of_gdp 1.55 percent published as fraction §
}

func ExampleWriteCSV() {
	tab := dataset.ExpenditureTable([]dataset.Expenditure{
		{Country: "USA", CountryName: "United States of America", Year: 2023, Measure: dataset.MeasureLocalFY,
			Source: dataset.SourceSIPRI, Value: 916014.68, HasValue: true, Unit: "local currency",
			Currency: "Dollar", FiscalYear: "Oct-Sep"},
		{Country: "DDR", CountryName: "German Democratic Republic", Year: 1995, Measure: dataset.MeasureCurrentUSD,
			Source: dataset.SourceSIPRI, Unit: "US$ m", Missing: dataset.MissingDidNotExist, Notes: "†, ‡"},
	})
	if err := dataset.WriteCSV(os.Stdout, tab); err != nil {
		log.Fatal(err)
	}
	// Output:
	// country_iso3,country_name,aggregate,year,measure,source,value,unit,source_unit,currency,fiscal_year,missing,estimate,uncertain,notes,footnotes
	// USA,United States of America,false,2023,local_currency_fy,sipri,916014.68,local currency,local currency,Dollar,Oct-Sep,,false,false,,
	// DDR,German Democratic Republic,false,1995,current_usd,sipri,,US$ m,US$ m,,,did_not_exist,false,false,"†, ‡",
}

func ExampleAssertions_Check() {
	a := dataset.Assertions{MinRows: 50000, MaxDrop: 0.2}
	err := a.Check(40000, 90000)
	fmt.Println(errors.Is(err, dataset.ErrAssertion))
	fmt.Println(err)
	// Output:
	// true
	// dataset: assertion failed: 40,000 rows, fewer than the minimum 50,000; rows fell from 90,000 to 40,000 (-55.6%), more than the allowed 20%
}

func ExampleValidate() {
	tab := dataset.ExpenditureTable([]dataset.Expenditure{
		{Country: "WLD", CountryName: "World", Year: 2023, Measure: dataset.MeasureCurrentUSD,
			Source: dataset.SourceWorldBank, Value: 2443000, HasValue: true, Unit: "US$ m"},
		{Country: "FRA", CountryName: "France", Year: 1850, Measure: dataset.MeasureCurrentUSD,
			Source: dataset.SourceSIPRI, Value: 12, HasValue: true, Unit: "US$ m"},
	})
	err := dataset.Validate(tab)
	var verr *dataset.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// row 0, aggregate "false": WLD (World) is an aggregate, not a country
	// row 1, year "1850": below the minimum 1900
}
