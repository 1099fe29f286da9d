package unmilex

import (
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz target of the states index and report page parsers, through
// Collect, so that the rows checked are those the pipeline gets. `go test`
// runs its seeds and the crashers kept under testdata/fuzz; .ci/fuzz runs
// the fuzzer.

// FuzzCollect collects one state and year with the states index and the
// state's page made by the fuzzer.
func FuzzCollect(f *testing.F) {
	index := collecttest.ReadFile(f, mirror.FS, "milex-reporting.unoda.org/en/states/index.html")
	for _, state := range []string{"DEU", "CYP", "AFG", "LTU", "LIE", "ARM"} {
		for _, year := range []string{"2022", "2023", "2024"} {
			f.Add(index, collecttest.ReadFile(f, mirror.FS, "milex-reporting.unoda.org/en/states/"+state+"/"+year))
		}
	}
	f.Add([]byte("<html><body><h1>States</h1></body></html>"), []byte("<html><body><h1>Germany 2023</h1><p>Nil report</p></body></html>"))
	src := collect.Source{
		Name:      "unmilex",
		Dataset:   dataset.CBMReports.Name,
		Collector: "unmilex",
		URLs:      []string{StatesURL},
		Options:   map[string]any{"states": []any{"DEU"}, "first_year": int64(2023), "last_year": int64(2023)},
	}
	c := &Collector{Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
	f.Fuzz(func(t *testing.T, index, page []byte) {
		fetcher := &collecttest.MapFetcher{Docs: map[string][]byte{StatesURL: index, PageURL("DEU", 2023): page}}
		var (
			tab *dataset.Table
			err error
		)
		collecttest.Within(collecttest.FuzzDeadline, func() {
			tab, err = c.Collect(t.Context(), fetcher, src)
		})
		if err != nil {
			collecttest.CheckError(t, err)
			if tab != nil {
				t.Errorf("Collect returned a table beside the error %v", err)
			}
			return
		}
		collecttest.CheckTable(t, tab, index, page)
	})
}
