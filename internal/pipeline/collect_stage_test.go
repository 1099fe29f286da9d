package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/generic"
	"github.com/defence-transparency/publish/internal/collect/sipri"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The collect stage's tests run real collectors (the generic CSV collector,
// SIPRI's on the bundled mirror) through a real fetch session with an
// archive, against a real HTTP server, and read what the stage leaves on
// disk: the records files and the status.

var definitions = []*dataset.Definition{dataset.MilitaryExpenditure, dataset.CBMReports, dataset.AuditOutcomes, dataset.RiskReports}

// natoCSV is NATO's table of defence expenditure as a share of GDP, as the
// generic collector's tests read it.
const natoCSV = "Country,2022,2023\nAlbania,1.21,1.75\nTürkiye,1.37,1.64\n"

const natoSource = `
[[source]]
name = %q
dataset = "military-expenditure"
collector = "csv"
urls = [%q]
terms = "open"
[source.options.unpivot]
columns = '^\d{4}$'
header = "Year"
value = "Share"
[source.options.vars.country]
column = "Country"
[source.options.fields.country_iso3]
template = "{country}"
transforms = [{ op = "country" }]
[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]
[source.options.fields.year]
column = "Year"
[source.options.fields.measure]
value = "share_of_gdp"
[source.options.fields.value]
column = "Share"
[source.options.fields.unit]
value = "percent"
[source.options.fields.estimate]
value = "false"
[source.options.fields.uncertain]
value = "false"
`

// csvServer serves one CSV document per path, with an ETag, answering a
// matching If-None-Match with 304 as publishers do; fail makes a path
// answer 500.
type csvServer struct {
	*httptest.Server
	mu    sync.Mutex
	docs  map[string]string
	fail  map[string]bool
	count map[string]int
}

func newCSVServer(t *testing.T, docs map[string]string) *csvServer {
	s := &csvServer{docs: docs, fail: map[string]bool{}, count: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.count[r.URL.Path]++
		body, ok := s.docs[r.URL.Path]
		switch {
		case s.fail[r.URL.Path]:
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		case !ok:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("ETag", fmt.Sprintf("%q", collect.Sum([]byte(body))[:16]))
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *csvServer) set(path, body string, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path], s.fail[path] = body, fail
}

func (s *csvServer) hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[path]
}

// collectRun holds what one test's runs share: the workspace, its sources
// and a clock.
type collectRun struct {
	t     *testing.T
	ws    Workspace
	cfg   *collect.Config
	clock time.Time
	mirr  bool // serve http(s) from the bundled mirror
}

func newCollectRun(t *testing.T, sources string) *collectRun {
	t.Helper()
	cfg, err := collect.ParseConfig([]byte(sources))
	if err != nil {
		t.Fatalf("ParseConfig() = %v", err)
	}
	// One host serves every source here: no politeness delay, and a 500 is
	// retried without the wait.
	cfg.Fetch.Delay, cfg.Fetch.Backoff = collect.Duration{}, collect.Duration{Duration: time.Millisecond}
	return &collectRun{t: t, ws: NewWorkspace(t.TempDir(), ""), cfg: cfg,
		clock: time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)}
}

// run collects once, an hour after the previous run, through a new session
// on the workspace's archive, as every publish run does.
func (r *collectRun) run(ctx context.Context, only ...string) (*State, error) {
	r.t.Helper()
	r.clock = r.clock.Add(time.Hour)
	archive, err := collect.OpenArchive(r.ws.ArchiveDir())
	if err != nil {
		r.t.Fatal(err)
	}
	o := collect.SessionOptions{Config: r.cfg.Fetch, Archive: archive, Logger: slog.New(slog.DiscardHandler)}
	if r.mirr {
		o.Mirror = mirror.FS
	}
	s, err := collect.NewSession(o)
	if err != nil {
		r.t.Fatal(err)
	}
	defer s.Close()
	collectors := generic.New(definitions)
	collectors["sipri"] = &sipri.Collector{}
	var progress []string
	st, err := Collect(ctx, r.ws, CollectOptions{
		Config: r.cfg, Collectors: collectors, Datasets: definitions, Fetchers: s, Only: only,
		Bundled: r.mirr, Parallel: 2, Now: func() time.Time { return r.clock },
		Log: slog.New(slog.DiscardHandler), Progress: func(m string) { progress = append(progress, m) },
	})
	for _, name := range only {
		if st == nil || st.Sources[name] == nil || !st.Sources[name].LastAttempt.Equal(r.clock) {
			continue // not attempted: the sources were refused
		}
		if !containsPrefix(progress, "collect "+name+": fetching ") {
			r.t.Errorf("progress %q says nothing of fetching %s", progress, name)
		}
	}
	return st, err
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// records returns a source's records file as the build stage reads it.
func (r *collectRun) records(name string) *dataset.Table {
	r.t.Helper()
	tbl, err := dataset.ReadParquetBytes(fileBytes(r.t, r.ws.RecordsPath(name)), dataset.ExpenditureSchema)
	if err != nil {
		r.t.Fatalf("records of %s: %v", name, err)
	}
	return tbl
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCollectKeepsRecordsAndSkipsUnchangedDocuments collects two CSV sources
// three times: new data, then nothing new (304: the records stay as they
// are, byte for byte), then one source down (it fails alone and keeps its
// records and last success; the other goes ahead).
func TestCollectKeepsRecordsAndSkipsUnchangedDocuments(t *testing.T) {
	srv := newCSVServer(t, map[string]string{"/a.csv": natoCSV, "/b.csv": natoCSV})
	r := newCollectRun(t, fmt.Sprintf(natoSource, "nato-a", srv.URL+"/a.csv")+fmt.Sprintf(natoSource, "nato-b", srv.URL+"/b.csv"))

	st, err := r.run(t.Context(), "nato-a", "nato-b")
	if err != nil {
		t.Fatalf("first Collect() = %v", err)
	}
	first := r.clock
	for _, name := range []string{"nato-a", "nato-b"} {
		s := st.Sources[name]
		if s.Status != dataset.SourceOK || s.Rows != 4 || s.Sample || !s.LastSuccess.Equal(first) {
			t.Errorf("first run: %s = %+v, want ok, 4 rows, not sample, last success %s", name, s, first)
		}
		if len(s.Documents) != 1 || s.Documents[0].URL != srv.URL+"/"+strings.TrimPrefix(name, "nato-")+".csv" || s.Documents[0].SHA256 != collect.Sum([]byte(natoCSV)) {
			t.Errorf("first run: %s documents = %+v, want the CSV with its SHA-256", name, s.Documents)
		}
		got := r.records(name)
		for i := range got.Len() {
			if src := dataset.Expenditures(got)[i].Source; src != name {
				t.Fatalf("row %d of %s has source %q, want the source's name", i, name, src)
			}
		}
		if collect.Sum(fileBytes(t, r.ws.RecordsPath(name))) != s.Records {
			t.Errorf("state's Records of %s is not the SHA-256 of its records file", name)
		}
	}
	saved, err := r.ws.ReadState()
	if err != nil || saved.Sources["nato-a"].Records != st.Sources["nato-a"].Records || !saved.Updated.Equal(first) {
		t.Errorf("ReadState() = %+v, %v; want the state Collect returned", saved, err)
	}
	keptA := fileBytes(t, r.ws.RecordsPath("nato-a"))

	// Second run: the server answers 304 to the archive's validators.
	st, err = r.run(t.Context(), "nato-a", "nato-b")
	if err != nil {
		t.Fatalf("second Collect() = %v", err)
	}
	for _, name := range []string{"nato-a", "nato-b"} {
		s := st.Sources[name]
		if s.Status != dataset.SourceUnchanged || !s.LastSuccess.Equal(r.clock) || s.Rows != 4 {
			t.Errorf("second run: %s = %+v, want unchanged, success now, 4 rows kept", name, s)
		}
		if len(s.Documents) != 1 || !s.Documents[0].NotModified {
			t.Errorf("second run: %s documents = %+v, want one, not modified", name, s.Documents)
		}
	}
	if got := fileBytes(t, r.ws.RecordsPath("nato-a")); string(got) != string(keptA) {
		t.Error("second run rewrote the records of an unchanged source")
	}

	// Third run: a is down. It fails alone and keeps what it had.
	srv.set("/a.csv", natoCSV, true)
	second := r.clock
	st, err = r.run(t.Context(), "nato-a", "nato-b")
	var se *SourceErrors
	if !errors.As(err, &se) || len(se.Failed) != 1 || se.Failed[0].Source != "nato-a" {
		t.Fatalf("third Collect() = %v, want *SourceErrors naming nato-a alone", err)
	}
	var status *collect.StatusError
	if !errors.As(err, &status) || status.Code != http.StatusInternalServerError {
		t.Errorf("third Collect() = %v, want it to wrap the 500", err)
	}
	if !strings.Contains(err.Error(), "last good data") {
		t.Errorf("third Collect() = %q, want it to say the last good data is kept", err)
	}
	a := st.Sources["nato-a"]
	if a.Status != dataset.SourceFailed || a.Error == "" || !a.LastSuccess.Equal(second) || !a.LastAttempt.Equal(r.clock) || a.Rows != 4 {
		t.Errorf("third run: nato-a = %+v, want failed with its error, last success %s kept, 4 rows", a, second)
	}
	if b := st.Sources["nato-b"]; b.Status != dataset.SourceUnchanged {
		t.Errorf("third run: nato-b = %+v, want unchanged: a failing source does not stop the others", b)
	}
	if got := fileBytes(t, r.ws.RecordsPath("nato-a")); string(got) != string(keptA) {
		t.Error("a failed run changed the source's records")
	}

	// Fourth run: a is back, but its records file was lost: it is fetched
	// whole (no conditional request), so its records come back.
	srv.set("/a.csv", natoCSV+"Norway,1.4,1.6\n", false)
	if err := os.Remove(r.ws.RecordsPath("nato-a")); err != nil {
		t.Fatal(err)
	}
	st, err = r.run(t.Context(), "nato-a")
	if err != nil {
		t.Fatalf("fourth Collect() = %v", err)
	}
	if a := st.Sources["nato-a"]; a.Status != dataset.SourceOK || a.Rows != 6 {
		t.Errorf("fourth run: nato-a = %+v, want ok with 6 rows", a)
	}
	if got := r.records("nato-a").Len(); got != 6 {
		t.Errorf("fourth run: records of nato-a hold %d rows, want 6", got)
	}
	if b := st.Sources["nato-b"]; b.Status != dataset.SourceUnchanged || !b.LastAttempt.Equal(second.Add(time.Hour)) {
		t.Errorf("fourth run, only nato-a: nato-b = %+v, want its state of the third run untouched", b)
	}
}

// TestCollectChecksSourcesBeforeFetching finds mistakes of the sources file
// before any request: nothing is fetched and no status is written.
func TestCollectChecksSourcesBeforeFetching(t *testing.T) {
	srv := newCSVServer(t, map[string]string{"/a.csv": natoCSV})
	good := fmt.Sprintf(natoSource, "good", srv.URL+"/a.csv")
	tests := []struct {
		name, sources string
		only          []string
		want          string
	}{
		{"unknown dataset", good + "[[source]]\nname = \"x\"\ndataset = \"budgets\"\ncollector = \"csv\"\nurls = [\"" + srv.URL + "/a.csv\"]\nterms = \"open\"\n",
			nil, `dataset "budgets" is not known`},
		{"unknown collector", good + "[[source]]\nname = \"x\"\ndataset = \"military-expenditure\"\ncollector = \"pdf\"\nurls = [\"" + srv.URL + "/a.csv\"]\nterms = \"open\"\n",
			nil, `collector "pdf" is not known`},
		{"options the collector rejects", good + "[[source]]\nname = \"x\"\ndataset = \"military-expenditure\"\ncollector = \"sipri\"\nurls = [\"" + srv.URL + "/a.csv\"]\nterms = \"open\"\n[source.options]\nsheet = \"Current US$\"\n",
			nil, `sheet`},
		{"an unknown source asked for", good, []string{"good", "nope"}, `nope`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newCollectRun(t, tt.sources)
			before := srv.hits("/a.csv")
			_, err := r.run(t.Context(), tt.only...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Collect() = %v, want an error naming %s", err, tt.want)
			}
			var ce *ConfigError
			if tt.only == nil && (!errors.As(err, &ce) || ce.Source != "x") {
				t.Errorf("Collect() = %v, want a *ConfigError for source x", err)
			}
			if n := srv.hits("/a.csv") - before; n != 0 {
				t.Errorf("server got %d requests, want none before the sources are checked", n)
			}
			if _, err := os.Stat(r.ws.StatePath()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("status file: %v, want none written", err)
			}
		})
	}
}

// TestCollectBundledMirrorIsSample collects SIPRI's workbook from the
// bundled offline mirror: the records are marked sample data, and a source
// whose collector gives another dataset's rows fails without records.
func TestCollectBundledMirrorIsSample(t *testing.T) {
	const sources = `
[[source]]
name = "sipri"
dataset = "military-expenditure"
collector = "sipri"
urls = ["https://www.sipri.org/databases/milex"]
terms = "open"

[[source]]
name = "sipri-as-risk"
dataset = "risk-reports"
collector = "sipri"
urls = ["https://www.sipri.org/databases/milex"]
terms = "open"
`
	r := newCollectRun(t, sources)
	r.mirr = true
	st, err := r.run(t.Context(), "sipri", "sipri-as-risk")
	var se *SourceErrors
	if !errors.As(err, &se) || len(se.Failed) != 1 || se.Failed[0].Source != "sipri-as-risk" {
		t.Fatalf("Collect() = %v, want sipri-as-risk alone to fail", err)
	}
	if !strings.Contains(se.Failed[0].Err.Error(), `another dataset than "risk-reports"`) {
		t.Errorf("sipri-as-risk: %v, want it to say the rows are of another dataset", se.Failed[0].Err)
	}
	if _, err := os.Stat(r.ws.RecordsPath("sipri-as-risk")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("records of sipri-as-risk: %v, want none", err)
	}
	s := st.Sources["sipri"]
	if s.Status != dataset.SourceOK || !s.Sample || s.Rows == 0 || len(s.Documents) != 2 {
		t.Errorf("sipri = %+v, want ok, sample data, rows, two documents (landing page and workbook)", s)
	}
	if got := r.records("sipri").Len(); got != s.Rows {
		t.Errorf("records of sipri hold %d rows, state says %d", got, s.Rows)
	}
}

// TestCollectStopsOnCancel cancels the run before it starts: the sources
// fail with the context's error, which Collect returns, and the status is
// still written.
func TestCollectStopsOnCancel(t *testing.T) {
	srv := newCSVServer(t, map[string]string{"/a.csv": natoCSV})
	r := newCollectRun(t, fmt.Sprintf(natoSource, "nato", srv.URL+"/a.csv"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	st, err := r.run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Collect() = %v, want context.Canceled", err)
	}
	if s := st.Sources["nato"]; s == nil || s.Status != dataset.SourceFailed {
		t.Errorf("nato = %+v, want failed", s)
	}
	if _, err := r.ws.ReadState(); err != nil {
		t.Errorf("ReadState() = %v, want the status written", err)
	}
}
