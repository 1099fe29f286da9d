package worldbank

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// TestCollectBundledMirror runs the collector through the project's real
// fetcher over the bundled offline mirror: the sample downloads must sit
// where their URLs map, and a second, conditional run must find them
// unchanged.
func TestCollectBundledMirror(t *testing.T) {
	arch, err := collect.OpenArchive(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := collect.NewSession(collect.SessionOptions{Mirror: mirror.FS, Archive: arch, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	src := mirrorSource()

	f, err := s.Fetcher(src, false)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := new(Collector).Collect(ctx, f, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	want := parseAll(t, mirrorDocs(t), src.URLs...)
	if diff := cmp.Diff(want, dataset.Expenditures(tab)); diff != "" {
		t.Errorf("Collect() records mismatch (-want +got):\n%s", diff)
	}

	f, err = s.Fetcher(src, true)
	if err != nil {
		t.Fatal(err)
	}
	tab, err = new(Collector).Collect(ctx, f, src)
	if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() again = %v, %v; want nil, ErrUnchanged", tab, err)
	}
}
