package diff

import (
	"sort"
	"strings"
)

// SeriesChange is a series that disappeared while another appeared with
// the same stem: constant US$ at 2021 prices replaced by constant US$ at
// 2022 prices when a source moves its base year. Its rows are one change of
// measure, not thousands of unexplained additions and removals.
type SeriesChange struct {
	From, To         string
	OldRows, NewRows int
}

// Analysis explains a summary: periods and series that came or went.
type Analysis struct {
	AddedPeriods, RemovedPeriods []string
	// SeriesChanges pairs removed and added series of the same stem;
	// AddedSeries and RemovedSeries are the others.
	SeriesChanges              []SeriesChange
	AddedSeries, RemovedSeries []string
}

// Analyze explains s. The result is empty where the options named no
// period or series field.
func Analyze(s *Summary) Analysis {
	var a Analysis
	a.AddedPeriods, a.RemovedPeriods = onlyIn(s.NewPeriods, s.OldPeriods), onlyIn(s.OldPeriods, s.NewPeriods)
	added, removed := onlyIn(s.NewSeries, s.OldSeries), onlyIn(s.OldSeries, s.NewSeries)
	used := map[string]bool{}
	for _, from := range removed {
		for _, to := range added {
			if !used[to] && stem(from) != "" && stem(from) == stem(to) {
				a.SeriesChanges = append(a.SeriesChanges, SeriesChange{From: from, To: to, OldRows: s.OldSeries[from], NewRows: s.NewSeries[to]})
				used[from], used[to] = true, true
				break
			}
		}
	}
	for _, x := range added {
		if !used[x] {
			a.AddedSeries = append(a.AddedSeries, x)
		}
	}
	for _, x := range removed {
		if !used[x] {
			a.RemovedSeries = append(a.RemovedSeries, x)
		}
	}
	return a
}

// Replaced reports whether a series is one side of a series change.
func (a Analysis) Replaced(series string) bool {
	for _, c := range a.SeriesChanges {
		if c.From == series || c.To == series {
			return true
		}
	}
	return false
}

// stem returns a series name without its trailing digits and separator
// ("constant_usd_2022" -> "constant_usd"), or "" when it has none.
func stem(s string) string {
	t := strings.TrimRight(s, "0123456789")
	if t == s {
		return ""
	}
	return strings.TrimRight(t, "_-. ")
}

func onlyIn(a, b map[string]int) []string {
	var out []string
	for k, n := range a {
		if n > 0 && b[k] == 0 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
