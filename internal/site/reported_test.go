package site

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/format"
)

func TestReportedRowsLikeWithLike(t *testing.T) {
	milex := func(code string, year int, cur string, total float64) dataset.CBMReport {
		return dataset.CBMReport{Country: code, Instrument: dataset.InstrumentMilex, Year: year, Kind: dataset.ReportFull,
			Currency: cur, Total: total, HasTotal: true, Source: "unmilex"}
	}
	local := func(code string, year int, cur, fy string, v float64) dataset.Expenditure {
		return dataset.Expenditure{Country: code, Year: year, Measure: dataset.MeasureLocalFY, Source: dataset.SourceSIPRI,
			Value: v, HasValue: true, Unit: dataset.UnitLocal, Currency: cur, FiscalYear: fy}
	}
	usd := func(code string, year int, v float64) dataset.Expenditure {
		return dataset.Expenditure{Country: code, Year: year, Measure: dataset.MeasureCurrentUSD, Source: dataset.SourceWorldBank,
			Value: v, HasValue: true, Unit: dataset.UnitMillionUSD}
	}
	cbm := []dataset.CBMReport{
		milex("CAN", 2023, "CAD", 37785e6), // Apr-Mar, like SIPRI's
		milex("HRV", 2023, "EUR", 1e9),     // SIPRI still in kunas: a change of currency, not a gap
		milex("LTU", 2010, "LTL", 1e9),     // before the euro
		milex("AFG", 1999, "AFN", 1e9),     // SIPRI's financial year changed over the years
		milex("ECU", 2023, "USD", 2200e6),  // the World Bank's US$ compare
		milex("USA", 2023, "", 820263e6),   // no currency on the page
		{Country: "DEU", Instrument: dataset.InstrumentMilex, Year: 2023, Kind: dataset.ReportNil},
		{Country: "DEU", Instrument: dataset.InstrumentUNROCA, Year: 2023, Kind: dataset.ReportSubmitted},
	}
	recs := []dataset.Expenditure{
		local("CAN", 2023, "Dollars", "Apr-Mar", 37774e6),
		local("HRV", 2023, "Kunas", "", 8e9),
		local("LTU", 2010, "Euro", "", 0.3e9),
		local("AFG", 1999, "Afghani", "Till: 2000 Apr-Mar\nFrom: 2001 Jan-Dec", 1e9),
		local("ECU", 2023, "US dollars", "", 2500e6),
		usd("ECU", 2023, 2000),
		local("USA", 2023, "US dollars", "", 916014.7e6),
	}
	g := &generator{num: format.New("en")}
	got := map[string][2]string{}
	for code, rows := range g.reportedRows(cbm, newReportedIndex(recs)) {
		for _, r := range rows {
			cell := func(c reportedCell) string {
				if c.Why != "" {
					return c.Why
				}
				return c.GapExact
			}
			got[code] = [2]string{cell(r.SIPRI), cell(r.WB)}
		}
	}
	want := map[string][2]string{
		"CAN": {"0.0291", whyMissing}, // (37,785 − 37,774) / 37,774
		"HRV": {whyCurrency, whyMissing},
		"LTU": {whyCurrency, whyMissing},
		"AFG": {whyFiscalYear, whyMissing},
		"ECU": {"-12.0000", "10.0000"}, // 2,200 against 2,500 and 2,000
		"USA": {whyCurrencyUnknown, whyMissing},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reportedRows (-want +got):\n%s", diff)
	}
}
