package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"slices"

	"github.com/defence-transparency/publish/internal/pipeline"
)

const buildHelp = `Usage: publish build [flags]

Build validates the records "publish collect" kept for each source and
writes every dataset whose rows changed into DATA/datasets/NAME/:
NAME.parquet (deterministic: identical data gives identical bytes), a
Frictionless datapackage.json (schema, units, licences, sources, row count,
size, SHA-256, sample flag) and README.md. Files are written atomically.

Validation blocks publishing: types, required fields, unique primary keys,
known country codes and value ranges, and per-source assertions from the
sources file (min_rows; max_drop, the largest share of rows a source may
lose against the last version). A source whose records fail keeps its rows
from the last version and is reported as failed; the others are published.
When two sources of a dataset give rows with one primary key, the one
listed later in the sources file is the one that fails.

A source whose terms (terms in the sources file) allow excerpts only or
no reproduction, and for which no permission is recorded, is withheld: its
rows are written to the cache (DATA/.publish/withheld), never into the
dataset's files; the descriptor and README say how many rows were withheld,
why, where the publisher offers them, and what changed since the last
version.
A sample run never writes over a repository that holds live data.
`

func runBuild(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	var c common
	c.register(fs)
	if err := parse(m, fs, buildHelp, args); err != nil {
		return err
	}
	e, err := m.setup(&c)
	if err != nil {
		return err
	}
	_, err = e.build(ctx)
	return err
}

func (e *env) build(ctx context.Context) ([]pipeline.DatasetResult, error) {
	res, err := pipeline.Build(ctx, e.ws, pipeline.BuildOptions{
		Config:   e.cfg,
		Datasets: definitions(),
		Now:      e.m.now,
		Log:      e.log,
		Progress: e.progress,
		Version:  binaryVersion(),
	})
	for _, r := range res {
		state := "unchanged"
		if r.Changed {
			state = fmt.Sprintf("written: +%d -%d ~%d rows", r.Summary.Added, r.Summary.Removed, r.Summary.Changed)
		}
		fmt.Fprintf(e.m.Stdout, "%s %s: %d rows, %s\n", r.Name, r.Version, r.Rows, state)
		for _, src := range slices.Sorted(maps.Keys(r.Withheld)) {
			fmt.Fprintf(e.m.Stdout, "  %s: %d rows withheld under its terms (kept in the cache, not published)\n", src, r.Withheld[src])
		}
	}
	return res, err
}
