package collect

import (
	"context"
	"fmt"
	"sync"
)

// Warnings collects what a collector noticed but could still handle: a
// spreadsheet error value left out, a row skipped for a stated reason. The
// pipeline keeps them with the source's status and the site shows them, so
// a problem in the publisher's file is reported rather than published.
type Warnings struct {
	mu   sync.Mutex
	list []string
}

type warningsKey struct{}

// WithWarnings returns a context that collects the warnings of Warn.
func WithWarnings(ctx context.Context) (context.Context, *Warnings) {
	w := &Warnings{}
	return context.WithValue(ctx, warningsKey{}, w), w
}

// Warn records a warning in the context's collection, if it has one.
func Warn(ctx context.Context, format string, args ...any) {
	if w, ok := ctx.Value(warningsKey{}).(*Warnings); ok {
		w.mu.Lock()
		w.list = append(w.list, fmt.Sprintf(format, args...))
		w.mu.Unlock()
	}
}

// List returns the warnings recorded so far.
func (w *Warnings) List() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}
