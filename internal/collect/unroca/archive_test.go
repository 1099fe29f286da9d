package unroca

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/mirror"
)

// TestCollectTwiceWithArchive runs the collector twice on the bundled mirror
// through the real fetch stack with a raw archive, as the pipeline does: the
// second run makes conditional requests, every document answers 304, and
// Collect says the source is unchanged.
func TestCollectTwiceWithArchive(t *testing.T) {
	archive, err := collect.OpenArchive(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := collect.NewSession(collect.SessionOptions{Config: collecttest.Config(), Archive: archive,
		Mirror: mirror.FS, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src := mirrorSource()
	first, err := s.Fetcher(src, false)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := new(Collector).Collect(t.Context(), first, src)
	if err != nil || tab.Len() == 0 {
		t.Fatalf("Collect() first run = %v, %v; want rows", tab, err)
	}
	again, err := s.Fetcher(src, true)
	if err != nil {
		t.Fatal(err)
	}
	tab, err = new(Collector).Collect(t.Context(), again, src)
	if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() second run = %v, %v; want nil, ErrUnchanged", tab, err)
	}
}
