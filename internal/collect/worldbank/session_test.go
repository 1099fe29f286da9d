package worldbank

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// TestCollectBundledMirror runs the collector through the project's real
// fetcher over the bundled offline mirror: the sample downloads must sit
// where their URLs map, and a second, conditional run must find them
// unchanged.
func TestCollectBundledMirror(t *testing.T) {
	s := collecttest.Session(t, mirror.FS)
	ctx := context.Background()
	src := mirrorSource()

	tab, err := new(Collector).Collect(ctx, collecttest.SessionFetcher(t, s, src, false), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	want := parseAll(t, mirrorDocs(t), src.URLs...)
	if diff := cmp.Diff(want, dataset.Expenditures(tab)); diff != "" {
		t.Errorf("Collect() records mismatch (-want +got):\n%s", diff)
	}

	tab, err = new(Collector).Collect(ctx, collecttest.SessionFetcher(t, s, src, true), src)
	if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() again = %v, %v; want nil, ErrUnchanged", tab, err)
	}
}
