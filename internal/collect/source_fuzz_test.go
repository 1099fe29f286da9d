package collect_test

import (
	"net/url"
	"os"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/collect/crisiswatch"
	"github.com/defence-transparency/publish/internal/collect/gao"
	"github.com/defence-transparency/publish/internal/collect/generic"
	"github.com/defence-transparency/publish/internal/collect/gpi"
	"github.com/defence-transparency/publish/internal/collect/sipri"
	"github.com/defence-transparency/publish/internal/collect/unmilex"
	"github.com/defence-transparency/publish/internal/collect/unroca"
	"github.com/defence-transparency/publish/internal/collect/worldbank"
	"github.com/defence-transparency/publish/internal/dataset"
)

// FuzzParseConfig reads a sources file made by the fuzzer, as the command
// does at start-up: ParseConfig, then each source's collector's Check,
// which compiles its options (the generic collectors' selectors, regular
// expressions, templates and transforms). `go test` runs its seeds and the
// crashers kept under testdata/fuzz; .ci/fuzz runs the fuzzer.
func FuzzParseConfig(f *testing.F) {
	for _, name := range []string{"../../sources.toml", "generic/testdata/realdata.toml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("[fetch]\nmax_body = \"1KiB\"\n[[source]]\nname = \"x\"\ndataset = \"risk-reports\"\ncollector = \"json\"\n" +
		"urls = [\"file:///tmp/x.json\"]\nterms = \"open\"\n[source.options]\nrecords = \"a[].b\"\n[source.options.fields.period]\npath = \"^.y\"\n"))
	checkers := map[string]interface{ Check(collect.Source) error }{
		"sipri": &sipri.Collector{}, "worldbank": &worldbank.Collector{}, "unmilex": &unmilex.Collector{},
		"unroca": &unroca.Collector{}, "gao": &gao.Collector{}, "gpi": &gpi.Collector{}, "crisiswatch": &crisiswatch.Collector{},
	}
	defs := []*dataset.Definition{dataset.MilitaryExpenditure, dataset.CBMReports, dataset.AuditOutcomes, dataset.RiskReports}
	for _, shape := range generic.Shapes() {
		c, err := generic.NewCollector(shape, defs)
		if err != nil {
			f.Fatal(err)
		}
		checkers[shape] = c
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var (
			cfg *collect.Config
			err error
		)
		collecttest.Within(collecttest.FuzzDeadline, func() {
			cfg, err = collect.ParseConfig(b)
		})
		if err != nil {
			collecttest.CheckError(t, err)
			if cfg != nil {
				t.Errorf("ParseConfig returned a config beside the error %v", err)
			}
			return
		}
		checkConfig(t, cfg)
		for _, src := range cfg.Sources {
			c, ok := checkers[src.Collector]
			if !ok {
				continue
			}
			collecttest.Within(collecttest.FuzzDeadline, func() { err = c.Check(src) })
			if err != nil {
				collecttest.CheckError(t, err)
			}
		}
	})
}

// checkConfig fails t if cfg breaks what ParseConfig promises of a config
// it accepts.
func checkConfig(t *testing.T, cfg *collect.Config) {
	fc := cfg.Fetch
	if fc.UserAgent == "" || fc.Timeout.Duration <= 0 || fc.Backoff.Duration <= 0 || fc.MaxBody <= 0 || fc.Delay.Duration < 0 || fc.Retries < 0 {
		t.Errorf("ParseConfig accepted fetch settings without their defaults: %+v", fc)
	}
	seen := map[string]bool{}
	for _, s := range cfg.Sources {
		if s.Name == "" || s.Dataset == "" || s.Collector == "" || len(s.URLs) == 0 {
			t.Errorf("ParseConfig accepted a source without name, dataset, collector or urls: %+v", s)
		}
		if seen[s.Name] {
			t.Errorf("ParseConfig accepted the source name %q twice", s.Name)
		}
		seen[s.Name] = true
		for _, raw := range s.URLs {
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") {
				t.Errorf("ParseConfig accepted the url %q of source %q", raw, s.Name)
			}
		}
	}
}
