package diff

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// SeriesChange is a series that disappeared while another appeared with
// the same stem: constant US$ at 2021 prices replaced by constant US$ at
// 2022 prices when a source moves its base year. Its rows are one change of
// measure, not thousands of unexplained additions and removals.
type SeriesChange struct {
	From    string `json:"from"`
	To      string `json:"to"`
	OldRows int    `json:"old_rows"`
	NewRows int    `json:"new_rows"`
}

// UnitRows is a change of one series' unit in one source's rows: a series
// replaced, its figures the same figures in the new unit (SIPRI's shares
// of GDP moving from fractions to percent).
type UnitRows struct {
	UnitChange
	Rows int `json:"rows"`
}

// Analysis explains a summary: periods and series that came or went, and
// series whose unit changed.
type Analysis struct {
	AddedPeriods   []string `json:"added_periods,omitempty"`
	RemovedPeriods []string `json:"removed_periods,omitempty"`
	// SeriesChanges pairs removed and added series of the same stem;
	// AddedSeries and RemovedSeries are the others.
	SeriesChanges []SeriesChange `json:"series_changes,omitempty"`
	AddedSeries   []string       `json:"added_series,omitempty"`
	RemovedSeries []string       `json:"removed_series,omitempty"`
	// UnitChanges lists the series whose unit changed, by source.
	UnitChanges []UnitRows `json:"unit_changes,omitempty"`
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
	for u, n := range s.UnitChanges {
		a.UnitChanges = append(a.UnitChanges, UnitRows{UnitChange: u, Rows: n})
	}
	slices.SortFunc(a.UnitChanges, func(x, y UnitRows) int {
		return cmp.Or(cmp.Compare(x.Source, y.Source), cmp.Compare(x.Series, y.Series), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
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
