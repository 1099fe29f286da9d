package dataset

// Statuses of a source's last collection: the pipeline records them in its
// run state and the site shows them (a failed source's figures are its last
// good ones). They are the one list both use.
const (
	SourceOK        = "ok"        // collected new records
	SourceUnchanged = "unchanged" // the publisher's documents had not changed since the last success
	SourceFailed    = "failed"    // fetch, parse, validation or assertion failed; the last good records stay published
	SourceNotRun    = "not run"   // not collected in this cache yet
	SourceRemoved   = "removed"   // no longer in the sources file; its last rows stay published
)
