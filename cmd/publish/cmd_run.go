package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/defence-transparency/publish/internal/pipeline"
)

const runHelp = `Usage: publish run [flags]

Run is the whole pipeline: collect, build, commit and site, in that order.

Without --live it runs offline on the bundled mirror and writes sample data
(labelled so in the descriptor, the commit message and a banner on the site)
to a scratch data repository, or to the one --data names, and builds the site
into --out (with --base-url, absolute addresses under it; see "publish site
-h"). With --live it fetches the publishers' real URLs and commits to
the current directory's repository unless --data names another.

A source no longer in the sources file keeps its published rows (the run
says so) until --drop NAME removes them, or its entry says retired = true.

A source that fails (network error, malformed file, failed assertion) keeps
its last good data and the others are still published; the run then exits
with status 3 and says which source failed and why.

One run at a time per data repository: a second run waits up to --wait for
the first to end, then exits with status 1. A run first repairs what a
killed run left (see "Operating it" in README.md).
`

func runRun(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c common
	c.register(fs)
	var o siteOptions
	o.register(fs)
	var only stringList
	fs.Var(&only, "source", "collect only the named source (repeatable); the others keep their last data")
	var drop stringList
	fs.Var(&drop, "drop", dropUsage)
	if err := parse(m, fs, runHelp, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	e, err := m.setup(ctx, &c)
	if err != nil {
		return err
	}
	defer e.close()
	// A failed source does not stop the run: its last good data is kept and
	// the failure is reported at the end with exit status 3.
	var partial error
	keep := func(err error) error {
		var se *pipeline.SourceErrors
		if errors.As(err, &se) {
			partial = mergeSourceErrors(partial, se)
			return nil
		}
		return err
	}
	if _, err := e.collect(ctx, only); keep(err) != nil {
		return err
	}
	if _, err := e.build(ctx, drop); keep(err) != nil {
		return err
	}
	res, err := e.commit(ctx)
	if err != nil {
		return err
	}
	if err := e.site(ctx, o); err != nil {
		if partial != nil && errors.Is(err, errNothingPublished) {
			// Every source failed before anything was ever published:
			// report the sources' failures, not the empty site.
			return partial
		}
		return err
	}
	where := e.ws.DataDir
	if !c.live && c.data == "" {
		fmt.Fprintf(m.Stdout, "sample data repository: %s (scratch; pass --data DIR to choose, --live for real data)\n", where)
	} else {
		fmt.Fprintf(m.Stdout, "data repository: %s\n", where)
	}
	if res != nil && res.Sample {
		fmt.Fprintln(m.Stdout, "this run published SAMPLE DATA from the bundled offline mirror")
	}
	return partial
}

// mergeSourceErrors combines the failures of several stages, one entry per
// source.
func mergeSourceErrors(prev error, se *pipeline.SourceErrors) error {
	var all *pipeline.SourceErrors
	if !errors.As(prev, &all) {
		return se
	}
	seen := map[string]bool{}
	for _, f := range all.Failed {
		seen[f.Source] = true
	}
	for _, f := range se.Failed {
		if !seen[f.Source] {
			all.Failed = append(all.Failed, f)
		}
	}
	return all
}
