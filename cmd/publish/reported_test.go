package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/realdata"
)

// reportedCells is one row of a reported-vs-estimated table as the page
// shows it: the year, then the data values (exact) or the words of each
// cell: reported total, SIPRI, gap, World Bank, gap.
type reportedCells struct {
	Year, Reported, SIPRI, Gap, WB, WBGap string
}

// reportedTable reads a reported-vs-estimated table of a built page.
func reportedTable(t *testing.T, path, id string) []reportedCells {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	cell := func(s *goquery.Selection) string {
		if d := s.Find("data").First(); d.Length() > 0 {
			v, _ := d.Attr("value")
			return v
		}
		return strings.Join(strings.Fields(s.Text()), " ")
	}
	var out []reportedCells
	doc.Find("#" + id + " tbody tr").Each(func(_ int, tr *goquery.Selection) {
		c := tr.Children()
		if c.Length() == 7 { // the ranking: state first
			c = c.Slice(1, 7)
		}
		out = append(out, reportedCells{
			Year: strings.TrimSpace(c.Eq(0).Text()), Reported: cell(c.Eq(1)),
			SIPRI: cell(c.Eq(2)), Gap: cell(c.Eq(3)), WB: cell(c.Eq(4)), WBGap: cell(c.Eq(5)),
		})
	})
	return out
}

// TestRealReportedVsEstimated builds the site from the real SIPRI
// 1948-2023 workbook, the World Bank's 2026 file and the bundled mirror's
// UN Milex pages, and checks the reported-vs-estimated tables of three
// states against sums done by hand from the files.
func TestRealReportedVsEstimated(t *testing.T) {
	dir := realdata.Dir(t)
	tmp := t.TempDir()
	when := time.Date(2026, 2, 24, 12, 0, 0, 0, time.UTC)
	urls := map[string][]string{
		"sipri":     {fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))},
		"worldbank": {fileURL(filepath.Join(dir, "worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"))},
		"unmilex":   {"https://milex-reporting.unoda.org/en/states/"}, // the bundled mirror
	}
	withheld := someSources(t, tmp, "reported", urls)
	permitted := permit(t, tmp, withheld, "sipri")

	build := func(sources, name string) string {
		data, public := filepath.Join(tmp, name, "data"), filepath.Join(tmp, name, "public")
		publishVersion(t, sources, data, when)
		if r := run(t, when, "site", "--sources", sources, "--data", data, "--out", public); r.code != exitOK {
			t.Fatalf("site: exit %d: %v\n%s", r.code, r.err, r.stderr)
		}
		return public
	}

	// By hand, from the files:
	//   SIPRI, sheet "Local currency financial years" (millions; no fiscal
	//   year given, so January-December): Germany 2022 53,389.04 and 2023
	//   61,855 (Euro); Armenia 2022 347,007 and 2023 520,520 (Drams); 2024
	//   is past the workbook's last year.
	//   UN Milex (mirror pages): Germany 2022 50,120.3, 2023 58,400.7, 2024
	//   70,105.6 million EUR; Armenia 2022 512,300.4 million AMD, 2023
	//   601,250,000.5 thousand AMD (= 601,250.0005 million), 2024
	//   648,900,120,000 AMD; Cyprus 2022 412.6 million in a currency the page
	//   does not name ("error ()").
	//   Gaps, (reported − SIPRI) / SIPRI × 100:
	//     DEU 2022 (50,120.3 − 53,389.04) / 53,389.04 = −3,268.74 / 53,389.04 = −6.1225 %
	//     DEU 2023 (58,400.7 − 61,855) / 61,855 = −3,454.3 / 61,855 = −5.5845 %
	//     ARM 2022 (512,300.4 − 347,007) / 347,007 = 165,293.4 / 347,007 = +47.6340 %
	//     ARM 2023 (601,250.0005 − 520,520) / 520,520 = 80,730.0005 / 520,520 = +15.5095 %
	//   Cyprus 2022 cannot be compared: the report names no currency.
	//   The World Bank's 2026 file is shares of GDP only: no figure in a
	//   currency for any of them.
	const (
		noCurrency  = "no figure in a currency"
		noFigure    = "no figure"
		unknownCurr = "not comparable: currency not identified"
	)
	want := map[string][]reportedCells{
		"deu": {
			{"2024", "70105600000", noFigure, "", noCurrency, ""},
			{"2023", "58400700000", "61855000000", "-5.5845", noCurrency, ""},
			{"2022", "50120300000", "53389040000", "-6.1225", noCurrency, ""},
		},
		"arm": {
			{"2024", "648900120000", noFigure, "", noCurrency, ""},
			{"2023", "601250000500", "520520000000", "15.5095", noCurrency, ""},
			{"2022", "512300400000", "347007000000", "47.6340", noCurrency, ""},
		},
		"cyp": {
			{"2022", "412600000", "506300000", unknownCurr, noCurrency, ""},
		},
	}

	// Without a permission SIPRI's figures are an excerpt: each country's
	// own page shows them, the ranking does not.
	public := build(withheld, "withheld")
	for code, rows := range want {
		got := reportedTable(t, filepath.Join(public, "countries", code, "index.html"), "reported-table")
		if diff := cmp.Diff(rows, got); diff != "" {
			t.Errorf("%s: reported vs estimated (-want +got):\n%s", code, diff)
		}
	}
	if got := reportedTable(t, filepath.Join(public, "reported", "index.html"), "reported-ranking"); len(got) != 0 {
		t.Errorf("ranking without a permission for SIPRI = %v, want no rows", got)
	}

	// With one, the ranking uses them: each state at its latest year with
	// a gap, the largest gap first (Lithuania 2023: (2,098.5 − 2,000) /
	// 2,000 = +4.925 %).
	public = build(permitted, "permitted")
	got := reportedTable(t, filepath.Join(public, "reported", "index.html"), "reported-ranking")
	wantRank := []reportedCells{
		{"2023", "601250000500", "520520000000", "15.5095", noCurrency, ""},
		{"2023", "58400700000", "61855000000", "-5.5845", noCurrency, ""},
		{"2023", "2098500000", "2000000000", "4.9250", noCurrency, ""},
	}
	if diff := cmp.Diff(wantRank, got); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
}
