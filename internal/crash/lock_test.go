package crash_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/crash"
	"github.com/defence-transparency/publish/internal/mirror"
	"github.com/defence-transparency/publish/internal/pipeline"
)

// TestOneRunAtATime starts two runs on one data repository at once, on
// new data: one waits for the other, both succeed, and the history holds
// one new version of each changed dataset, tagged. A run that may not wait
// is refused with exit 1 and says why; the lock of a killed run is taken
// over.
func TestOneRunAtATime(t *testing.T) {
	if testing.Short() {
		t.Skip("runs publish as child processes")
	}
	bin := testBinary(t)
	root := t.TempDir()
	oldMirror, newMirror := filepath.Join(root, "mirror-old"), filepath.Join(root, "mirror-new")
	for _, dir := range []string{oldMirror, newMirror} {
		if err := os.CopyFS(dir, mirror.FS); err != nil {
			t.Fatal(err)
		}
	}
	edit(t, filepath.Join(newMirror, "www.unroca.org/api/bolivarian-republic-of-venezuela/index.html"),
		`[{"year": 2004}`, `[{"year": 2005}, {"year": 2004}`)
	oldSources := mirrorSources(t, root, "sources-old.toml", oldMirror)
	newSources := mirrorSources(t, root, "sources-new.toml", newMirror)
	data, public := filepath.Join(root, "data"), filepath.Join(root, "public")
	args := func(sources string, more ...string) []string {
		return append([]string{"run", "-q", "--sources", sources, "--data", data, "--out", public}, more...)
	}
	if r := runChild(t, bin, nil, args(oldSources)...); r.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}

	t.Run("two at once", func(t *testing.T) {
		var wg sync.WaitGroup
		results := make([]childResult, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = runChild(t, bin, nil, args(newSources)...)
			}()
		}
		wg.Wait()
		for i, r := range results {
			if r.code != exitOK {
				t.Errorf("run %d of two at once: exit %d\n%s", i+1, r.code, r.stderr)
			}
		}
		fsck(t, data)
		if got := gitOut(t, data, "rev-list", "--count", "HEAD"); got != "2" {
			t.Errorf("commits after the first run and two at once = %s, want 2: one new version", got)
		}
		tags := gitOut(t, data, "tag", "-l", "cbm-reports/*")
		if n := len(strings.Split(tags, "\n")); n != 2 {
			t.Errorf("cbm-reports tags = %q, want two versions", tags)
		}
		for _, tag := range strings.Split(tags, "\n") {
			_, version, _ := strings.Cut(tag, "/")
			if desc := gitOut(t, data, "show", tag+":datasets/cbm-reports/datapackage.json"); !strings.Contains(desc, `"version": "`+version+`"`) {
				t.Errorf("tag %s names a commit of another version", tag)
			}
		}
		if st := gitOut(t, data, "status", "--porcelain"); st != "" {
			t.Errorf("git status after two runs at once:\n%s", st)
		}
	})

	t.Run("refused", func(t *testing.T) {
		ws := pipeline.NewWorkspace(data, "")
		lock, err := ws.Lock(t.Context(), 0)
		if err != nil {
			t.Fatal(err)
		}
		head := gitOut(t, data, "rev-parse", "HEAD")
		r := runChild(t, bin, nil, args(newSources, "--wait", "0")...)
		if r.code != exitFailure || !strings.Contains(r.stderr, "another publish run is using the data repository") ||
			!strings.Contains(r.stderr, fmt.Sprintf("process %d", os.Getpid())) || !strings.Contains(r.stderr, "--wait") {
			t.Errorf("a run refused the lock: exit %d, stderr:\n%s\nwant exit 1 naming the other run and --wait", r.code, r.stderr)
		}
		if got := gitOut(t, data, "rev-parse", "HEAD"); got != head {
			t.Errorf("a refused run moved HEAD")
		}
		// A run that may wait gets the lock when it is released.
		go func() {
			time.Sleep(time.Second)
			lock.Unlock()
		}()
		if r := runChild(t, bin, nil, args(newSources, "--wait", "1m")...); r.code != exitOK {
			t.Errorf("a run waiting for the lock: exit %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("lock of a killed run", func(t *testing.T) {
		if !runKilled(t, bin, []string{crash.Env + "=" + crash.Locked}, 0, args(newSources)...) {
			t.Fatal("the run was not killed at the lock")
		}
		if r := runChild(t, bin, nil, args(newSources, "--wait", "0")...); r.code != exitOK {
			t.Errorf("a run after one killed holding the lock: exit %d\n%s", r.code, r.stderr)
		}
	})
}
