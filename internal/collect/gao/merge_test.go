package gao

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
)

func intp(n int) *int { return &n }

func TestMerge(t *testing.T) {
	const listing, feed = "listing", "feed"
	l := func(id, title, published, released string, recs ...int) entry {
		e := entry{id: id, slug: "x-" + id, title: title, published: published, released: released, where: listing}
		if len(recs) > 0 {
			e.recs, e.hasRecs = recs[0], true
		}
		return e
	}
	f := func(id, title, published string, recs ...int) entry {
		e := entry{id: id, slug: "x-" + id, title: title, published: published, where: feed}
		if len(recs) > 0 {
			e.recs, e.hasRecs = recs[0], true
		}
		return e
	}
	rep := func(id, title, published string, recs *int) report {
		return report{ID: id, Published: published, Title: title, Recommendations: recs, Link: ProductBase + "x-" + id}
	}
	tests := []struct {
		name    string
		listed  [][]entry
		fed     [][]entry
		subject string
		want    []report
		warns   int
	}{
		{
			name:   "in both, agreeing: the feed fills in the count",
			listed: [][]entry{{l("A", "Navy Readiness: Delays", "2024-06-11", "2024-06-11")}},
			fed:    [][]entry{{f("A", "Navy Readiness:  Delays", "2024-06-11", 3)}},
			want:   []report{rep("A", "Navy Readiness: Delays", "2024-06-11", intp(3))},
		},
		{
			name:   "titles differ: the listing's, with a warning",
			listed: [][]entry{{l("A", "Navy Ship Maintenance", "2024-06-11", "")}},
			fed:    [][]entry{{f("A", "Navy Readiness", "2024-06-11")}},
			want:   []report{rep("A", "Navy Ship Maintenance", "2024-06-11", nil)},
			warns:  1,
		},
		{
			name:   "dates differ: the listing's, with a warning",
			listed: [][]entry{{l("A", "T", "2024-05-30", "2024-05-30")}},
			fed:    [][]entry{{f("A", "T", "2024-06-03")}},
			want:   []report{rep("A", "T", "2024-05-30", nil)},
			warns:  1,
		},
		{
			name:   "the feed's date is the release date: no conflict",
			listed: [][]entry{{l("A", "T", "2023-08-30", "2023-09-28")}},
			fed:    [][]entry{{f("A", "T", "2023-09-28")}},
			want:   []report{rep("A", "T", "2023-08-30", nil)},
		},
		{
			name:   "counts differ: the listing's, with a warning",
			listed: [][]entry{{l("A", "T", "2024-06-13", "", 4)}},
			fed:    [][]entry{{f("A", "T", "2024-06-13", 5)}},
			want:   []report{rep("A", "T", "2024-06-13", intp(4))},
			warns:  1,
		},
		{
			name:   "explicit zero is kept, and differs from unknown",
			listed: [][]entry{{l("A", "T", "2024-06-05", "", 0), l("B", "U", "2024-06-04", "")}},
			want:   []report{rep("A", "T", "2024-06-05", intp(0)), rep("B", "U", "2024-06-04", nil)},
		},
		{
			name:   "feed only: kept when its title matches the filter",
			listed: [][]entry{{l("A", "Defense Budget", "2024-06-13", "")}},
			fed: [][]entry{{
				f("B", "Army Modernization: Vehicles", "2024-06-20", 5),
				f("C", "Rural Broadband: Grants", "2024-06-18", 2),
				f("D", "Veterans Health Care: Wait Times", "2024-06-17", 1),
			}},
			subject: "National Defense",
			want: []report{
				{ID: "A", Published: "2024-06-13", Title: "Defense Budget", Subject: "National Defense", Link: ProductBase + "x-A"},
				rep("B", "Army Modernization: Vehicles", "2024-06-20", intp(5)),
			},
		},
		{
			name:   "a listed report need not match the filter",
			listed: [][]entry{{l("A", "Financial Management: Audit Readiness", "2024-06-13", "")}},
			fed:    [][]entry{{f("A", "Financial Management: Audit Readiness", "2024-06-13")}},
			want:   []report{rep("A", "Financial Management: Audit Readiness", "2024-06-13", nil)},
		},
		{
			name:   "no date in the listing: the release date, else the feed's",
			listed: [][]entry{{l("A", "T", "", "2024-06-20"), l("B", "U", "", "")}},
			fed:    [][]entry{{f("B", "U", "2024-06-19")}},
			want:   []report{rep("A", "T", "2024-06-20", nil), rep("B", "U", "2024-06-19", nil)},
		},
		{
			name:   "no date anywhere: left out with a warning",
			listed: [][]entry{{l("A", "T", "", ""), l("B", "U", "2024-06-01", "")}},
			fed:    [][]entry{{f("C", "Navy Shipbuilding", "")}},
			want:   []report{rep("B", "U", "2024-06-01", nil)},
			warns:  2,
		},
		{
			name:   "on two listings: the first, with a warning when they differ",
			listed: [][]entry{{l("A", "T", "2024-06-01", "")}, {l("A", "T", "2024-06-01", ""), l("B", "U", "2024-05-01", "")}, {l("B", "Other", "2024-05-01", "")}},
			want:   []report{rep("A", "T", "2024-06-01", nil), rep("B", "U", "2024-05-01", nil)},
			warns:  1,
		},
		{
			name: "in two feeds: the first",
			fed:  [][]entry{{f("A", "Defense One", "2024-06-01")}, {f("A", "Defense Two", "2024-06-02")}},
			want: []report{rep("A", "Defense One", "2024-06-01", nil)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, w := collect.WithWarnings(t.Context())
			got := merge(ctx, tt.listed, tt.fed, options{feedFilter: defaultFilter, subject: tt.subject})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("merge() mismatch (-want +got):\n%s", diff)
			}
			if n := len(w.List()); n != tt.warns {
				t.Errorf("merge() warned %d times, want %d: %q", n, tt.warns, w.List())
			}
		})
	}
}

func TestDefaultFeedFilter(t *testing.T) {
	tests := []struct {
		title string
		want  bool
	}{
		{"Defense Acquisitions: Annual Assessment", true},
		{"DOD Financial Management: Audit Readiness", true},
		{"F-35 Aircraft: Sustainment Costs", true},
		{"Navy Shipbuilding: Delays", true},
		{"Military Housing: Oversight", true},
		{"Missile Defense: Testing", true},
		{"Nuclear Weapons: Warhead Schedules", true},
		{"Space Force Acquisitions: Ground Systems", true},
		{"Service Members: Child Care", true},
		{"Veterans Health Care: Wait Times", false},
		{"Rural Broadband: Grants", false},
		{"Defender Program: A Word That Only Starts Alike", false},
		{"Armyworm Control: Agriculture", false},
	}
	for _, tt := range tests {
		if got := defaultFilter.MatchString(tt.title); got != tt.want {
			t.Errorf("DefaultFeedFilter.MatchString(%q) = %v, want %v", tt.title, got, tt.want)
		}
	}
}
