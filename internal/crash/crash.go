// Package crash holds the test hook that kills a run at a named point, so
// that the crash test (crash_test.go, beside it) can stop publish at each
// boundary between two durable steps and check that the next run repairs
// what was left.
//
// It is a test hook, not a feature: with the environment variable
// PUBLISH_CRASH_AT set to a point's name, the process sends itself SIGKILL
// the first time it reaches that point, as a power cut or an OOM kill
// would stop it, with no deferred function run and no buffer flushed.
// Without the variable, Point does nothing.
package crash

import (
	"os"
	"sync"
)

// Env is the environment variable that names the point to die at.
const Env = "PUBLISH_CRASH_AT"

// The named points, in the order a run reaches them. Each lies between two
// steps whose results are durable (written, synced and renamed), so that a
// kill there leaves the worst state that step ordering allows.
const (
	Locked          = "locked"           // the run lock is held and the repair is done
	CollectParsed   = "collect:parsed"   // a source's documents are fetched and archived, its records not yet kept
	CollectRecords  = "collect:records"  // a source's records are kept, the run status not yet written
	FilesSynced     = "files:synced"     // a batch of files (the archive's fetch records) is synced as temporary files, none renamed into place
	CollectState    = "collect:state"    // the run status of the collect stage is written
	BuildJournal    = "build:journal"    // a dataset's new files are in the journal, none in place
	BuildParquet    = "build:parquet"    // the new Parquet file is in place, its descriptor not yet
	BuildDescriptor = "build:descriptor" // the new descriptor is in place, the README not yet
	BuildDone       = "build:done"       // every dataset is written
	CommitBranch    = "commit:branch"    // the commit is made and the branch moved, no tag written yet
	CommitTag       = "commit:tag"       // the first tag of the commit is written
	CommitDone      = "commit:done"      // the commit and all its tags are written
	SiteGenerated   = "site:generated"   // the Hugo project is generated, not built
	SiteBuilt       = "site:built"       // the new site is built beside the old one, not swapped in
	SiteSwapped     = "site:swapped"     // the new site is in place, the old one not yet removed
)

// Points lists the named points, in order.
var Points = []string{Locked, CollectParsed, CollectRecords, FilesSynced, CollectState, BuildJournal, BuildParquet,
	BuildDescriptor, BuildDone, CommitBranch, CommitTag, CommitDone, SiteGenerated, SiteBuilt, SiteSwapped}

var at = sync.OnceValue(func() string { return os.Getenv(Env) })

// Point kills the process when PUBLISH_CRASH_AT names it.
func Point(name string) {
	if at() != name {
		return
	}
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Kill() // SIGKILL on Unix
	}
	select {} // the signal is on its way
}
