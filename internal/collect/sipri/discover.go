package sipri

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"

	"github.com/defence-transparency/publish/internal/collect"
)

// workbookName matches the file names SIPRI gives the database workbook:
// SIPRI-Milex-data-1949-2022.xlsx, SIPRI-Milex-data-1949-2020_0.xlsx (a file
// replaced on the site), SIPRI-Milex-data-1949-2025_v1.2.xlsx (a revision).
var workbookName = regexp.MustCompile(`(?i)^SIPRI-Milex-data-(\d{4})-(\d{4})([^/]*)\.xlsx$`)

var number = regexp.MustCompile(`\d+`)

// candidate is one workbook link on the landing page.
type candidate struct {
	url         string
	first, last int   // the year range in the file name
	revision    []int // the numbers of the suffix: _0 is [0], _v1.2 is [1 2]
	suffixed    bool
}

// workbookLink returns the absolute URL of the database workbook linked from
// page. When several are linked it prefers the latest last year, then the
// widest range, then the latest revision, then the first on the page.
func workbookLink(page *collect.Document) (string, error) {
	links, err := collect.Links(page)
	if err != nil {
		return "", fmt.Errorf("sipri: landing page %s: %w", page.URL, err)
	}
	var found []candidate
	for _, l := range links {
		m := workbookName.FindStringSubmatch(path.Base(l.URL.Path))
		if m == nil {
			continue
		}
		c := candidate{url: l.URL.String(), suffixed: m[3] != ""}
		c.first, _ = strconv.Atoi(m[1])
		c.last, _ = strconv.Atoi(m[2])
		for _, n := range number.FindAllString(m[3], -1) {
			v, _ := strconv.Atoi(n)
			c.revision = append(c.revision, v)
		}
		found = append(found, c)
	}
	if len(found) == 0 {
		return "", fmt.Errorf("sipri: landing page %s: %w", page.URL, ErrNoWorkbook)
	}
	// A stable sort keeps page order among equals.
	slices.SortStableFunc(found, func(a, b candidate) int {
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
	})
	return found[0].url, nil
}
