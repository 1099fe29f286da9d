package sipri

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// TestCollectFromMirror runs the collector through the project's fetcher
// over the bundled mirror as the binary embeds it (the conformance suite
// checks that a second run is unchanged).
func TestCollectFromMirror(t *testing.T) {
	ctx := context.Background()
	s := collecttest.Session(t, mirror.FS)
	src := sipriSource(landingURL)

	wctx, warnings := collect.WithWarnings(ctx)
	tab, err := (&Collector{}).Collect(wctx, collecttest.SessionFetcher(t, s, src, false), src)
	if err != nil {
		t.Fatalf("Collect(mirror) error: %v", err)
	}
	// Nothing with a figure is left out; what is, the sources page says.
	wantWarnings := []string{
		"sipri: the text of 3 numbered footnotes (sheet Footnotes) is not published; the rows give their numbers in the footnotes column",
		"sipri: the 3 notes of sheet Regional totals naming the states its totals leave out are not published: XAF: Djibouti, Eritrea, Somalia; XAM: Cuba; XEP: Yugoslavia",
	}
	if diff := cmp.Diff(wantWarnings, warnings.List()); diff != "" {
		t.Errorf("Collect(mirror) warnings (-want +got):\n%s", diff)
	}
	got := dataset.Expenditures(tab)
	want := sampleRecords()
	sortRecords(got)
	sortRecords(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect(mirror) records (-want +got):\n%s", diff)
	}

}
