package gao

import (
	"context"

	"github.com/defence-transparency/publish/internal/collect"
)

// merge joins the listings' and the feeds' entries by report number, in
// listing order and then feed order:
//
//   - A report on a listing is kept. Its title, dates and count come from
//     the listing; the feed fills in what the listing does not show (most
//     often the count, which the listing's cut summary loses). Where both
//     show a title, date or count and they differ, the listing's is kept
//     and the difference reported with collect.Warn. The feed's pubDate is
//     compared with both the listing's Published and Publicly Released
//     dates, since a report can be released after the date it bears.
//   - A report only in a feed is kept when its title matches the feed
//     filter: the feed names no agency, and the listing may not have it
//     yet. Others are not defence reports and are left out without a word.
//   - The first listing (or feed) to show a report wins over later ones.
//
// A report that ends with no date, in neither document, is reported and
// left out: published is required.
func merge(ctx context.Context, listed, fed [][]entry, opt options) []report {
	var out []report
	var from []entry // the entry each report was made from
	index := map[string]int{}
	for _, l := range listed {
		for _, e := range l {
			if i, dup := index[e.id]; dup {
				if !sameEntry(from[i], e) {
					collect.Warn(ctx, "gao: %s is on two listings with different details (%s, %s); the first is kept",
						e.id, from[i].where, e.where)
				}
				continue
			}
			index[e.id] = len(out)
			out = append(out, newReport(e, opt.subject))
			from = append(from, e)
		}
	}
	listedOnly := len(out)
	for _, items := range fed {
		for _, e := range items {
			i, ok := index[e.id]
			switch {
			case ok && i < listedOnly:
				fill(ctx, &out[i], from[i], e)
			case ok:
				// In an earlier feed too.
			case opt.feedFilter.MatchString(e.title):
				index[e.id] = len(out)
				out = append(out, newReport(e, ""))
				from = append(from, e)
			}
		}
	}
	kept := out[:0]
	for _, r := range out {
		if r.Published == "" {
			collect.Warn(ctx, "gao: %s (%q) shows no published date in the listing or the feed; left out", r.ID, r.Title)
			continue
		}
		kept = append(kept, r)
	}
	return kept
}

func newReport(e entry, subject string) report {
	r := report{ID: e.id, Published: e.published, Title: e.title, Subject: subject, Link: ProductBase + e.slug}
	if r.Published == "" {
		r.Published = e.released
	}
	if e.hasRecs {
		n := e.recs
		r.Recommendations = &n
	}
	return r
}

// fill completes r, made from the listing's entry l, with the feed's entry
// f, and warns where they disagree.
func fill(ctx context.Context, r *report, l, f entry) {
	if !sameText(l.title, f.title) {
		collect.Warn(ctx, "gao: %s: the listing's title %q differs from the feed's %q; the listing's is kept", l.id, l.title, f.title)
	}
	if f.published != "" {
		switch {
		case r.Published == "":
			r.Published = f.published
		case f.published != l.published && f.published != l.released:
			collect.Warn(ctx, "gao: %s: the listing dates it %s but the feed %s; the listing's date is kept", l.id, r.Published, f.published)
		}
	}
	if f.hasRecs {
		switch {
		case r.Recommendations == nil:
			n := f.recs
			r.Recommendations = &n
		case *r.Recommendations != f.recs:
			collect.Warn(ctx, "gao: %s: the listing states %d recommendations but the feed %d; the listing's count is kept",
				l.id, *r.Recommendations, f.recs)
		}
	}
}
