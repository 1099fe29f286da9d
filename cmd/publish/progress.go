package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// terminal reports whether stderr is a terminal, where progress is shown.
func (m *Main) terminal() bool {
	if m.Terminal != nil {
		return *m.Terminal
	}
	f, ok := m.Stderr.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// progress returns a function that shows what a long step is doing, with
// the time elapsed, on a terminal; elsewhere the logs say it and progress
// is nil.
func (m *Main) progress() func(string) {
	if !m.terminal() {
		return nil
	}
	start := time.Now()
	var mu sync.Mutex
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(m.Stderr, "[%6.1fs] %s\n", time.Since(start).Seconds(), msg)
	}
}
