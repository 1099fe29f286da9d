package sipri_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/sipri"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// Parse reads a workbook from bytes: here the sample workbook of the bundled
// mirror. Shares of GDP, fractions in the workbook, come out in percent; the
// European Union's row and the regional totals come out as aggregates.
func ExampleParse() {
	b, err := os.ReadFile("../../mirror/files/www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx")
	if err != nil {
		fmt.Println(err)
		return
	}
	recs, st, err := sipri.Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d records, %d states, %d sheets, %d aggregate records\n", len(recs), st.Countries, len(st.Sheets), st.Aggregates())
	for _, r := range recs {
		if r.Country == "UKR" && r.Year == 2023 && (r.Measure == dataset.MeasureLocalCY || r.Measure == dataset.MeasureShareOfGDP) ||
			r.Country == "SUN" && r.Year == 2024 && r.Measure == dataset.MeasureCurrentUSD ||
			r.Country == "WLD" && r.Year == 2024 && r.Measure == dataset.MeasureCurrentUSD {
			fmt.Printf("%s %d %s: %v %s (published in %s) %q, aggregate %v, missing %q, notes %q, footnotes %q\n",
				r.CountryName, r.Year, r.Measure, r.Value, r.Unit, r.SourceUnit, r.Currency, r.Aggregate, r.Missing, r.Notes, r.Footnotes)
		}
	}
	// Output:
	// 1686 records, 11 states, 7 sheets, 256 aggregate records
	// Ukraine 2023 local_currency_cy: 2.382451228053e+12 local currency (published in local currency) "Hryvnias", aggregate false, missing "", notes "§‖", footnotes "1"
	// Soviet Union 2024 current_usd: 0 US$ m (published in US$ m) "", aggregate false, missing "did_not_exist", notes "", footnotes ""
	// Ukraine 2023 share_of_gdp: 36.6531099379099 percent (published in fraction) "", aggregate false, missing "", notes "§‖", footnotes "1"
	// World 2024 current_usd: 2.3552e+06 US$ m (published in US$ b) "", aggregate true, missing "", notes "", footnotes ""
}

// A Collector fetches through the project's fetcher; here one that serves
// the bundled offline mirror.
func ExampleCollector_Collect() {
	s, err := collect.NewSession(collect.SessionOptions{
		Mirror: mirror.FS,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	src := collect.Source{Name: "sipri", Dataset: "military-expenditure", Collector: "sipri",
		URLs: []string{"https://www.sipri.org/databases/milex"}}
	f, err := s.Fetcher(src, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	tab, err := (&sipri.Collector{}).Collect(context.Background(), f, src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tab.Len(), "rows")
	// Output:
	// 1686 rows
}
