package crash_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/crash"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The crash test kills "publish run" at every named point between two
// durable steps (internal/crash) and at random moments, on a copy of a
// data repository whose sources have new data, then checks what the kill
// left and what the next run makes of it:
//   - git fsck is clean; HEAD's tree is the old version or the new one;
//   - public/ is the old site, byte for byte, or the whole new one;
//   - the next run exits 0; HEAD then holds exactly what a run never
//     killed commits (the same Parquet bytes, readable), every version is
//     tagged on its own commit, no version number names two versions, no
//     temporary file is committed or left, public/ is the new site.
//
// The runs are child processes of the publish command, built once by
// TestMain, on a copy of the bundled mirror served from a folder.

// crashRandomTrials is the number of kills at random moments, besides one
// per named point; PUBLISH_CRASH_TRIALS sets another (more, for a longer
// run by hand).
func crashRandomTrials() int {
	if n, err := strconv.Atoi(os.Getenv("PUBLISH_CRASH_TRIALS")); err == nil && n >= 0 {
		return n
	}
	return 36 // 50 trials in all
}

// crashSources are the sources of the trials: the two whose data changes
// and one whose data does not.
var crashSources = []string{"worldbank", "unroca", "nao-defence"}

// crashSetup is what every trial starts from.
type crashSetup struct {
	bin      string
	sources  string // reads the new mirror
	base     string // data and public of the old version
	oldSite  map[string]string
	old      crashState // the old version
	ref      crashState // what a run never killed leaves
	refTime  time.Duration
	changing []string // the datasets the new data changes
}

// crashState is what a data repository holds.
type crashState struct {
	tree     string            // the files of HEAD (git ls-tree -r --name-only)
	parquet  map[string][]byte // by dataset, at HEAD
	tags     []string
	sitePath []string // the files of public/
	site     map[string]string
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test runs publish about a hundred times")
	}
	s := setupCrash(t)
	type outcome struct {
		name                string
		killed              bool // the process died by the kill (not ended first)
		headNew, siteNew    bool // after the kill
		repaired, untouched bool
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
	)
	type trial struct {
		name  string
		point string
		delay time.Duration
	}
	var trials []trial
	for _, p := range crash.Points {
		trials = append(trials, trial{name: p, point: p})
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 9))
	t.Logf("random kills: seed %d, within %s (a run never killed)", seed, s.refTime)
	random := crashRandomTrials()
	for i := range random {
		d := time.Duration(rng.Int64N(int64(s.refTime)))
		trials = append(trials, trial{name: fmt.Sprintf("random-%02d-%s", i, d.Round(time.Millisecond)), delay: d})
	}
	t.Run("trials", func(t *testing.T) {
		for _, tr := range trials {
			t.Run(tr.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				copyTree(t, s.base, dir)
				data, public := filepath.Join(dir, "data"), filepath.Join(dir, "public")
				args := []string{"run", "-q", "--sources", s.sources, "--data", data, "--out", public}
				var env []string
				if tr.point != "" {
					env = append(env, crash.Env+"="+tr.point)
				}
				killed := runKilled(t, s.bin, env, tr.delay, args...)

				// What the kill left.
				fsck(t, data)
				after := readState(t, data, public)
				headNew := sameParquet(after, s.ref)
				if !headNew && !sameParquet(after, s.old) || after.tree != s.ref.tree {
					t.Errorf("after the kill HEAD is neither the old version nor the new:\n%s", after.tree)
				}
				siteNew := !mapsEqual(after.site, s.oldSite)
				if siteNew && !slices.Equal(after.sitePath, s.ref.sitePath) {
					t.Errorf("after the kill public/ is neither the old site nor the whole new one (%d files, want %d or the old %d)",
						len(after.sitePath), len(s.ref.sitePath), len(s.oldSite))
				}

				// The next run.
				r := runChild(t, s.bin, nil, args...)
				if r.code != exitOK {
					t.Fatalf("the run after the kill: exit %d\n%s", r.code, r.stderr)
				}
				fsck(t, data)
				got := readState(t, data, public)
				checkCorrect(t, s, data, got)

				mu.Lock()
				outcomes = append(outcomes, outcome{name: tr.name, killed: killed, headNew: headNew, siteNew: siteNew})
				mu.Unlock()
			})
		}
	})
	killed, headNew, siteNew := 0, 0, 0
	for _, o := range outcomes {
		if o.killed {
			killed++
		}
		if o.headNew {
			headNew++
		}
		if o.siteNew {
			siteNew++
		}
	}
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].name < outcomes[j].name })
	for _, o := range outcomes {
		t.Logf("%-32s killed=%-5v after the kill: HEAD %s, public/ %s; next run correct", o.name, o.killed,
			map[bool]string{true: "new", false: "old"}[o.headNew], map[bool]string{true: "new", false: "old"}[o.siteNew])
	}
	summary := fmt.Sprintf("crash test: %d trials (%d named points, %d random), %d killed before the run ended; after the kill HEAD old %d / new %d, public/ old %d / new %d; all %d next runs correct",
		len(trials), len(crash.Points), random, killed, len(outcomes)-headNew, headNew, len(outcomes)-siteNew, siteNew, len(outcomes))
	if t.Failed() || len(outcomes) != len(trials) {
		summary = fmt.Sprintf("crash test: %d trials, %d passed, FAILED", len(trials), len(outcomes))
	}
	t.Log(summary)
	fmt.Println(summary)
}

// setupCrash makes the old version, the new mirror and the reference
// state of a run never killed.
func setupCrash(t *testing.T) *crashSetup {
	t.Helper()
	root := t.TempDir()
	s := &crashSetup{bin: testBinary(t), base: filepath.Join(root, "base")}
	oldMirror, newMirror := filepath.Join(root, "mirror-old"), filepath.Join(root, "mirror-new")
	for _, dir := range []string{oldMirror, newMirror} {
		if err := os.CopyFS(dir, mirror.FS); err != nil {
			t.Fatal(err)
		}
	}
	// The new data: a report's title revised (audit-outcomes) and a
	// year of reporting added (cbm-reports).
	edit(t, filepath.Join(newMirror, "www.nao.org.uk/search/sector/national-security/type/report/page/2/index.html"),
		">2012-13 review of the data systems for the Ministry of Defence", ">2012-13 review of the data systems for the Ministry of Defence (revised)")
	edit(t, filepath.Join(newMirror, "www.unroca.org/api/bolivarian-republic-of-venezuela/index.html"),
		`[{"year": 2004}`, `[{"year": 2005}, {"year": 2004}`)
	s.changing = []string{"audit-outcomes", "cbm-reports"}
	oldSources := mirrorSources(t, root, "sources-old.toml", oldMirror)
	s.sources = mirrorSources(t, root, "sources-new.toml", newMirror)

	data, public := filepath.Join(s.base, "data"), filepath.Join(s.base, "public")
	if r := runChild(t, s.bin, nil, "run", "-q", "--sources", oldSources, "--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("old version: exit %d\n%s", r.code, r.stderr)
	}
	s.old = readState(t, data, public)
	s.oldSite = s.old.site

	ref := filepath.Join(root, "ref")
	copyTree(t, s.base, ref)
	start := time.Now()
	r := runChild(t, s.bin, nil, "run", "-q", "--sources", s.sources, "--data", filepath.Join(ref, "data"), "--out", filepath.Join(ref, "public"))
	s.refTime = time.Since(start)
	if r.code != exitOK {
		t.Fatalf("new version: exit %d\n%s", r.code, r.stderr)
	}
	s.ref = readState(t, filepath.Join(ref, "data"), filepath.Join(ref, "public"))
	if sameParquet(s.ref, s.old) {
		t.Fatal("the new mirror made no new version")
	}
	t.Logf("a run never killed: %s", s.refTime.Round(time.Millisecond))
	for _, name := range s.changing {
		if len(strings.Split(gitOut(t, filepath.Join(ref, "data"), "tag", "-l", name+"/*"), "\n")) != 2 {
			t.Fatalf("the new mirror made no new version of %s", name)
		}
	}
	return s
}

// checkCorrect checks the state after a run that ended well.
func checkCorrect(t *testing.T, s *crashSetup, data string, got crashState) {
	t.Helper()
	if got.tree != s.ref.tree {
		t.Errorf("HEAD's files:\n%s\nwant a run never killed's:\n%s", got.tree, s.ref.tree)
	}
	for name, want := range s.ref.parquet {
		b := got.parquet[name]
		if !bytes.Equal(b, want) {
			t.Errorf("%s: the committed Parquet file differs from a run never killed's", name)
		}
		if _, err := dataset.ReadParquetBytes(b, defByName(name).Schema); err != nil {
			t.Errorf("%s: the committed Parquet file: %v", name, err)
		}
	}
	if !slices.Equal(got.tags, s.ref.tags) {
		t.Errorf("tags = %v, want %v", got.tags, s.ref.tags)
	}
	// Each tag names the version its commit holds: no number reused.
	for _, tag := range got.tags {
		name, version, _ := strings.Cut(tag, "/")
		desc := gitOut(t, data, "show", tag+":"+dataset.DescriptorPath(name))
		if !strings.Contains(desc, `"version": "`+version+`"`) {
			t.Errorf("tag %s: its commit's descriptor is of another version", tag)
		}
	}
	// Every dataset's last version is tagged on the commit that made it.
	for _, name := range s.changing {
		last := gitOut(t, data, "log", "-1", "--format=%H", "--", dataset.DirPath(name))
		if gitOut(t, data, "tag", "--points-at", last, name+"/*") == "" {
			t.Errorf("%s: the commit of its last version %s is not tagged", name, last[:10])
		}
	}
	if st := gitOut(t, data, "status", "--porcelain", "--ignored", "--", dataset.DatasetsDir); st != "" {
		t.Errorf("git status after the next run:\n%s", st)
	}
	filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && dataset.IsTemp(d.Name()) {
			t.Errorf("a temporary file is left: %s", p)
		}
		return nil
	})
	if !slices.Equal(got.sitePath, s.ref.sitePath) {
		t.Errorf("public/ after the next run has %d files, want the new site's %d", len(got.sitePath), len(s.ref.sitePath))
	}
	for _, side := range []string{site0(data, "publish-new"), site0(data, "publish-old")} {
		if _, err := os.Stat(side); err == nil {
			t.Errorf("%s is left", side)
		}
	}
}

func site0(data, suffix string) string {
	return filepath.Join(filepath.Dir(data), ".public."+suffix)
}

func readState(t *testing.T, data, public string) crashState {
	t.Helper()
	st := crashState{tree: readTree(t, data), parquet: map[string][]byte{}, site: map[string]string{}}
	for _, def := range definitions() {
		cmd := exec.Command("git", "show", "HEAD:"+dataset.ParquetPath(def.Name))
		cmd.Dir = data
		if b, err := cmd.Output(); err == nil {
			st.parquet[def.Name] = b
		}
	}
	if tags := gitOut(t, data, "tag", "-l"); tags != "" {
		st.tags = strings.Split(tags, "\n")
	}
	filepath.WalkDir(public, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(public, p)
		b, _ := os.ReadFile(p)
		st.site[rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		st.sitePath = append(st.sitePath, rel)
		return nil
	})
	sort.Strings(st.sitePath)
	return st
}

func readTree(t *testing.T, data string) string {
	return gitOut(t, data, "ls-tree", "-r", "--name-only", "HEAD")
}

// sameParquet reports whether two states hold the same Parquet files.
func sameParquet(a, b crashState) bool {
	if len(a.parquet) != len(b.parquet) {
		return false
	}
	for name, pa := range a.parquet {
		if !bytes.Equal(pa, b.parquet[name]) {
			return false
		}
	}
	return true
}

func fsck(t *testing.T, data string) {
	t.Helper()
	cmd := exec.Command("git", "fsck", "--no-progress", "--no-dangling")
	cmd.Dir = data
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("git fsck: %v\n%s", err, out)
	}
}

// runKilled runs publish with env, killing it after delay when delay is
// set, and reports whether it died of a kill.
func runKilled(t *testing.T, bin string, env []string, delay time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if delay > 0 {
		timer := time.AfterFunc(delay, func() { cmd.Process.Kill() })
		defer timer.Stop()
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true
		}
		t.Fatalf("publish %v: %v\n%s", args, err, stderr.String())
	}
	return false
}

type childResult struct {
	code   int
	stderr string
}

func runChild(t *testing.T, bin string, env []string, args ...string) childResult {
	t.Helper()
	return runChildContext(t, context.Background(), bin, env, args...)
}

func runChildContext(t *testing.T, ctx context.Context, bin string, env []string, args ...string) childResult {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return childResult{code: 0, stderr: stderr.String()}
	case errors.As(err, &ee):
		return childResult{code: ee.ExitCode(), stderr: stderr.String()}
	default:
		t.Fatalf("publish %v: %v", args, err)
		return childResult{}
	}
}

// bin is the publish command, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "publish-crash-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		mod, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "go env GOMOD:", err)
			return 1
		}
		bin = filepath.Join(dir, "publish")
		build := exec.Command("go", "build", "-o", bin, "./cmd/publish")
		build.Dir = filepath.Dir(strings.TrimSpace(string(mod)))
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.RemoveAll(dir)
	os.Exit(code)
}

func testBinary(t *testing.T) string { return bin }

// Exit statuses of publish (cmd/publish/main.go).
const (
	exitOK      = 0
	exitFailure = 1
)

// sourcesFile is the repository's own sources file.
var sourcesFile = filepath.Join("..", "..", "sources.toml")

// definitions are the published datasets.
func definitions() []*dataset.Definition {
	return []*dataset.Definition{dataset.MilitaryExpenditure, dataset.CBMReports, dataset.AuditOutcomes, dataset.RiskReports}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// mirrorSources writes the repository's sources file with the fetcher
// serving every URL from the mirror folder dir.
func mirrorSources(t *testing.T, root, name, dir string) string {
	t.Helper()
	b, err := os.ReadFile(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "[fetch]\n", fmt.Sprintf("[fetch]\nmirror = %q\n", dir), 1)
	if text == string(b) {
		t.Fatal("the sources file has no [fetch] table")
	}
	// The mirror's files are samples, served from a folder as live data
	// is: the minimums of the publishers' real files do not hold.
	text = regexp.MustCompile(`(?m)^min_rows = \d+$`).ReplaceAllString(text, "min_rows = 1")
	// Three sources, one per dataset the trials touch, keep a run short.
	blocks := strings.Split(text, "\n[[source]]\n")
	kept := []string{blocks[0]}
	for _, b := range blocks[1:] {
		for _, name := range crashSources {
			if strings.HasPrefix(b, fmt.Sprintf("name = %q\n", name)) {
				kept = append(kept, b)
			}
		}
	}
	if len(kept) != len(crashSources)+1 {
		t.Fatalf("the sources file holds %d of the sources %v", len(kept)-1, crashSources)
	}
	text = strings.Join(kept, "\n[[source]]\n")
	p := filepath.Join(root, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s holds no %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", from+"/.", to).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func defByName(name string) *dataset.Definition {
	for _, d := range definitions() {
		if d.Name == name {
			return d
		}
	}
	return nil
}
