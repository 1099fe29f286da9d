package unroca

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz target of the country list and profile parsers, through
// Collect, so that the rows checked are those the pipeline gets. `go test`
// runs its seeds and the crashers kept under testdata/fuzz; .ci/fuzz runs
// the fuzzer.

// FuzzCollect collects with the country list and every state's profile
// made by the fuzzer (one profile answers for every state).
func FuzzCollect(f *testing.F) {
	list := collecttest.ReadFile(f, mirror.FS, "www.unroca.org/api/country-list/index.html")
	var entries []map[string]any
	if err := json.Unmarshal(list, &entries); err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		// A list of the one state whose profile answers.
		one, err := json.Marshal([]map[string]any{e})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(one, collecttest.ReadFile(f, mirror.FS, "www.unroca.org/api/"+e["countryname_slug"].(string)+"/index.html"))
	}
	f.Add(list, collecttest.ReadFile(f, mirror.FS, "www.unroca.org/api/austria/index.html"))
	f.Add([]byte(`{"results":[{"name_en":"Austria","countryname_slug":"austria","iso_2_acronym":"AT"}],"next":null}`),
		[]byte(`{"country":{"countryname_slug":"austria"},"available_reports":[]}`))
	src := collect.Source{Name: "unroca", Dataset: dataset.CBMReports.Name, Collector: "unroca", URLs: []string{CountryListURL},
		Options: map[string]any{"last_year": int64(2024)}}
	f.Fuzz(func(t *testing.T, list, profile []byte) {
		fetcher := collecttest.FetcherFunc(func(ctx context.Context, req *collect.Request) (*collect.Document, error) {
			if req.URL == CountryListURL {
				return collecttest.Doc(req.URL, list), nil
			}
			if strings.HasPrefix(req.URL, "https://www.unroca.org/api/") {
				return collecttest.Doc(req.URL, profile), nil
			}
			return nil, collect.ErrNotInMirror
		})
		var (
			tab *dataset.Table
			err error
		)
		collecttest.Within(collecttest.FuzzDeadline, func() {
			tab, err = (&Collector{}).Collect(t.Context(), fetcher, src)
		})
		if err != nil {
			collecttest.CheckError(t, err)
			if tab != nil {
				t.Errorf("Collect returned a table beside the error %v", err)
			}
			return
		}
		collecttest.CheckTable(t, tab, list, profile)
	})
}
