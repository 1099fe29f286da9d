package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/crash"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/pipeline"
)

// env is what every stage needs, set up from the common flags.
type env struct {
	m        *Main
	flags    *common
	log      *slog.Logger
	cfg      *collect.Config
	ws       pipeline.Workspace
	progress func(string)
	lock     *pipeline.Lock
}

// setup reads the sources file, takes the run lock of the data repository
// and repairs what a killed run left (see pipeline.Repair). The caller
// must close the env, which releases the lock.
func (m *Main) setup(ctx context.Context, c *common) (*env, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	e := &env{m: m, flags: c, log: c.logger(m), cfg: cfg, ws: c.workspace(), progress: m.progress()}
	if c.wait < 0 {
		return nil, &usageError{message: fmt.Sprintf("--wait %s: want a duration of 0 or more", c.wait)}
	}
	if e.lock, err = e.ws.Lock(ctx, c.wait); err != nil {
		return nil, err
	}
	if err := e.repair(); err != nil {
		e.close()
		return nil, err
	}
	crash.Point(crash.Locked)
	return e, nil
}

// repair runs pipeline.Repair on the data repository, if it is one yet.
func (e *env) repair() error {
	var repo dataset.Repo
	switch r, err := git.Open(e.ws.DataDir, false); {
	case errors.Is(err, dataset.ErrNoRepo):
	case err != nil:
		return err
	default:
		defer r.Close()
		repo = r
	}
	return pipeline.Repair(e.ws, repo, definitions(), e.log)
}

// close releases the run lock.
func (e *env) close() {
	if err := e.lock.Unlock(); err != nil {
		e.log.Warn("releasing the run lock", "err", err)
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

var _ flag.Value = (*stringList)(nil)
