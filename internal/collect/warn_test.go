package collect

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWarnings(t *testing.T) {
	Warn(context.Background(), "dropped: %d", 1) // no collection: a no-op
	ctx, w := WithWarnings(context.Background())
	Warn(ctx, "sheet %q cell %s holds %s; left out", "2025", "A1", "#VALUE!")
	if diff := cmp.Diff([]string{`sheet "2025" cell A1 holds #VALUE!; left out`}, w.List()); diff != "" {
		t.Errorf("List() mismatch (-want +got):\n%s", diff)
	}
}
