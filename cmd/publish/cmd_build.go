package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
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
A source no longer in the sources file keeps its published rows (the run
says so) until --drop NAME removes them, or its entry says retired = true.
A sample run never writes over a repository that holds live data.
`

func runBuild(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	var c common
	c.register(fs)
	var drop stringList
	fs.Var(&drop, "drop", dropUsage)
	if err := parse(m, fs, buildHelp, args); err != nil {
		return err
	}
	e, err := m.setup(ctx, &c)
	if err != nil {
		return err
	}
	defer e.close()
	_, err = e.build(ctx, drop)
	return err
}

const dropUsage = "drop the rows of a source no longer in the sources file (repeatable); without it they are kept"

func (e *env) build(ctx context.Context, drop []string) ([]pipeline.DatasetResult, error) {
	// The repository, when there is one, keeps version numbers unique.
	var repo dataset.Repo
	switch r, err := git.Open(e.ws.DataDir, false); {
	case errors.Is(err, dataset.ErrNoRepo):
	case err != nil:
		return nil, err
	default:
		defer r.Close()
		repo = r
	}
	res, err := pipeline.Build(ctx, e.ws, pipeline.BuildOptions{
		Config:   e.cfg,
		Datasets: definitions(),
		Now:      e.m.now,
		Log:      e.log,
		Progress: e.progress,
		Version:  binaryVersion(),
		Repo:     repo,
		Drop:     drop,
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
		for _, src := range slices.Sorted(maps.Keys(r.Removed)) {
			fmt.Fprintf(e.m.Stdout, "  %s: no longer in the sources file; its %d rows are kept (--drop %s removes them)\n", src, r.Removed[src], src)
		}
		for _, src := range slices.Sorted(maps.Keys(r.Dropped)) {
			fmt.Fprintf(e.m.Stdout, "  %s: %d rows dropped (retired, or named by --drop)\n", src, r.Dropped[src])
		}
	}
	return res, err
}
