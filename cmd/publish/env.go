package main

import (
	"flag"
	"log/slog"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
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
}

func (m *Main) setup(c *common) (*env, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	e := &env{m: m, flags: c, log: c.logger(m), cfg: cfg, ws: c.workspace(), progress: m.progress()}
	return e, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

var _ flag.Value = (*stringList)(nil)
