package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/dataset/history"
)

const diffHelp = `Usage: publish diff [flags] DATASET [FROM [TO]]

Diff prints the rows of DATASET that differ between two published versions,
read straight from git objects (nothing is checked out): rows added, rows
removed, and rows changed with each field's old and new value. Changed rows
are sorted by what the change means:

  revised    a published figure now reads differently (a revision)
  filled     a figure that was missing is now given
  withdrawn  a figure that was given is now missing
  marker     still missing, for another stated reason (e.g. "xxx" to ". .")
  other      only flags or notes changed (e.g. an estimate became final)
  replaced   the figure's series was replaced: its unit changed (the same
             figure in another unit, such as SIPRI's shares of GDP moving
             from fractions to percent), or it gave way to a series of the
             same stem (constant US$ at a new base year)

Two figures equal at 15 significant digits (or one apart in the 15th, the
publishers' rounding) are the same number: no change. Revisions are listed
largest first and grouped by country, countries in the order of their
largest. A revision is material when it moves a percentage by at least 0.1
percentage points, or any other figure by at least 5%%; material revisions
lead, and revisions of different measures compare by how many times they
reach that threshold. Figures are rounded for reading; the CSV (--csv)
gives every value in full, with the size of each revision.

Periods (years) that appear or disappear and series (measures) that replace
one another are reported as such rather than as thousands of unexplained
rows.

FROM and TO name versions: a version ("2026-11-25"), a tag
("military-expenditure/2026-11-25"), a commit hash, HEAD or HEAD~N. The
defaults are the previous version and the latest.

Plain text on a terminal; --json for programs (one object: every change in
key order, each revision with its size, then the summary, the analysis and
the grouped report that the text shows); --csv for spreadsheets (one line
per changed field, in key order, every value in full).

Datasets: %s.
`

func runDiff(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	var r repoFlags
	r.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "print CSV")
	limit := fs.Int("limit", 20, "rows listed per section in plain text and in the --json report; 0 lists all")
	pos, err := parseWith(m, fs, fmt.Sprintf(diffHelp, datasetNames()), args, 1, 3)
	if err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return &usageError{message: "--json and --csv: choose one"}
	}
	if *limit < 0 {
		return &usageError{message: "--limit: want 0 or more"}
	}
	h, err := r.open(pos[0])
	if err != nil {
		return err
	}
	defer h.Repo.Close()
	to, err := h.Find("HEAD")
	if len(pos) == 3 {
		to, err = h.Find(pos[2])
	}
	if err != nil {
		return err
	}
	from := h.Previous(to)
	if len(pos) >= 2 {
		if from, err = h.Find(pos[1]); err != nil {
			return err
		}
	}
	w := bufio.NewWriter(m.Stdout)
	defer w.Flush()
	switch {
	case *asJSON:
		err = diffJSON(w, h, from, to, *limit)
	case *asCSV:
		err = diffCSV(w, h, from, to)
	default:
		err = diffText(w, h, from, to, *limit)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// report compares two versions and groups the changes as diff.Grouper
// does for the site; each change is also passed to fn when it is not nil.
func report(h *history.History, from, to *history.Version, limit int, fn func(*diff.Change) error) (*diff.Report, error) {
	g := diff.NewGrouper(h.Def.Schema, diff.OptionsFor(h.Def), from == nil, limit, limit)
	sum, err := h.Diff(from, to, func(c *diff.Change) error {
		if fn != nil {
			if err := fn(c); err != nil {
				return err
			}
		}
		return g.Add(c)
	})
	if err != nil {
		return nil, err
	}
	return g.Report(sum), nil
}

func versionLabel(v *history.Version) string {
	if v == nil {
		return "(nothing)"
	}
	return fmt.Sprintf("%s (%s)", v.Label(), v.Short())
}

func orWord(field, fallback string) string {
	if field != "" {
		return field
	}
	return fallback
}

// sectionTitle names a section of the text output.
func sectionTitle(def *dataset.Definition, c diff.Class, first bool) string {
	switch c {
	case diff.ClassRevised:
		return "Revised figures"
	case diff.ClassFilled:
		return "Figures now given"
	case diff.ClassWithdrawn:
		return "Figures withdrawn"
	case diff.ClassMarker:
		return "Missing-value markers changed"
	case diff.ClassOther:
		return "Other changes (flags, notes)"
	case diff.ClassReplaced:
		return "Rows of series replaced (see above)"
	case diff.ClassAdded:
		if first {
			return "Rows added"
		}
		return "Rows added (not in an added " + orWord(def.PeriodField, "period") + " or " + orWord(def.SeriesField, "series") + ")"
	case diff.ClassRemoved:
		return "Rows removed (not in a removed " + orWord(def.PeriodField, "period") + " or " + orWord(def.SeriesField, "series") + ")"
	}
	return string(c)
}

// diffText prints the report of two versions: the counts, what the
// analysis explains, and each section's rows by country, the largest
// revisions first.
func diffText(w io.Writer, h *history.History, from, to *history.Version, limit int) error {
	def := h.Def
	r, err := report(h, from, to, limit, nil)
	if err != nil {
		return err
	}
	c := r.Counts
	fmt.Fprintf(w, "%s: %s -> %s\n", def.Name, versionLabel(from), versionLabel(to))
	fmt.Fprintf(w, "rows: %d -> %d; %d added, %d removed, %d changed (%d revisions, %d material; %d marker changes",
		r.OldRows, r.NewRows, c.Added, c.Removed, c.Changed, c.Revisions, c.Material, c.Markers)
	if c.Replaced > 0 {
		fmt.Fprintf(w, "; %d in series whose unit changed", c.Replaced)
	}
	fmt.Fprintln(w, ")")
	for _, src := range slices.Sorted(maps.Keys(r.BySource)) {
		s := r.BySource[src]
		fmt.Fprintf(w, "  %s: %d added, %d removed, %d changed (%d revisions)\n", src, s.Added, s.Removed, s.Changed, s.Revisions)
	}
	withheldText(w, from, to)
	if r.SameNumbers > 0 {
		fmt.Fprintf(w, "%d rows differ only below 15 significant digits: the same numbers, not changes\n", r.SameNumbers)
	}
	if r.First {
		fmt.Fprintln(w, "the first published version: every row is added")
	}
	a := &r.Analysis
	counted := func(label string, items []string, rows map[string]int) {
		if len(items) == 0 {
			return
		}
		parts := make([]string, len(items))
		for i, x := range items {
			parts[i] = fmt.Sprintf("%s (%d rows)", x, rows[x])
		}
		fmt.Fprintf(w, "%s: %s\n", label, strings.Join(parts, ", "))
	}
	if len(a.AddedPeriods)+len(a.RemovedPeriods)+len(a.SeriesChanges)+len(a.AddedSeries)+len(a.RemovedSeries)+len(a.UnitChanges) > 0 {
		fmt.Fprintln(w)
	}
	counted(orWord(def.PeriodField, "period")+" added", a.AddedPeriods, r.Periods)
	counted(orWord(def.PeriodField, "period")+" removed", a.RemovedPeriods, r.Periods)
	for _, sc := range a.SeriesChanges {
		fmt.Fprintf(w, "%s changed: %s -> %s (%d rows replaced by %d rows)\n", orWord(def.SeriesField, "series"), sc.From, sc.To, sc.OldRows, sc.NewRows)
	}
	for _, u := range a.UnitChanges {
		who := u.Series
		if u.Source != "" {
			who = u.Source + " " + u.Series
		}
		fmt.Fprintf(w, "unit changed: %s: %s -> %s (%d rows: the same figures in the new unit, not revisions)\n", who, u.From, u.To, u.Rows)
	}
	counted(orWord(def.SeriesField, "series")+" added", a.AddedSeries, r.Series)
	counted(orWord(def.SeriesField, "series")+" removed", a.RemovedSeries, r.Series)

	s := def.Schema
	country := s.Index(diff.OptionsFor(def).CountryField)
	name := s.Index("country_name")
	for _, sec := range r.Sections {
		fmt.Fprintf(w, "\n%s (%d", sectionTitle(def, sec.Class, r.First), sec.N)
		if sec.Class == diff.ClassRevised {
			fmt.Fprintf(w, "; %d material: at least %v percentage points for a percentage, %v%% otherwise; largest first", sec.Material,
				diff.MaterialPoints, diff.MaterialRelative*100)
		}
		fmt.Fprintln(w, "):")
		indent := "  "
		for _, g := range sec.Groups {
			if country >= 0 {
				label := g.Country
				if n, ok := g.Rows[0].Current().At(name); ok && n != g.Country {
					label = n + " (" + g.Country + ")"
				}
				if label == "" {
					label = "(no " + s.Fields[country].Name + ")"
				}
				fmt.Fprintf(w, "  %s: %d", label, g.N)
				if g.Material > 0 {
					fmt.Fprintf(w, ", %d material", g.Material)
				}
				fmt.Fprintln(w)
				indent = "    "
			}
			for i := range g.Rows {
				fmt.Fprintln(w, indent+changeLine(s, &g.Rows[i], country))
			}
		}
		if more := sec.N - sec.Listed; more > 0 && sec.Class != diff.ClassReplaced {
			fmt.Fprintf(w, "  ... and %d more (--limit 0 lists all; --csv or --json for programs)\n", more)
		}
	}
	return nil
}

// withheldText writes what version to withheld under its sources' terms:
// those rows are in neither version's files, so the diff above does not
// see them, and only their counts may be shown (as the version page does).
func withheldText(w io.Writer, from, to *history.Version) {
	for _, s := range to.Withheld {
		fmt.Fprintf(w, "  %s: %d rows withheld under its terms (%s), not in the files and not compared", s.Name, s.Withheld.Rows, s.Withheld.Reason)
		switch c := s.Withheld.Changes; {
		case c == nil:
			fmt.Fprint(w, "; what changed in them could not be counted")
		case (from == nil && c.Previous == "") || (from != nil && c.Previous == from.Version):
			fmt.Fprintf(w, "; since %s: %d added, %d removed, %d changed (%d revisions)", versionLabel(from), c.Added, c.Removed, c.Changed, c.Revisions)
		default:
			fmt.Fprintf(w, "; since the version before it (%s): %d added, %d removed, %d changed (%d revisions)", orWord(c.Previous, "none"), c.Added, c.Removed, c.Changed, c.Revisions)
		}
		fmt.Fprintln(w)
	}
}

// changeLine returns a change as one line of plain text: the row's key
// (without the country, which heads its group) and the fields that
// changed, rounded for reading, with the size of a revision; or the value
// of an added or removed row.
func changeLine(s *dataset.Schema, r *diff.Row, country int) string {
	row := r.Current()
	var key []string
	for _, i := range s.KeyIndex() {
		if i == country {
			continue
		}
		v, _ := row.At(i)
		key = append(key, v)
	}
	line := strings.Join(key, " ")
	if r.Old != nil && r.New != nil {
		parts := make([]string, len(r.Fields))
		for i, f := range r.Fields {
			o, n := readable(s.Fields[f].Type, r.Old, r.New, f)
			parts[i] = fmt.Sprintf("%s %s -> %s", s.Fields[f].Name, o, n)
		}
		line += ": " + strings.Join(parts, "; ")
		if sz := r.Size; sz != nil {
			line += " (" + sizeText(sz) + ")"
			if sz.Material {
				line += " material"
			}
		}
		return line
	}
	if i := s.Index("value"); i >= 0 {
		v, ok := row.At(i)
		if !ok {
			v = "(empty)"
		} else {
			v = round(v, 4)
		}
		line += ": value " + v
	}
	return line
}

// readable returns field f of the old and the new row for reading: numbers
// rounded to 4 significant digits, or as many more as it takes to tell
// them apart; other values as they are.
func readable(typ dataset.Type, old, cur diff.TextRow, f int) (string, string) {
	o, okO := old.At(f)
	n, okN := cur.At(f)
	if !okO {
		o = "(empty)"
	}
	if !okN {
		n = "(empty)"
	}
	if typ != dataset.Number || !okO || !okN {
		return o, n
	}
	for digits := 4; digits < 17; digits++ {
		ro, rn := round(o, digits), round(n, digits)
		if ro != rn {
			return ro, rn
		}
	}
	return o, n
}

// round returns a decimal text rounded to the given significant digits,
// never in exponent notation; text that is not a number is returned as is.
func round(text string, digits int) string {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return text
	}
	x, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', digits-1, 64), 64)
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// sizeText says how much a revision moved: "+0.55 pp, +15.5%".
func sizeText(sz *diff.Size) string {
	abs := round(sz.AbsText(), 4)
	if !strings.HasPrefix(abs, "-") {
		abs = "+" + abs
	}
	if sz.Points {
		abs += " pp"
	}
	if math.IsInf(sz.Rel, 0) {
		return abs
	}
	return fmt.Sprintf("%s, %+.1f%%", abs, sz.Rel*100)
}

func jsonValue(s *dataset.Schema, i int, v dataset.Value) any {
	if v.Null {
		return nil
	}
	switch s.Fields[i].Type {
	case dataset.Integer:
		return v.Int
	case dataset.Number:
		return v.Num
	case dataset.Boolean:
		return v.Bool
	default:
		return v.Str
	}
}

func jsonRow(s *dataset.Schema, row dataset.Row, only []int) map[string]any {
	if row == nil {
		return nil
	}
	out := map[string]any{}
	for _, i := range only {
		out[s.Fields[i].Name] = jsonValue(s, i, row[i])
	}
	return out
}

func versionJSON(v *history.Version) any {
	if v == nil {
		return nil
	}
	out := map[string]any{"version": v.Version, "commit": v.Commit, "created": v.Created, "sample": v.Sample}
	if len(v.Withheld) > 0 {
		// The rows withheld under their sources' terms: counts only.
		w := map[string]*dataset.Withheld{}
		for _, s := range v.Withheld {
			w[s.Name] = s.Withheld
		}
		out["withheld"] = w
	}
	return out
}

// sizeJSON is a revision's size in JSON: the difference in the figure's
// unit (exact on the published digits, as text and as a number), relative
// to the old figure (null when that was 0), and whether it is material.
func sizeJSON(sz *diff.Size) map[string]any {
	if sz == nil {
		return nil
	}
	out := map[string]any{"difference": sz.Abs, "difference_text": sz.AbsText(), "points": sz.Points, "material": sz.Material}
	if !math.IsInf(sz.Rel, 0) {
		out["relative_difference"] = sz.Rel
	}
	return out
}

// textRowJSON turns a report's text row back into typed JSON values.
func textRowJSON(s *dataset.Schema, row diff.TextRow, only []int) map[string]any {
	if row == nil {
		return nil
	}
	out := map[string]any{}
	for _, i := range only {
		t, ok := row.At(i)
		if !ok {
			out[s.Fields[i].Name] = nil
			continue
		}
		v, err := dataset.ParseValue(s.Fields[i], t)
		if err != nil {
			out[s.Fields[i].Name] = t
			continue
		}
		out[s.Fields[i].Name] = jsonValue(s, i, v)
	}
	return out
}

func diffJSON(w io.Writer, h *history.History, from, to *history.Version, limit int) error {
	s := h.Def.Schema
	all := make([]int, len(s.Fields))
	for i := range all {
		all[i] = i
	}
	head, _ := json.Marshal(map[string]any{"dataset": h.Def.Name, "from": versionJSON(from), "to": versionJSON(to)})
	// Stream the changes inside the object, so a large diff is never held.
	fmt.Fprintf(w, "%s,\"changes\":[", head[:len(head)-1])
	first := true
	r, err := report(h, from, to, limit, func(c *diff.Change) error {
		ch := map[string]any{"kind": c.Kind.String(), "class": string(c.Class), "key": jsonRow(s, c.Row(), s.KeyIndex()),
			"old": jsonRow(s, c.Old, all), "new": jsonRow(s, c.New, all)}
		if c.Kind == diff.Changed {
			fields := make([]map[string]any, len(c.Fields))
			for i, f := range c.Fields {
				col := s.Index(f.Field)
				fields[i] = map[string]any{"field": f.Field, "old": jsonValue(s, col, f.Old), "new": jsonValue(s, col, f.New)}
			}
			ch["fields"] = fields
		}
		if c.Size != nil {
			ch["size"] = sizeJSON(c.Size)
		}
		b, err := json.Marshal(ch)
		if err != nil {
			return err
		}
		if !first {
			fmt.Fprint(w, ",")
		}
		first = false
		fmt.Fprintf(w, "\n%s", b)
		return nil
	})
	if err != nil {
		return err
	}
	// The grouped report, as the text shows it: sections in order, rows by
	// country, the largest revisions first.
	var sections []map[string]any
	for _, sec := range r.Sections {
		var groups []map[string]any
		for _, g := range sec.Groups {
			var rows []map[string]any
			for _, row := range g.Rows {
				item := map[string]any{"key": textRowJSON(s, row.Current(), s.KeyIndex())}
				var fields []string
				for _, f := range row.Fields {
					fields = append(fields, s.Fields[f].Name)
				}
				if fields != nil {
					item["fields"] = fields
					item["old"] = textRowJSON(s, row.Old, row.Fields)
					item["new"] = textRowJSON(s, row.New, row.Fields)
				}
				if row.Size != nil {
					item["size"] = sizeJSON(row.Size)
				}
				rows = append(rows, item)
			}
			groups = append(groups, map[string]any{"country": g.Country, "n": g.N, "material": g.Material, "rows": rows})
		}
		sections = append(sections, map[string]any{"class": sec.Class, "n": sec.N, "material": sec.Material, "listed": sec.Listed, "groups": groups})
	}
	tail, err := json.Marshal(map[string]any{
		"summary": map[string]any{
			"old_rows": r.OldRows, "new_rows": r.NewRows, "counts": r.Counts, "by_source": r.BySource, "same_numbers": r.SameNumbers,
			"material_thresholds": map[string]any{"percentage_points": diff.MaterialPoints, "relative": diff.MaterialRelative},
		},
		"analysis": r.Analysis,
		"report":   map[string]any{"limit": limit, "sections": sections},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n],%s\n", tail[1:])
	return nil
}

func diffCSV(w io.Writer, h *history.History, from, to *history.Version) error {
	cw, err := diff.NewCSVWriter(w, h.Def.Schema)
	if err != nil {
		return err
	}
	if _, err := h.Diff(from, to, cw.Write); err != nil {
		return err
	}
	return cw.Flush()
}
