package workbook

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"

	"github.com/defence-transparency/publish/internal/collect"
)

// Publishers of workbooks (SIPRI, IEP) link the current release from a
// landing page under a file name that changes with every release. Fetch and
// Link are the one way the collectors of such sources reach the workbook.

// Fetch returns the workbook a source's URL leads to: the URL's document
// when isWorkbook accepts its body (a workbook downloaded by hand, or a
// publisher's export), else the document that link finds on it, the
// landing page; link's error names the page. It returns an error wrapping collect.ErrUnchanged when the
// workbook came back not modified: whether the landing page changed does
// not matter, since the workbook holds all the data. A body that is a zip
// archive but not one isWorkbook accepts is an error, not a landing page.
// Fetch checks ctx before it returns, so that no caller parses after a
// cancel.
func Fetch(ctx context.Context, f collect.Fetcher, url string, isWorkbook func([]byte) bool, link func(*collect.Document) (string, error)) (*collect.Document, error) {
	doc, err := f.Fetch(ctx, &collect.Request{URL: url})
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if !isWorkbook(doc.Body) {
		if collect.IsZip(doc.Body) {
			return nil, fmt.Errorf("%s: a zip file but not an xlsx workbook (damaged, or another format)", doc.URL)
		}
		wb, err := link(doc)
		if err != nil {
			return nil, err
		}
		doc, err = f.Fetch(ctx, &collect.Request{URL: wb})
		if errors.Is(err, collect.ErrNotModified) {
			return nil, fmt.Errorf("%s: %w", wb, collect.ErrUnchanged)
		}
		if err != nil {
			return nil, fmt.Errorf("fetch workbook %s: %w", wb, err)
		}
	}
	if doc.NotModified {
		return nil, fmt.Errorf("%s: %w", doc.URL, collect.ErrUnchanged)
	}
	if !isWorkbook(doc.Body) {
		return nil, fmt.Errorf("%s: not an xlsx workbook (body starts %q)", doc.URL, collect.Head(doc.Body))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", doc.URL, err)
	}
	return doc, nil
}

// Link returns the absolute URL of the link on page that a publisher's
// workbook naming picks: read returns what a link's file name says (its
// years, its revision), or false for a link to something else; the link
// whose name compare sorts first wins, the first on the page among equals.
// When no link is a workbook's, the error names the page and wraps none.
func Link[T any](page *collect.Document, read func(name string) (T, bool), compare func(a, b T) int, none error) (string, error) {
	links, err := collect.Links(page)
	if err != nil {
		return "", fmt.Errorf("landing page %s: %w", page.URL, err)
	}
	type candidate struct {
		url  string
		name T
	}
	var cs []candidate
	for _, l := range links {
		if n, ok := read(path.Base(l.URL.Path)); ok {
			cs = append(cs, candidate{l.URL.String(), n})
		}
	}
	if len(cs) == 0 {
		return "", fmt.Errorf("landing page %s: %w", page.URL, none)
	}
	slices.SortStableFunc(cs, func(a, b candidate) int { return compare(a.name, b.name) })
	return cs[0].url, nil
}
