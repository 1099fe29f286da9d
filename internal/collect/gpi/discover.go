package gpi

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/workbook"
)

// workbookName matches the names IEP has given the GPI workbooks:
// GPI_public_release_2025.xlsx, GPI-2024-overall-scores-and-domains-2008-2024.xlsx,
// GPI-2019-overall-scores-2008-2019.xlsx.
var workbookName = regexp.MustCompile(`(?i)(^|[^a-z])(gpi|global[-_ ]?peace[-_ ]?index)([^a-z]|$).*\.xlsx$`)

var year4 = regexp.MustCompile(`(?:19|20)\d\d`)

// release is what a workbook's file name says.
type release struct {
	year   int  // the latest year in the file name
	public bool // a "public release" workbook, with the year sheets
}

// workbookLink returns the absolute URL of the GPI workbook linked from
// page. When several are linked it prefers the latest year in the file
// name, then a public-release workbook (which has the per-year indicator
// sheets) over an overall-scores one, then the first on the page.
func workbookLink(page *collect.Document) (string, error) {
	return workbook.Link(page, readName, newer, ErrNoWorkbook)
}

func readName(name string) (release, bool) {
	if !workbookName.MatchString(name) {
		return release{}, false
	}
	r := release{public: strings.Contains(strings.ToLower(name), "public")}
	for _, y := range year4.FindAllString(name, -1) {
		v, _ := strconv.Atoi(y)
		r.year = max(r.year, v)
	}
	return r, true
}

// newer sorts the newer release first, a public release before another of
// its year.
func newer(a, b release) int {
	if c := cmp.Compare(b.year, a.year); c != 0 {
		return c
	}
	switch {
	case a.public && !b.public:
		return -1
	case b.public && !a.public:
		return 1
	}
	return 0
}
