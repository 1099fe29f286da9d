package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
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

Periods (years) that appear or disappear and series (measures) that replace
one another, such as constant US$ moving to a new base year, are reported
as such rather than as thousands of unexplained rows.

FROM and TO name versions: a version ("2026-11-25"), a tag
("military-expenditure/2026-11-25"), a commit hash, HEAD or HEAD~N. The
defaults are the previous version and the latest.

Plain text on a terminal; --json for programs (one object, changes
streamed); --csv for spreadsheets (one line per changed field).

Datasets: %s.
`

func runDiff(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	var r repoFlags
	r.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "print CSV")
	limit := fs.Int("limit", 20, "rows listed per section in plain text; 0 lists all")
	pos, err := parseWith(m, fs, fmt.Sprintf(diffHelp, datasetNames()), args, 1, 3)
	if err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return &usageError{message: "--json and --csv: choose one"}
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
		err = diffJSON(w, h, from, to)
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

// keyText returns a row's primary key as text, space-separated.
func keyText(s *dataset.Schema, row dataset.Row) string {
	parts := make([]string, 0, len(s.PrimaryKey))
	for _, i := range s.KeyIndex() {
		parts = append(parts, dataset.FormatValue(s.Fields[i].Type, row[i]))
	}
	return strings.Join(parts, " ")
}

func valueText(s *dataset.Schema, field string, v dataset.Value) string {
	if v.Null {
		return "(empty)"
	}
	return dataset.FormatValue(s.Fields[s.Index(field)].Type, v)
}

func versionLabel(v *history.Version) string {
	if v == nil {
		return "(nothing)"
	}
	return fmt.Sprintf("%s (%s)", v.Label(), v.Short())
}

// section gathers the changes of one class for plain text, listing at
// most limit of them.
type section struct {
	title string
	n     int
	lines []string
}

// group holds the added or removed rows of one period and series until the
// whole diff is counted: only then is it known whether an added period or a
// replaced series explains them. It keeps their number and the first limit
// of their lines, so that memory is bounded by the groups, not the rows.
type group struct {
	n     int
	lines []pending
}

type groupKey struct {
	kind           diff.Kind
	period, series string
}

// pending is a listed line with its place in the diff, which is key order.
type pending struct {
	seq  int
	line string
}

// diffText walks the two versions once. Changed rows go straight to their
// section; added and removed rows wait in groups by period and series until
// the counts tell which groups an added or removed period or series
// explains, and the others' lines are merged back in key order.
func diffText(w io.Writer, h *history.History, from, to *history.Version, limit int) error {
	s := h.Def.Schema
	order := []diff.Class{diff.ClassRevised, diff.ClassFilled, diff.ClassWithdrawn, diff.ClassMarker, diff.ClassOther, diff.ClassAdded, diff.ClassRemoved}
	titles := map[diff.Class]string{
		diff.ClassRevised:   "Revised figures",
		diff.ClassFilled:    "Figures now given",
		diff.ClassWithdrawn: "Figures withdrawn",
		diff.ClassMarker:    "Missing-value markers changed",
		diff.ClassOther:     "Other changes (flags, notes)",
		diff.ClassAdded:     "Rows added (not in an added " + orWord(h.Def.PeriodField, "period") + " or " + orWord(h.Def.SeriesField, "series") + ")",
		diff.ClassRemoved:   "Rows removed (not in a removed " + orWord(h.Def.PeriodField, "period") + " or " + orWord(h.Def.SeriesField, "series") + ")",
	}
	if from == nil {
		titles[diff.ClassAdded] = "Rows added"
	}
	sections := map[diff.Class]*section{}
	for _, c := range order {
		sections[c] = &section{title: titles[c]}
	}
	full := func(n int) bool { return limit > 0 && n >= limit }
	period, series := s.Index(h.Def.PeriodField), s.Index(h.Def.SeriesField)
	groups := map[groupKey]*group{}
	seq := 0
	sum, err := h.Diff(from, to, func(c *diff.Change) error {
		seq++
		if c.Kind == diff.Changed {
			sec := sections[c.Class]
			sec.n++
			if !full(len(sec.lines)) {
				sec.lines = append(sec.lines, changeLine(s, c))
			}
			return nil
		}
		row := c.Row()
		k := groupKey{kind: c.Kind}
		if period >= 0 {
			k.period = dataset.FormatValue(s.Fields[period].Type, row[period])
		}
		if series >= 0 {
			k.series = dataset.FormatValue(s.Fields[series].Type, row[series])
		}
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
		}
		g.n++
		if !full(len(g.lines)) {
			g.lines = append(g.lines, pending{seq, changeLine(s, c)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	a := diff.Analyze(sum)
	fmt.Fprintf(w, "%s: %s -> %s\n", h.Def.Name, versionLabel(from), versionLabel(to))
	fmt.Fprintf(w, "rows: %d -> %d; %d added, %d removed, %d changed (%d revisions, %d marker changes)\n",
		sum.OldRows, sum.NewRows, sum.Added, sum.Removed, sum.Changed, sum.Revisions, sum.Markers)
	for _, src := range slices.Sorted(maps.Keys(sum.BySource)) {
		c := sum.BySource[src]
		fmt.Fprintf(w, "  %s: %d added, %d removed, %d changed (%d revisions)\n", src, c.Added, c.Removed, c.Changed, c.Revisions)
	}
	if from == nil {
		// The first version: every row is new, so there is nothing to explain.
		a = diff.Analysis{}
		fmt.Fprintln(w, "the first published version: every row is added")
	}
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
	if len(a.AddedPeriods)+len(a.RemovedPeriods)+len(a.SeriesChanges)+len(a.AddedSeries)+len(a.RemovedSeries) > 0 {
		fmt.Fprintln(w)
	}
	counted(orWord(h.Def.PeriodField, "period")+" added", a.AddedPeriods, sum.NewPeriods)
	counted(orWord(h.Def.PeriodField, "period")+" removed", a.RemovedPeriods, sum.OldPeriods)
	for _, c := range a.SeriesChanges {
		fmt.Fprintf(w, "%s changed: %s -> %s (%d rows replaced by %d rows)\n", h.Def.SeriesField, c.From, c.To, c.OldRows, c.NewRows)
	}
	counted(orWord(h.Def.SeriesField, "series")+" added", a.AddedSeries, sum.NewSeries)
	counted(orWord(h.Def.SeriesField, "series")+" removed", a.RemovedSeries, sum.OldSeries)
	isExplained := func(k groupKey) bool {
		if period >= 0 && (slices.Contains(a.AddedPeriods, k.period) || slices.Contains(a.RemovedPeriods, k.period)) {
			return true
		}
		return series >= 0 && (slices.Contains(a.AddedSeries, k.series) || slices.Contains(a.RemovedSeries, k.series) || a.Replaced(k.series))
	}
	waiting := map[diff.Class][]pending{}
	for k, g := range groups {
		if isExplained(k) {
			continue
		}
		class := diff.ClassAdded
		if k.kind == diff.Removed {
			class = diff.ClassRemoved
		}
		sections[class].n += g.n
		waiting[class] = append(waiting[class], g.lines...)
	}
	for class, lines := range waiting {
		slices.SortFunc(lines, func(x, y pending) int { return x.seq - y.seq })
		if limit > 0 {
			lines = lines[:min(limit, len(lines))]
		}
		for _, l := range lines {
			sections[class].lines = append(sections[class].lines, l.line)
		}
	}
	for _, c := range order {
		sec := sections[c]
		if sec.n == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%d):\n", sec.title, sec.n)
		for _, l := range sec.lines {
			fmt.Fprintln(w, l)
		}
		if more := sec.n - len(sec.lines); more > 0 {
			fmt.Fprintf(w, "  ... and %d more (--limit 0 lists all; --csv or --json for programs)\n", more)
		}
	}
	return nil
}

// changeLine returns a change as one line of plain text: the row's key and
// the fields that changed, or the value of an added or removed row.
func changeLine(s *dataset.Schema, c *diff.Change) string {
	line := "  " + keyText(s, c.Row())
	if c.Kind == diff.Changed {
		parts := make([]string, len(c.Fields))
		for i, f := range c.Fields {
			parts[i] = fmt.Sprintf("%s %s -> %s", f.Field, valueText(s, f.Field, f.Old), valueText(s, f.Field, f.New))
		}
		return line + ": " + strings.Join(parts, "; ")
	}
	if i := s.Index("value"); i >= 0 {
		line += ": value " + valueText(s, "value", c.Row()[i])
	}
	return line
}

func orWord(field, fallback string) string {
	if field != "" {
		return field
	}
	return fallback
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
	return map[string]any{"version": v.Version, "commit": v.Commit, "created": v.Created, "sample": v.Sample}
}

func diffJSON(w io.Writer, h *history.History, from, to *history.Version) error {
	s := h.Def.Schema
	all := make([]int, len(s.Fields))
	for i := range all {
		all[i] = i
	}
	head, _ := json.Marshal(map[string]any{"dataset": h.Def.Name, "from": versionJSON(from), "to": versionJSON(to)})
	// Stream the changes inside the object, so a large diff is never held.
	fmt.Fprintf(w, "%s,\"changes\":[", head[:len(head)-1])
	first := true
	sum, err := h.Diff(from, to, func(c *diff.Change) error {
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
	tail, err := json.Marshal(map[string]any{"summary": map[string]any{
		"old_rows": sum.OldRows, "new_rows": sum.NewRows, "counts": sum.Counts, "by_source": sum.BySource,
	}, "analysis": diff.Analyze(sum)})
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
