package gpi

import (
	"cmp"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
)

// workbookName matches the names IEP has given the GPI workbooks:
// GPI_public_release_2025.xlsx, GPI-2024-overall-scores-and-domains-2008-2024.xlsx,
// GPI-2019-overall-scores-2008-2019.xlsx.
var workbookName = regexp.MustCompile(`(?i)(^|[^a-z])(gpi|global[-_ ]?peace[-_ ]?index)([^a-z]|$).*\.xlsx$`)

var year4 = regexp.MustCompile(`(?:19|20)\d\d`)

// candidate is one workbook link on the landing page.
type candidate struct {
	url    string
	year   int  // the latest year in the file name
	public bool // a "public release" workbook, with the year sheets
}

// workbookLink returns the absolute URL of the GPI workbook linked from
// page. When several are linked it prefers the latest year in the file
// name, then a public-release workbook (which has the per-year indicator
// sheets) over an overall-scores one, then the first on the page.
func workbookLink(page *collect.Document) (string, error) {
	links, err := collect.Links(page)
	if err != nil {
		return "", fmt.Errorf("gpi: landing page %s: %w", page.URL, err)
	}
	var found []candidate
	for _, l := range links {
		name, err := url.PathUnescape(path.Base(l.URL.Path))
		if err != nil || !workbookName.MatchString(name) {
			continue
		}
		c := candidate{url: l.URL.String(), public: strings.Contains(strings.ToLower(name), "public")}
		for _, y := range year4.FindAllString(name, -1) {
			v, _ := strconv.Atoi(y)
			c.year = max(c.year, v)
		}
		found = append(found, c)
	}
	if len(found) == 0 {
		return "", fmt.Errorf("gpi: landing page %s: %w", page.URL, ErrNoWorkbook)
	}
	// A stable sort keeps page order among equals.
	slices.SortStableFunc(found, func(a, b candidate) int {
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
	})
	return found[0].url, nil
}
