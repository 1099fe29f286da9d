// Package collect fetches documents from the publishers and turns them into
// records. It owns the fetcher and its defaults (user agent, robots.txt,
// host allow-lists, rate limits, timeouts, retries, size limits, conditional
// requests, the raw archive, the offline mirror) and the configuration of
// sources. Each real source has its collector in a subpackage; collectors
// turn documents into records and never write datasets or touch git.
//
// The sources file also says, for each source, what its publisher's terms
// allow to be published (Source.Terms: TermsOpen, TermsExcerpt, TermsLink)
// and records any permission the operator holds beyond them
// (Source.Permission). Source.Publishes and Source.Excerpts tell the
// pipeline and the site what may leave the machine: the rows of a source
// that does not publish are kept in the cache and counted, never committed
// or offered for download (see the pipeline's withheld.go).
package collect

import (
	"context"
	"errors"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Collector turns one source's documents into records.
type Collector interface {
	// Collect fetches the documents of src through f and parses them into a
	// table of the source's dataset schema. It returns an error wrapping
	// ErrUnchanged, and no table, when every data document came back not
	// modified, so the caller can keep the records of the previous run
	// without parsing again. Any other error means the source yielded
	// nothing usable; a collector never returns part of a source's records.
	// Collect may be retried; it keeps no state between calls.
	Collect(ctx context.Context, f Fetcher, src Source) (*dataset.Table, error)

	// Check reports a mistake in src's settings (its URLs, its options)
	// without fetching anything, so that a mistake in the sources file
	// stops a run before any source is collected. It returns nil for
	// settings Collect can use; a collector that takes no options rejects
	// any. It keeps no state and may be called any number of times.
	Check(src Source) error
}

// ErrUnchanged reports that a source's documents have not changed since the
// last successful collection.
var ErrUnchanged = errors.New("documents unchanged since the last run")
