package site

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/defence-transparency/publish/internal/dataset"
)

// TestXSSVersions puts markup into the rows that change between versions
// and checks that the version pages, the country page and the feeds show
// it as text and run nothing.
func TestXSSVersions(t *testing.T) {
	row := func(v float64, notes, currency string) dataset.Expenditure {
		return dataset.Expenditure{Country: "QQQ", CountryName: xssScript + xssImg, Year: 2020, Measure: dataset.MeasureLocalCY,
			Source: dataset.SourceSIPRI, Value: v, HasValue: true, Unit: "local currency", Currency: currency, Notes: notes}
	}
	v1 := append(testRecords(), row(1, xssImg, xssEnd))
	v2 := append(testRecords(), row(2, xssScript, xssEnd+"2"))
	_, h := historyRepo(t, true, []string{"2026-04-27", "2026-04-28"}, [][]dataset.Expenditure{v1, v2})
	in := testInput(t, true)
	tbl := dataset.ExpenditureTable(v2)
	tbl.SortByKey()
	in.Datasets[0].Table, in.Datasets[0].ParquetPath, in.Datasets[0].History = tbl, "", h
	in.Sources[0].Title = xssScript
	_, public := build(t, in)

	checkNoMarkup(t, public)
	page := parseHTML(t, public, versionsDir+"2026-04-28/index.html")
	rev := page.Find("#changes-revised + p + div table").Text()
	for _, want := range []string{xssScript + xssImg, "1.0 " + xssEnd, "2.0 " + xssEnd + "2", xssImg, xssScript} {
		if !strings.Contains(rev, want) {
			t.Errorf("revised row %q does not show %q as text", rev, want)
		}
	}
	if !strings.Contains(parseHTML(t, public, "countries/qqq/index.html").Find("#revisions ~ div table").Text(), "2.0 "+xssEnd+"2") {
		t.Errorf("country page does not show the revision as text")
	}
	for _, name := range feedFiles(t, public) {
		if err := validateAtom([]byte(readFile(t, public, name))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		f := readFeed(t, public, name)
		for _, e := range f.Entries {
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(e.Content.Text))
			if err != nil {
				t.Fatal(err)
			}
			if n := doc.Find("script, img").Length(); n > 0 {
				t.Errorf("%s: entry content has %d script or img elements:\n%s", name, n, e.Content.Text)
			}
		}
	}
	qqq := readFeed(t, public, "countries/qqq/changes.atom")
	if len(qqq.Entries) != 1 || !strings.HasPrefix(qqq.Entries[0].Title.Text, "Sample data: "+xssScript+xssImg+": 1 figure revised") {
		t.Fatalf("QQQ feed entries %+v, want one revision titled with the name as text", qqq.Entries)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(qqq.Entries[0].Content.Text))
	if got := doc.Text(); !strings.Contains(got, xssEnd+"2") || !strings.Contains(got, xssScript) {
		t.Errorf("QQQ feed content %q does not show the markup as text", got)
	}
}
