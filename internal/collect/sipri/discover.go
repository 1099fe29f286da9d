package sipri

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/workbook"
)

// workbookName matches the file names SIPRI gives the database workbook:
// SIPRI-Milex-data-1949-2022.xlsx, SIPRI-Milex-data-1949-2020_0.xlsx (a file
// replaced on the site), SIPRI-Milex-data-1949-2025_v1.2.xlsx (a revision).
var workbookName = regexp.MustCompile(`(?i)^SIPRI-Milex-data-(\d{4})-(\d{4})([^/]*)\.xlsx$`)

var number = regexp.MustCompile(`\d+`)

// release is what a workbook's file name says.
type release struct {
	first, last int   // the year range
	revision    []int // the numbers of the suffix: _0 is [0], _v1.2 is [1 2]
	suffixed    bool
}

// workbookLink returns the absolute URL of the database workbook linked from
// page. When several are linked it prefers the latest last year, then the
// widest range, then the latest revision, then the first on the page.
func workbookLink(page *collect.Document) (string, error) {
	return workbook.Link(page, readName, newer, ErrNoWorkbook)
}

func readName(name string) (release, bool) {
	m := workbookName.FindStringSubmatch(name)
	if m == nil {
		return release{}, false
	}
	r := release{suffixed: m[3] != ""}
	r.first, _ = strconv.Atoi(m[1])
	r.last, _ = strconv.Atoi(m[2])
	for _, n := range number.FindAllString(m[3], -1) {
		v, _ := strconv.Atoi(n)
		r.revision = append(r.revision, v)
	}
	return r, true
}

// newer sorts the newer release first.
func newer(a, b release) int {
	if c := cmp.Compare(b.last, a.last); c != 0 {
		return c
	}
	if c := cmp.Compare(a.first, b.first); c != 0 {
		return c
	}
	if a.suffixed != b.suffixed {
		// A suffix marks a file uploaded again or revised: newer.
		if a.suffixed {
			return -1
		}
		return 1
	}
	return slices.Compare(b.revision, a.revision)
}
