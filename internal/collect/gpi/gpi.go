// Package gpi collects the Global Peace Index of the Institute for Economics
// & Peace (IEP): the public-release workbook of each year's index, with the
// overall score and rank of 163 states since 2008 (sheet Overall Scores)
// and, in one sheet per year, the 23 indicator scores and the domain scores
// behind them.
//
// The source's URL is IEP's landing page, on which Collect finds the
// workbook link (its file name changes with every release), or the workbook
// itself (a file downloaded by hand, as IEP now hands the public release
// out through a form on economicsandpeace.org). Each figure becomes one row
// of the risk-reports dataset: publisher gpi, the state's code, the release
// year as the period, and the indicator named in indicators.go.
//
// What this package assumes about IEP's site, as far as public material
// shows it (no live page could be read): the landing page is
// https://www.visionofhumanity.org/public-release-data/ and links the
// workbooks under /wp-content/uploads/<year>/<month>/; the workbooks have
// been named GPI-2019-overall-scores-2008-2019.xlsx,
// GPI-<year>-overall-scores-and-domains-2008-<year>.xlsx (2022-2024) and
// GPI_public_release_2025.xlsx. The layout of the 2025 workbook was read
// from a copy of the real file; the older layout (a header in row 4,
// "Country" and "iso3c" columns, plain year columns, one wide sheet per
// domain) from public code that reads those files.
package gpi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/workbook"
)

// LandingURL is the page of IEP's site that links the public-release
// workbook.
const LandingURL = "https://www.visionofhumanity.org/public-release-data/"

// DefaultLink is the link of every row unless the source's option "link"
// says otherwise: IEP's resources page, which lists each year's GPI report
// and which IEP's own citation instructions name ("Available from:
// visionofhumanity.org/resources"). No stable per-year page could be
// verified; a source can set one with the option "link", a URL in which
// {year} stands for the row's year.
const DefaultLink = "https://www.visionofhumanity.org/resources/"

// ErrNoWorkbook reports a landing page without a link to a GPI workbook.
var ErrNoWorkbook = errors.New("no link to a GPI .xlsx workbook")

// ErrOption reports a source option this collector does not take, or a
// value of the wrong kind.
var ErrOption = errors.New("bad source option")

// Collector collects the Global Peace Index. The zero value is ready to
// use; it keeps no state between calls.
//
// Source options:
//
//	link  the row's link, a URL where {year} stands for the year
//	      (default DefaultLink)
type Collector struct{}

var _ collect.Collector = (*Collector)(nil)

// Check reports a mistake in the source's options before anything is
// fetched; the pipeline calls it at start-up.
func (c *Collector) Check(src collect.Source) error {
	_, err := linkOption(src.Options)
	if err != nil {
		return fmt.Errorf("gpi: source %q: %w", src.Name, err)
	}
	return nil
}

// Collect fetches src's URL and the workbook it leads to, and returns the
// workbook's figures as a risk-reports table. It returns an error wrapping
// collect.ErrUnchanged, without parsing, when the workbook came back not
// modified; whether the landing page changed does not matter, since the
// workbook holds all the data. Problems in the workbook that it can handle
// (a #VALUE! cell, a figure off the scale) are reported with collect.Warn.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	f = collect.TextFetcher{Next: f} // text in UTF-8, whatever its charset
	if len(src.URLs) != 1 {
		return nil, fmt.Errorf("gpi: source %q: want one URL (the landing page or the workbook), have %d", src.Name, len(src.URLs))
	}
	link, err := linkOption(src.Options)
	if err != nil {
		return nil, fmt.Errorf("gpi: source %q: %w", src.Name, err)
	}
	doc, err := workbook.Fetch(ctx, f, src.URLs[0], collect.IsXLSX, workbookLink)
	if err != nil {
		return nil, fmt.Errorf("gpi: %w", err)
	}
	recs, st, err := parse(bytes.NewReader(doc.Body), int64(len(doc.Body)), src.UnpackLimit())
	if err != nil {
		return nil, fmt.Errorf("gpi: workbook %s: %w", doc.URL, err)
	}
	for _, w := range st.Warnings {
		collect.Warn(ctx, "gpi: workbook %s: %s", doc.URL, w)
	}
	name := src.Name
	if name == "" {
		name = dataset.PublisherGPI
	}
	return Table(recs, name, link)
}

// Table returns records as a risk-reports table whose source column is
// source and whose links follow link, a URL in which {year} stands for the
// record's year. Rows come in the order of records.
func Table(recs []Record, source, link string) (*dataset.Table, error) {
	out := make([]dataset.RiskReport, 0, len(recs))
	names := map[string]string{}
	for _, r := range recs {
		name, ok := names[r.Country]
		if !ok {
			c, found := country.Lookup(r.Country)
			if !found {
				return nil, fmt.Errorf("gpi: %s: %w", r.Country, ErrCountry)
			}
			name, names[r.Country] = c.Name, c.Name
		}
		year := strconv.Itoa(r.Year)
		out = append(out, dataset.RiskReport{
			Publisher: dataset.PublisherGPI, Country: r.Country, CountryName: name, Period: year, Indicator: r.Indicator,
			Value: r.Value, HasValue: true, Unit: r.Unit, Link: strings.ReplaceAll(link, "{year}", year), Source: source,
		})
	}
	return dataset.RiskTable(out), nil
}

// linkOption reads the source option "link" and rejects any other.
func linkOption(opts map[string]any) (string, error) {
	o := struct {
		Link string `toml:"link"`
	}{Link: DefaultLink}
	if err := collect.DecodeOptions(opts, &o); err != nil {
		return "", fmt.Errorf("%w: %w", err, ErrOption)
	}
	u, err := url.Parse(strings.ReplaceAll(o.Link, "{year}", "2025"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("option link = %q: want an http(s) URL: %w", o.Link, ErrOption)
	}
	return o.Link, nil
}
