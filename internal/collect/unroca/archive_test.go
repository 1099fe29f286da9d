package unroca

import (
	"errors"
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
	s := collecttest.Session(t, mirror.FS)
	src := mirrorSource()
	tab, err := new(Collector).Collect(t.Context(), collecttest.SessionFetcher(t, s, src, false), src)
	if err != nil || tab.Len() == 0 {
		t.Fatalf("Collect() first run = %v, %v; want rows", tab, err)
	}
	tab, err = new(Collector).Collect(t.Context(), collecttest.SessionFetcher(t, s, src, true), src)
	if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() second run = %v, %v; want nil, ErrUnchanged", tab, err)
	}
}
