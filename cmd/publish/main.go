// Command publish collects defence-transparency data from public sources,
// publishes it as versioned datasets in a git repository and builds a
// static site from them. Run "publish --help" for the stages.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/defence-transparency/publish/internal/pipeline"
)

// Exit statuses, documented in every command's help.
const (
	exitOK      = 0 // everything asked for was done (including "nothing changed")
	exitFailure = 1 // the command failed; published data is as it was before
	exitUsage   = 2 // the command line or the sources file is wrong
	exitPartial = 3 // some sources failed: their last good data was kept, the rest was published
)

// memoryLimit is the soft limit on the memory the Go runtime of publish
// takes, unless the GOMEMLIMIT environment variable sets another. Without
// one, the garbage collector lets the heap grow to twice what a run holds;
// with it, it collects more often as the heap nears the limit, so a run
// over two million rows stays under 1 GB for some 20% more CPU time. It
// is soft: a run that holds more than the limit still runs, more slowly.
const memoryLimit = 768 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr}
	err := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(exitCode(err, m))
}

// exitCode prints err for the user, with its hint, and returns the status.
func exitCode(err error, m *Main) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	var ue *usageError
	var se *pipeline.SourceErrors
	var ce *pipeline.ConfigError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintf(m.Stderr, "publish: sources file: %v\n", ce)
		fmt.Fprintln(m.Stderr, "hint: nothing was fetched; see the comments in sources.toml and internal/collect/generic/README.md")
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "publish: %s\n", ue.message)
		if ue.hint != "" {
			fmt.Fprintf(m.Stderr, "hint: %s\n", ue.hint)
		}
		return exitUsage
	case errors.As(err, &se):
		fmt.Fprintf(m.Stderr, "publish: %v\n", se)
		return exitPartial
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(m.Stderr, "publish: interrupted; published data is as it was before the interrupted step")
		return exitFailure
	default:
		fmt.Fprintf(m.Stderr, "publish: %v\n", err)
		var h interface{ Hint() string }
		if errors.As(err, &h) && h.Hint() != "" {
			fmt.Fprintf(m.Stderr, "hint: %s\n", h.Hint())
		}
		return exitFailure
	}
}
