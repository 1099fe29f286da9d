// Package worldbank collects the World Bank's military-expenditure indicators
// from the bulk CSV downloads of World Development Indicators: military
// expenditure as a share of GDP (MS.MIL.XPND.GD.ZS), in current US$
// (MS.MIL.XPND.CD) and as a share of general government expenditure
// (MS.MIL.XPND.ZS). The World Bank republishes these figures from SIPRI; both
// sources are kept so that the site can compare them.
//
// A document is either the ZIP that
// https://api.worldbank.org/v2/en/indicator/<code>?downloadformat=csv returns
// (a data CSV, Metadata_Country and Metadata_Indicator) or a bare data CSV, as
// a user may point a source at an extracted or older file. Regional and
// income-group aggregates (World, regions, income groups, the European Union
// as the sum of its members) are published too, marked as aggregates; they
// are told from economies by Metadata_Country where the document has it and
// by the country registry where it does not. Figures are converted into the
// dataset's unit of each measure by a shift of the decimal point: current
// US$ become US$ m; shares stay in percent.
package worldbank

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Indicator codes this collector reads.
const (
	ShareOfGDP  = "MS.MIL.XPND.GD.ZS" // military expenditure, % of GDP
	CurrentUSD  = "MS.MIL.XPND.CD"    // military expenditure, current US$
	ShareOfGovt = "MS.MIL.XPND.ZS"    // military expenditure, % of general government expenditure
)

// indicators maps each readable indicator to the measure of its records and
// the unit the World Bank publishes it in: percent (3.4 means 3.4%) and
// plain US dollars, not millions. The records are in the dataset's unit of
// the measure, with this one as their source unit.
var indicators = map[string]struct{ measure, unit string }{
	ShareOfGDP:  {dataset.MeasureShareOfGDP, dataset.UnitPercent},
	CurrentUSD:  {dataset.MeasureCurrentUSD, dataset.UnitUSD},
	ShareOfGovt: {dataset.MeasureShareOfGovt, dataset.UnitPercent},
}

// BulkURL returns the URL of the bulk CSV download (a ZIP) of an indicator.
func BulkURL(indicator string) string {
	return "https://api.worldbank.org/v2/en/indicator/" + indicator + "?downloadformat=csv"
}

// Errors that callers test for. Each is wrapped with the document's name and
// the detail.
var (
	// ErrFormat reports a document that is not a World Bank bulk download:
	// neither a ZIP with a data CSV nor a data CSV with the expected header.
	ErrFormat = errors.New("not in the layout of a World Bank bulk CSV download")
	// ErrIndicator reports an indicator this collector does not read, a
	// file whose rows or name disagree on the indicator, or two documents
	// for one indicator.
	ErrIndicator = errors.New("wrong indicator")
	// ErrCountry reports a country code the registry in internal/country
	// does not know, or knows as the wrong kind (economy or aggregate).
	ErrCountry = errors.New("country registry out of date")
)

// Collector collects the World Bank's military-expenditure indicators. Its
// source lists one document per indicator, normally BulkURL of ShareOfGDP and
// of CurrentUSD. The zero value is ready to use.
type Collector struct{}

var _ collect.Collector = (*Collector)(nil)

// Check rejects options, which this collector takes none of, before
// anything is fetched; the pipeline calls it at start-up.
func (c *Collector) Check(src collect.Source) error {
	if err := collect.DecodeOptions(src.Options, &struct{}{}); err != nil {
		return fmt.Errorf("worldbank: source %q: %w", src.Name, err)
	}
	return nil
}

// Collect fetches every URL of src and returns the economies' figures of all
// of them as one military-expenditure table, in document order. It returns an
// error wrapping collect.ErrUnchanged, without parsing, when every document
// came back not modified.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	f = collect.TextFetcher{Next: f} // text in UTF-8, whatever its charset
	if len(src.URLs) == 0 {
		return nil, fmt.Errorf("worldbank: source %q lists no urls", src.Name)
	}
	docs := make([]*collect.Document, len(src.URLs))
	var fetched collect.Unchanged
	for i, u := range src.URLs {
		d, err := fetched.Fetch(ctx, f, u)
		if err != nil {
			return nil, fmt.Errorf("worldbank: fetch %s: %w", u, err)
		}
		docs[i] = d
	}
	if fetched.All() {
		return nil, fmt.Errorf("worldbank: %w", collect.ErrUnchanged)
	}
	// Some documents changed, so the whole source is parsed again, and
	// every body is needed.
	if err := fetched.Missing(); err != nil {
		return nil, fmt.Errorf("worldbank: %w", err)
	}

	var recs []dataset.Expenditure
	seen := map[string]string{} // indicator -> URL
	for i, d := range docs {
		u := src.URLs[i]
		r, sum, err := parseLimit(u, d.Body, src.UnpackLimit())
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[sum.Indicator]; dup {
			return nil, fmt.Errorf("worldbank: %s and %s both hold %s: %w", prev, u, sum.Indicator, ErrIndicator)
		}
		seen[sum.Indicator] = u
		recs = append(recs, r...)
		if len(sum.Unregistered) > 0 {
			collect.Warn(ctx, "worldbank: %s: %d figures of aggregates the country registry does not know are not published: %s; add them to internal/country/countries.csv (kind aggregate)",
				sum.Indicator, sum.UnregisteredRecords, strings.Join(sum.Unregistered, ", "))
		}
	}
	return dataset.ExpenditureTable(recs), nil
}
