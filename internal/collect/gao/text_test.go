package gao

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRecommendations(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		want     int
		known    bool
		conflict []int
	}{
		{"highlights word", "What GAO Recommends\n\nGAO is making four recommendations to DOD, including that it set targets.", 4, true, nil},
		{"fast facts digits", "DOD has set goals. We made 4 recommendations, including that DOD set annual cost targets.", 4, true, nil},
		{"typographic contraction", "We’re making six recommendations to the Navy.", 6, true, nil},
		{"plain contraction", "We're making 12 recommendations.", 12, true, nil},
		{"we are making", "We are making 3 recommendations to the Army.", 3, true, nil},
		{"singular a", "GAO is making a recommendation to the Secretary of Defense.", 1, true, nil},
		{"singular one", "We made 1 recommendation to NNSA.", 1, true, nil},
		{"total first", "GAO is making five recommendations: three to the Army and two to DOD.", 5, true, nil},
		{"matters are not recommendations", "GAO is making two matters for congressional consideration and seven recommendations to DOD.", 7, true, nil},
		{"matters only", "GAO is making two matters for congressional consideration.", 0, false, nil},
		{"a total of", "GAO is making a total of 14 recommendations to the services.", 14, true, nil},
		{"new", "GAO is making 2 new recommendations to DOD.", 2, true, nil},
		{"not making", "We are not making any recommendations in this report.", 0, true, nil},
		{"GAO not making", "GAO is not making recommendations in this report.", 0, true, nil},
		{"makes no", "GAO makes no recommendations in this report.", 0, true, nil},
		{"earlier report has made", "Since 2015, GAO has made 25 recommendations to improve this program.", 0, false, nil},
		{"earlier report previously", "We previously made 9 recommendations on this topic.", 0, false, nil},
		{"recommended without count", "We recommended that DOD set goals.", 0, false, nil},
		{"testimony", "We testified about cost growth in DOD's weapon programs...", 0, false, nil},
		{"cut before the noun", "DOD hasn't set goals. We made 4...", 0, false, nil},
		{"count in another sentence", "GAO is making recommendations. DOD agreed with 3 recommendations.", 0, false, nil},
		{"same count twice", "GAO is making four recommendations. In sum, we made 4 recommendations.", 4, true, nil},
		{"two counts", "GAO is making four recommendations to DOD. We made 2 recommendations to the Army.", 0, false, []int{4, 2}},
		{"none and some", "We are not making recommendations to DOD. GAO is making 3 recommendations to the Army.", 0, false, []int{0, 3}},
		{"empty", "", 0, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, known, conflict := recommendations(tt.text)
			if n != tt.want || known != tt.known || !cmp.Equal(conflict, tt.conflict) {
				t.Errorf("recommendations(%q) = %d, %v, %v; want %d, %v, %v", tt.text, n, known, conflict, tt.want, tt.known, tt.conflict)
			}
		})
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) (string, error)
		in    string
		want  string // "" for ErrFormat
	}{
		{"attr drupal noon utc", attrDate, "2024-06-13T12:00:00Z", "2024-06-13"},
		{"attr offset keeps its day", attrDate, "2024-06-13T23:30:00-04:00", "2024-06-13"},
		{"attr date only", attrDate, " 2024-06-13 ", "2024-06-13"},
		{"attr unix time", attrDate, "1718280000", ""},
		{"attr us order", attrDate, "06/13/2024", ""},
		{"attr impossible day", attrDate, "2024-02-30", ""},
		{"shown", shownDateOf, "Jun 13, 2024", "2024-06-13"},
		{"shown one digit day", shownDateOf, "Jun 5, 2024", "2024-06-05"},
		{"shown with spaces", shownDateOf, " Sep\u00a014, \n2023 ", "2023-09-14"},
		{"shown full month", shownDateOf, "June 13, 2024", ""},
		{"shown Sept", shownDateOf, "Sept 14, 2023", ""},
		{"shown iso", shownDateOf, "2024-06-13", ""},
		{"pubDate numeric zone", pubDate, "Thu, 13 Jun 2024 10:00:00 -0400", "2024-06-13"},
		{"pubDate evening stays in its zone", pubDate, "Thu, 13 Jun 2024 21:30:00 -0400", "2024-06-13"},
		{"pubDate named zone", pubDate, "Mon, 20 Jan 2026 10:00:00 EST", "2026-01-20"},
		{"pubDate GMT", pubDate, "Thu, 10 Jul 2026 12:00:00 GMT", "2026-07-10"},
		{"pubDate with newline", pubDate, "\n  Thu, 13 Jun 2024 10:00:00 -0400\n", "2024-06-13"},
		{"pubDate two-digit year", pubDate, "Thu, 13 Jun 24 10:00:00 -0400", ""},
		{"pubDate iso", pubDate, "2024-06-13T10:00:00-04:00", ""},
		{"pubDate no time", pubDate, "Thu, 13 Jun 2024", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			if tt.want == "" {
				if !errors.Is(err, ErrFormat) {
					t.Errorf("parse(%q) = %q, %v; want an error wrapping ErrFormat", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSameText(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"F-35 Aircraft: DOD’s Goals", "F-35 Aircraft: DOD's Goals", true},
		{"Navy  Readiness:\n Ship\tDelays", "Navy Readiness: Ship Delays", true},
		{"Weapon Systems—Annual Assessment", "Weapon Systems-Annual Assessment", true},
		{"Navy Readiness", "Navy readiness", true},
		{"Navy Readiness", "Army Readiness", false},
	}
	for _, tt := range tests {
		if got := sameText(tt.a, tt.b); got != tt.want {
			t.Errorf("sameText(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
