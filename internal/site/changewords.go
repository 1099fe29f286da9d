package site

import (
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// The sentences that say what a version changed, for the feeds (which Go
// writes) and the pages' summaries: every word comes from site/i18n
// (keys change_*), in the plural form each count takes.

// say returns the words of key with data, or "" after recording the first
// error, which Generate returns: the callers build sentences from many
// pieces, and a missing key is a defect the tests find.
func (w *words) say(key string, data map[string]any) string {
	s, err := w.get(key, data)
	if err != nil {
		w.mu.Lock()
		if w.err == nil {
			w.err = err
		}
		w.mu.Unlock()
	}
	return s
}

// failed returns the first error of say, if any.
func (w *words) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// n is the data of a count: Count picks the plural form, N is the count
// for reading.
func (w *words) n(n int, more ...any) map[string]any {
	d := map[string]any{"Count": n, "N": integer(int64(n))}
	for i := 0; i+1 < len(more); i += 2 {
		d[more[i].(string)] = more[i+1]
	}
	return d
}

// sentence joins parts with sep, capitalises the first letter and ends
// with a full stop.
func sentence(parts []string, sep string) string {
	s := strings.Join(parts, sep)
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// constantBases returns the base years of a change of constant-price
// series, if it is one.
func constantBases(c diff.SeriesChange) (from, to string, ok bool) {
	from, fromOK := strings.CutPrefix(c.From, "constant_usd_")
	to, toOK := strings.CutPrefix(c.To, "constant_usd_")
	return from, to, fromOK && toOK
}

// seriesChange explains a series that replaced another, as a sentence.
func (w *words) seriesChange(def *dataset.Definition, c diff.SeriesChange) string {
	d := w.n(c.OldRows, "From", w.seriesLabel(def, c.From), "To", w.seriesLabel(def, c.To), "New", integer(int64(c.NewRows)), "Fewer", c.NewRows != c.OldRows)
	if from, to, ok := constantBases(c); ok {
		d["From"], d["To"] = from, to
		return w.say("change_constant_base", d)
	}
	return w.say("change_series_replaced", d)
}

// unitChange explains a series whose unit changed: its figures are the
// same figures, written in another unit.
func (w *words) unitChange(def *dataset.Definition, u diff.UnitRows) string {
	return w.say("change_unit", w.n(u.Rows, "Series", w.seriesLabel(def, u.Series), "Source", u.Source, "From", u.From, "To", u.To))
}

// periodName is the word for a period ("Year").
func (w *words) periodName(def *dataset.Definition) string {
	if i := def.Schema.Index(def.PeriodField); i >= 0 && def.Schema.Fields[i].Title != "" {
		return def.Schema.Fields[i].Title
	}
	return w.say("change_period", nil)
}

// explanations says which periods and series came, went or replaced others.
func (w *words) explanations(def *dataset.Definition, p *diff.Report) []string {
	var out []string
	a := &p.Analysis
	for _, x := range a.AddedPeriods {
		out = append(out, w.say("change_period_added", w.n(p.Periods[x], "Period", w.periodName(def), "Value", x)))
	}
	for _, x := range a.RemovedPeriods {
		out = append(out, w.say("change_period_removed", w.n(p.Periods[x], "Period", w.periodName(def), "Value", x)))
	}
	for _, c := range a.SeriesChanges {
		out = append(out, w.seriesChange(def, c))
	}
	for _, u := range a.UnitChanges {
		out = append(out, w.unitChange(def, u))
	}
	for _, x := range a.AddedSeries {
		out = append(out, w.say("change_series_added", w.n(p.Series[x], "Series", w.seriesLabel(def, x))))
	}
	for _, x := range a.RemovedSeries {
		out = append(out, w.say("change_series_removed", w.n(p.Series[x], "Series", w.seriesLabel(def, x))))
	}
	return out
}

// summary says in one sentence what a version changed.
func (w *words) summary(def *dataset.Definition, p *diff.Report) string {
	if p.First {
		return w.say("change_first", w.n(p.NewRows))
	}
	c := p.Counts
	if c.Total() == 0 {
		return w.say("change_none", nil)
	}
	var parts []string
	for _, sc := range p.Analysis.SeriesChanges {
		// Rows of a series that replaced another are one change, not
		// additions and removals.
		c.Added -= sc.NewRows
		c.Removed -= sc.OldRows
		d := w.n(sc.OldRows, "From", sc.From, "To", sc.To)
		if from, to, ok := constantBases(sc); ok {
			d["From"], d["To"] = from, to
			parts = append(parts, w.say("change_part_constant_base", d))
		} else {
			parts = append(parts, w.say("change_part_series_replaced", d))
		}
	}
	for _, u := range p.Analysis.UnitChanges {
		parts = append(parts, w.say("change_part_unit", w.n(u.Rows, "Series", w.seriesLabel(def, u.Series), "Source", u.Source, "To", u.To)))
	}
	if c.Revisions > 0 {
		parts = append(parts, w.say("change_part_revised", w.n(c.Revisions, "Material", materialText(c.Material))))
	}
	if c.Markers > 0 {
		parts = append(parts, w.say("change_part_markers", w.n(c.Markers)))
	}
	if o := c.Changed - c.Revisions - c.Markers - c.Replaced; o > 0 {
		parts = append(parts, w.say("change_part_other", w.n(o)))
	}
	if c.Added > 0 {
		parts = append(parts, w.say("change_part_added", w.n(c.Added)))
	}
	if c.Removed > 0 {
		parts = append(parts, w.say("change_part_removed", w.n(c.Removed)))
	}
	return sentence(parts, ", ")
}

// materialText is the count of material revisions for reading, or "" for
// none.
func materialText(n int) string {
	if n == 0 {
		return ""
	}
	return integer(int64(n))
}

// countryChange summarises what one version changed in one country, with
// the rows sorted as diff.Analysis.Decide sorted them.
func (w *words) countryChange(def *dataset.Definition, p *diff.Report, cd *diff.CountryDelta) string {
	var parts []string
	for _, class := range []diff.Class{diff.ClassRevised, diff.ClassFilled, diff.ClassWithdrawn, diff.ClassMarker, diff.ClassOther} {
		if n := cd.Classes[class]; n > 0 {
			d := w.n(n)
			if class == diff.ClassRevised {
				d["Material"] = materialText(cd.Material)
			}
			parts = append(parts, w.say("change_country_"+string(class), d))
		}
	}
	for _, c := range p.Analysis.SeriesChanges {
		if n := cd.Replaced[c.From]; n > 0 {
			s := w.seriesChange(def, diff.SeriesChange{From: c.From, To: c.To, OldRows: n, NewRows: n})
			if s != "" {
				parts = append(parts, strings.TrimSuffix(strings.ToLower(s[:1])+s[1:], "."))
			}
		}
	}
	if n := cd.Classes[diff.ClassReplaced]; n > 0 {
		parts = append(parts, w.say("change_country_replaced", w.n(n)))
	}
	for _, x := range sortedKeys(cd.Periods) {
		parts = append(parts, w.say("change_country_period", w.n(cd.Periods[x], "Value", x)))
	}
	if n := cd.Classes[diff.ClassAdded] + cd.ExplainedAdded; n > 0 {
		parts = append(parts, w.say("change_part_added", w.n(n)))
	}
	if n := cd.Classes[diff.ClassRemoved] + cd.ExplainedRemoved; n > 0 {
		parts = append(parts, w.say("change_part_removed", w.n(n)))
	}
	return sentence(parts, "; ")
}

// has reports whether the i18n file has key.
func (w *words) has(key string) bool { return w.msgs[key] != nil }

// code gives the words of a code: the i18n key prefix+code, or the code
// itself, spaced, for a code the file does not know.
func (w *words) code(prefix, code string) string {
	if w.has(prefix + code) {
		return w.say(prefix+code, nil)
	}
	return strings.ReplaceAll(code, "_", " ")
}

// measureLabel names a measure for a column header.
func (w *words) measureLabel(m string) string {
	if base, ok := strings.CutPrefix(m, "constant_usd_"); ok {
		return w.say("measure_constant_usd", map[string]any{"Base": base})
	}
	return w.code("measure_", m)
}

// missingText says why a cell has no value.
func (w *words) missingText(kind string) string {
	if kind == "" {
		return w.say("missing_none", nil)
	}
	return w.code("missing_", kind)
}

// seriesLabel names a series in words.
func (w *words) seriesLabel(def *dataset.Definition, s string) string {
	switch def.SeriesField {
	case "measure":
		return w.measureLabel(s)
	case "instrument":
		if w.has("instrument_" + s + "_short") {
			return w.say("instrument_"+s+"_short", nil)
		}
	}
	return s
}
