package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/pipeline"
)

const commitHelp = `Usage: publish commit [flags]

Commit records the datasets whose files in DATA/datasets differ from the
data repository's HEAD in one git commit that touches only those dataset
directories (nothing else in the working tree is staged or committed), with
a message counting the rows added, removed and changed, and tags each new
version NAME/VERSION. When nothing changed it makes no commit. The data
repository is created if it does not exist. Push with the git CLI.
`

func runCommit(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("commit", flag.ContinueOnError)
	var c common
	c.register(fs)
	if err := parse(m, fs, commitHelp, args); err != nil {
		return err
	}
	e, err := m.setup(ctx, &c)
	if err != nil {
		return err
	}
	defer e.close()
	_, err = e.commit(ctx)
	return err
}

func (e *env) commit(ctx context.Context) (*pipeline.CommitResult, error) {
	repo, err := git.Open(e.ws.DataDir, true)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	res, err := pipeline.Commit(ctx, e.ws, pipeline.CommitOptions{Repo: repo, Datasets: definitions(), Config: e.cfg, Now: e.m.now, Log: e.log})
	if err != nil {
		return nil, err
	}
	if res == nil {
		fmt.Fprintf(e.m.Stdout, "nothing to commit in %s: no dataset changed\n", e.ws.DataDir)
		return nil, nil
	}
	fmt.Fprintf(e.m.Stdout, "committed %s in %s\n%s", res.Hash[:10], e.ws.DataDir, res.Message)
	return res, nil
}
