package main

import (
	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/att"
	"github.com/defence-transparency/publish/internal/collect/crisiswatch"
	"github.com/defence-transparency/publish/internal/collect/gao"
	"github.com/defence-transparency/publish/internal/collect/generic"
	"github.com/defence-transparency/publish/internal/collect/gpi"
	"github.com/defence-transparency/publish/internal/collect/sipri"
	"github.com/defence-transparency/publish/internal/collect/unmilex"
	"github.com/defence-transparency/publish/internal/collect/unroca"
	"github.com/defence-transparency/publish/internal/collect/worldbank"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
	"github.com/defence-transparency/publish/internal/pipeline"
)

// definitions lists the published datasets.
func definitions() []*dataset.Definition {
	return []*dataset.Definition{
		dataset.MilitaryExpenditure,
		dataset.CBMReports,
		dataset.AuditOutcomes,
		dataset.RiskReports,
	}
}

// collectors lists the collectors a source may name, by name: one per real
// source with a shape of its own, and the generic ones a sources file
// configures (html, feed, csv, json, xlsx).
func collectors() map[string]collect.Collector {
	m := map[string]collect.Collector{
		"sipri":       &sipri.Collector{},
		"worldbank":   &worldbank.Collector{},
		"unmilex":     &unmilex.Collector{},
		"unroca":      &unroca.Collector{},
		"att":         &att.Collector{},
		"gao":         &gao.Collector{},
		"gpi":         &gpi.Collector{},
		"crisiswatch": &crisiswatch.Collector{},
	}
	for name, c := range generic.New(definitions()) {
		m[name] = c
	}
	return m
}

// fetchers returns the fetch session of a run. Without --live and without
// a mirror folder in the sources file, http(s) URLs are served by the
// bundled offline mirror, and bundled is true.
func (e *env) fetchers() (f pipeline.Fetchers, bundled bool, err error) {
	archive, err := collect.OpenArchive(e.ws.ArchiveDir())
	if err != nil {
		return nil, false, err
	}
	o := collect.SessionOptions{Config: e.cfg.Fetch, Archive: archive, Logger: e.log}
	if !e.flags.live && e.cfg.Fetch.Mirror == "" {
		o.Mirror, bundled = mirror.FS, true
	}
	s, err := collect.NewSession(o)
	if err != nil {
		return nil, false, err
	}
	return s, bundled, nil
}
