package sipri

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

// TestCollectFromMirror runs the collector through the project's fetcher
// over the bundled mirror as the binary embeds it, twice: the second run makes conditional
// requests, gets 304 for the workbook and reports the source unchanged.
func TestCollectFromMirror(t *testing.T) {
	ctx := context.Background()
	archive, err := collect.OpenArchive(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := collect.NewSession(collect.SessionOptions{Mirror: mirror.FS, Archive: archive,
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src := sipriSource(landingURL)

	f, err := s.Fetcher(src, false)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := (&Collector{}).Collect(ctx, f, src)
	if err != nil {
		t.Fatalf("Collect(mirror) error: %v", err)
	}
	got := dataset.Expenditures(tab)
	want := sampleRecords()
	sortRecords(got)
	sortRecords(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect(mirror) records (-want +got):\n%s", diff)
	}

	f, err = s.Fetcher(src, true)
	if err != nil {
		t.Fatal(err)
	}
	if tab, err := (&Collector{}).Collect(ctx, f, src); !errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect(mirror, again) = %v, %v; want ErrUnchanged", tab, err)
	}
}
