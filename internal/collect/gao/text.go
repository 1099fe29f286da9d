package gao

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// clean collapses runs of white space (newlines, tabs, no-break spaces) into
// one space and trims the ends: how a title reads on the page.
func clean(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// typography folds the characters two renderings of one text may spell
// differently: the feed writes DOD's where the listing writes DOD’s.
var typography = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`,
	"\u2013", "-", "\u2014", "-", "\u2011", "-")

// sameText reports whether a and b are one text up to white space,
// typography and case.
func sameText(a, b string) bool {
	return strings.EqualFold(typography.Replace(clean(a)), typography.Replace(clean(b)))
}

// Date layouts, exactly as GAO writes them.
const (
	// isoDate and isoDateTime are the datetime attributes of the listing's
	// <time> elements: Drupal writes a date-only field as noon UTC
	// (2024-06-13T12:00:00Z).
	isoDate     = "2006-01-02"
	isoDateTime = time.RFC3339
	// shownDate is the text of those elements and of the product pages:
	// "Jun 13, 2024".
	shownDate = "Jan 2, 2006"
)

// feedDates are the layouts of the feed's pubDate: RFC 822 with a four-digit
// year as RSS 2.0 requires, with a numeric zone as GAO writes it (Thu, 13
// Jun 2024 10:00:00 -0400) or a named one.
var feedDates = []string{time.RFC1123Z, time.RFC1123}

// attrDate returns the date of a datetime attribute. The date is the
// calendar day the attribute states, in its own offset: converting noon UTC
// or an Eastern time to another zone could move it to another day.
func attrDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{isoDateTime, isoDate} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(isoDate), nil
		}
	}
	return "", fmt.Errorf("datetime %q is neither YYYY-MM-DD nor RFC 3339: %w", s, ErrFormat)
}

// shownDateOf returns the date of text such as "Jun 13, 2024".
func shownDateOf(s string) (string, error) {
	t, err := time.Parse(shownDate, clean(s))
	if err != nil {
		return "", fmt.Errorf("date %q is not in the form Jun 13, 2024: %w", clean(s), ErrFormat)
	}
	return t.Format(isoDate), nil
}

// pubDate returns the date of a feed item's pubDate, the calendar day in the
// zone the feed states (GAO's, US Eastern): an item posted at 21:00 -0400
// was published that day, not the next as in UTC.
func pubDate(s string) (string, error) {
	s = clean(s)
	for _, layout := range feedDates {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(isoDate), nil
		}
	}
	return "", fmt.Errorf("pubDate %q is not an RFC 822 date such as Thu, 13 Jun 2024 10:00:00 -0400: %w", s, ErrFormat)
}

// Statements of a report's own recommendations, as GAO words them in its
// highlights ("GAO is making four recommendations to DOD") and Fast Facts
// ("We made 2 recommendations", "We’re making six recommendations"). Only the
// present tense and the simple past with GAO or we as subject count: "GAO
// has made", "we previously made" and "GAO recommended in 2019" speak of
// earlier reports.
var (
	makingRE = regexp.MustCompile(`(?i)\b(?:GAO|we)(?:\s+is|\s+are|'re)?\s+(?:making|made|makes)\b`)
	countRE  = regexp.MustCompile(`(?i)\b(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|` +
		`thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\s+(?:new\s+|additional\s+)?(recommendations?)\b`)
	noneRE = regexp.MustCompile(`(?i)\b(?:GAO|we)(?:(?:\s+is|\s+are|'re)\s+not\s+making\s+(?:any\s+)?(?:new\s+)?recommendations|` +
		`\s+(?:makes|made|is\s+making|are\s+making|'re\s+making)\s+no\s+(?:new\s+)?recommendations)\b`)
	sentenceEnd = regexp.MustCompile(`[.;!?](?:\s+|$)|\n`)
)

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}

// recommendations returns the number of recommendations text says the
// report makes. known is false when text states no number; conflict lists
// the numbers when it states several different ones (then known is false
// too). In a statement the first count after the verb is the total, as GAO
// writes it ("GAO is making five recommendations: three to the Army and two
// to DOD"); matters for congressional consideration are not
// recommendations and are not counted.
func recommendations(text string) (n int, known bool, conflict []int) {
	text = typography.Replace(text)
	seen := map[int]bool{}
	var found []int
	add := func(v int) {
		if !seen[v] {
			seen[v] = true
			found = append(found, v)
		}
	}
	for _, s := range sentences(text) {
		if !strings.Contains(strings.ToLower(s), "recommendation") {
			continue // most sentences; the expressions below are slower
		}
		if noneRE.MatchString(s) {
			add(0)
			continue
		}
		loc := makingRE.FindStringIndex(s)
		if loc == nil {
			continue
		}
		m := countRE.FindStringSubmatch(s[loc[1]:])
		if m == nil {
			continue
		}
		word, noun := strings.ToLower(m[1]), strings.ToLower(m[2])
		v, isWord := numberWords[word]
		if !isWord {
			v, _ = strconv.Atoi(word)
		}
		if (word == "a" || word == "an") && noun != "recommendation" {
			continue // "a recommendations" is not a count
		}
		add(v)
	}
	switch len(found) {
	case 0:
		return 0, false, nil
	case 1:
		return found[0], true, nil
	}
	return 0, false, found
}

// sentences splits text where a sentence or a line ends.
func sentences(text string) []string {
	var out []string
	for _, s := range sentenceEnd.Split(text, -1) {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
