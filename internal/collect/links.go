package collect

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// Link is a link of an HTML page, resolved to an absolute URL.
type Link struct {
	// URL is the absolute address the link leads to, without a fragment:
	// a fragment names a place in a document, not another document.
	URL *url.URL
	// Text is the link's text with each run of white space made one
	// space and none at either end.
	Text string
}

// Links returns the <a href> links of page, an HTML document, in page
// order. Each href is resolved against the page's <base href> when it has
// one, else against page.Base(). Only http and https links are kept, and
// file links when the page is itself a file: a web page must not point the
// fetcher at the disk. An href that is not a URL is skipped. The error
// reports a page whose own URL does not parse.
func Links(page *Document) ([]Link, error) {
	from, err := url.Parse(page.Base())
	if err != nil {
		return nil, fmt.Errorf("collect: links: page URL %q: %w", page.Base(), err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page.Body))
	if err != nil {
		return nil, fmt.Errorf("collect: links: read %s: %w", page.URL, err)
	}
	allowed := func(u *url.URL) bool {
		return u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file" && from.Scheme == "file"
	}
	base := from
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := from.Parse(strings.TrimSpace(href)); err == nil && allowed(b) {
			base = b
		}
	}
	var links []Link
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, err := base.Parse(strings.TrimSpace(href))
		if err != nil || !allowed(u) {
			return
		}
		u.Fragment, u.RawFragment = "", ""
		links = append(links, Link{URL: u, Text: strings.Join(strings.Fields(a.Text()), " ")})
	})
	return links, nil
}
