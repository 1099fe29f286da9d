// Package sipri collects the SIPRI Military Expenditure Database. It finds the
// workbook linked from SIPRI's landing page (its file name changes with every
// release), fetches it, and turns every country cell of its data sheets into
// a dataset.Expenditure record, with the estimate and uncertainty marks that
// the workbook carries only as font colours.
//
// The collector also accepts, at the source's URL, the workbook itself (a file
// downloaded by hand) or the JSON answer of SIPRI's export backend,
// {"Value":"<base64 xlsx>"}.
package sipri

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/workbook"
)

// Collector collects the SIPRI Military Expenditure Database. The zero value
// is ready to use; it keeps no state between calls.
type Collector struct{}

var _ collect.Collector = (*Collector)(nil)

// Check rejects options, which this collector takes none of, before
// anything is fetched; the pipeline calls it at start-up.
func (c *Collector) Check(src collect.Source) error {
	if err := collect.DecodeOptions(src.Options, &struct{}{}); err != nil {
		return fmt.Errorf("sipri: source %q: %w", src.Name, err)
	}
	return nil
}

// ErrNoWorkbook reports a landing page without a link to a
// SIPRI-Milex-data-*.xlsx workbook.
var ErrNoWorkbook = errors.New("no link to a SIPRI-Milex-data-*.xlsx workbook")

// Collect fetches src.URLs[0] and parses the workbook it leads to. The URL is
// normally SIPRI's landing page, on which Collect finds the workbook link; it
// may also be the workbook itself or a saved export-backend answer. Collect
// returns an error wrapping collect.ErrUnchanged when the workbook came back
// not modified; whether the landing page changed does not matter, since the
// workbook holds all the data.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	f = collect.TextFetcher{Next: f} // text in UTF-8, whatever its charset
	if len(src.URLs) == 0 {
		return nil, fmt.Errorf("sipri: source %q has no URL", src.Name)
	}
	doc, err := workbook.Fetch(ctx, f, src.URLs[0], func(b []byte) bool { return collect.IsXLSX(b) || isExport(b) }, workbookLink)
	if err != nil {
		return nil, fmt.Errorf("sipri: %w", err)
	}
	data, err := workbookBytes(doc.Body)
	if err != nil {
		return nil, fmt.Errorf("sipri: %s: %w", doc.URL, err)
	}
	recs, st, err := parse(bytes.NewReader(data), int64(len(data)), src.UnpackLimit())
	if err != nil {
		return nil, fmt.Errorf("sipri: workbook %s: %w", doc.URL, err)
	}
	for _, w := range st.leftOut() {
		collect.Warn(ctx, "sipri: %s", w)
	}
	return dataset.ExpenditureTable(recs), nil
}

// leftOut says what of the workbook the records do not hold, for the
// sources page: nothing with a figure is left out, but the text of the
// numbered footnotes and the regional totals' lists of omitted states are.
func (st *Stats) leftOut() []string {
	var out []string
	if st.Footnotes > 0 {
		out = append(out, fmt.Sprintf("the text of %d numbered footnotes (sheet Footnotes) is not published; the rows give their numbers in the footnotes column", st.Footnotes))
	}
	if r := st.Regional; r != nil && len(r.Omitted) > 0 {
		parts := make([]string, len(r.Omitted))
		for i, o := range r.Omitted {
			parts[i] = o.Region + ": " + o.Countries
		}
		out = append(out, fmt.Sprintf("the %d notes of sheet %s naming the states its totals leave out are not published: %s",
			len(r.Omitted), r.Name, strings.Join(parts, "; ")))
	}
	return out
}

// workbookBytes returns the xlsx in body: body itself, or the workbook inside
// an export-backend answer.
func workbookBytes(body []byte) ([]byte, error) {
	if collect.IsXLSX(body) {
		return body, nil
	}
	if isExport(body) {
		return exportWorkbook(body)
	}
	return nil, fmt.Errorf("not an xlsx workbook (body starts %q)", collect.Head(body))
}

// export is the answer of SIPRI's export backend
// (POST https://backend.sipri.org/api/p/excel-export).
type export struct {
	Value *string `json:"Value"`
}

// isExport reports whether b is a JSON object with a string Value, as the
// export backend answers.
func isExport(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var e export
	return json.Unmarshal(b, &e) == nil && e.Value != nil
}

// exportWorkbook decodes the base64 workbook of an export-backend answer.
func exportWorkbook(b []byte) ([]byte, error) {
	var e export
	if err := json.Unmarshal(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), &e); err != nil || e.Value == nil {
		return nil, fmt.Errorf("export answer: want {\"Value\":\"<base64 xlsx>\"}")
	}
	data, err := base64.StdEncoding.DecodeString(*e.Value)
	if err != nil {
		return nil, fmt.Errorf("export answer: decode Value: %w", err)
	}
	if !collect.IsXLSX(data) {
		return nil, fmt.Errorf("export answer: Value is not an xlsx workbook (starts %q)", collect.Head(data))
	}
	return data, nil
}
