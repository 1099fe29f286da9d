package main

import (
	"context"
	"flag"

	"github.com/defence-transparency/publish/internal/pipeline"
)

const collectHelp = `Usage: publish collect [flags]

Collect fetches every source in the sources file and parses its documents
into records, kept in the cache (DATA/.publish/records) until "publish
build" publishes them.

Fetching follows each publisher's robots.txt, stays on the source's hosts,
waits between requests to one host, retries temporary failures with
backoff, refuses bodies over the size limit, and sends conditional requests
so that an unchanged document is neither downloaded nor parsed again. Every
fetched document is archived raw with its SHA-256, URL, time and headers in
DATA/.publish/archive (a local cache; it is not committed).

Without --live, http(s) URLs are served from the bundled offline mirror and
the records are sample data. file:// URLs and a mirror folder (fetch.mirror
in the sources file) work in both modes.

A source that fails keeps its previous records; the others go ahead.
`

func runCollect(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	var c common
	c.register(fs)
	var only stringList
	fs.Var(&only, "source", "collect only the named source (repeatable)")
	if err := parse(m, fs, collectHelp, args); err != nil {
		return err
	}
	e, err := m.setup(ctx, &c)
	if err != nil {
		return err
	}
	defer e.close()
	_, err = e.collect(ctx, only)
	return err
}

func (e *env) collect(ctx context.Context, only []string) (*pipeline.State, error) {
	fetchers, bundled, err := e.fetchers()
	if err != nil {
		return nil, err
	}
	return pipeline.Collect(ctx, e.ws, pipeline.CollectOptions{
		Config:     e.cfg,
		Collectors: collectors(),
		Datasets:   definitions(),
		Fetchers:   fetchers,
		Only:       only,
		Bundled:    bundled,
		Now:        e.m.now,
		Log:        e.log,
		Progress:   e.progress,
		Version:    binaryVersion(),
	})
}
