package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/defence-transparency/publish/internal/pipeline"
)

const mergeHelp = `Usage: publish merge --from PART [--from PART ...] [flags]

Merge joins cache parts written by collect runs made apart, one per source
on as many machines (a CI matrix: "publish collect --source NAME --cache
PART" in each job), into this run's cache (DATA/.publish, or --cache), so
that build, commit and site then run as after one collect of every source:
the same datasets and the same site, byte for byte.

Every part is checked before anything is written. It fails, and the cache
is left as it was, when a part has no status (not a collect run's cache, or
an upload that failed), when a part's records do not match its status, when
a part holds a source older than the cache or another part does (a stale
part), or when a source of the sources file is in no part and not in the
cache. A source whose collection failed merges as failed: build keeps its
last published data.
`

func runMerge(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	var c common
	c.register(fs)
	var from stringList
	fs.Var(&from, "from", "a cache part to merge: the --cache folder of a collect run (repeatable)")
	if err := parse(m, fs, mergeHelp, args); err != nil {
		return err
	}
	if len(from) == 0 {
		return &usageError{message: "merge: no part given", hint: "name each collect run's cache folder with --from"}
	}
	e, err := m.setup(ctx, &c)
	if err != nil {
		return err
	}
	defer e.close()
	var names []string
	for _, s := range e.cfg.Sources {
		names = append(names, s.Name)
	}
	st, err := pipeline.Merge(ctx, e.ws, pipeline.MergeOptions{Parts: from, Sources: names})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "merged %d parts: %d sources in %s\n", len(from), len(st.Sources), e.ws.CacheDir)
	return nil
}
