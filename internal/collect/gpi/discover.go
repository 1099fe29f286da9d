package gpi

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

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
	base, err := url.Parse(page.Base())
	if err != nil {
		return "", fmt.Errorf("gpi: landing page URL %q: %w", page.URL, err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page.Body))
	if err != nil {
		return "", fmt.Errorf("gpi: read landing page %s: %w", page.URL, err)
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			base = b
		}
	}
	var found []candidate
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, err := base.Parse(strings.TrimSpace(href))
		// A local file only from a local page: a web page must not point
		// the fetcher at the disk.
		if err != nil || !(u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file" && base.Scheme == "file") {
			return
		}
		name, err := url.PathUnescape(path.Base(u.Path))
		if err != nil || !workbookName.MatchString(name) {
			return
		}
		u.Fragment = ""
		c := candidate{url: u.String(), public: strings.Contains(strings.ToLower(name), "public")}
		for _, y := range year4.FindAllString(name, -1) {
			v, _ := strconv.Atoi(y)
			c.year = max(c.year, v)
		}
		found = append(found, c)
	})
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
