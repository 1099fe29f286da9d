package sipri

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// The workbooks of issue 9 built to cost memory (collecttest.SheetBomb and
// SharedStringsBomb), collected from a file:// URL as a run does, each in a
// process of its own whose peak memory is measured.

// bombEnv, set, makes TestBombs and BenchmarkBombs collect one workbook:
// "PATH" or "PATH;MAX_UNPACKED".
const bombEnv = "PUBLISH_SIPRI_BOMB"

// bombs are the workbooks and the size of what they unpack to.
var bombs = []struct {
	name  string
	size  int64
	write func(io.Writer, int64) error
}{
	{"sheet-480MB", 480 << 20, collecttest.SheetBomb},
	{"shared-strings-380MB", 380 << 20, collecttest.SharedStringsBomb},
}

// TestBombs checks that each bomb fails, with the default max_unpacked, with
// an error naming the setting, at a peak of less than 1 GB. With bombEnv
// set, it is the child process that collects one workbook.
func TestBombs(t *testing.T) {
	if spec := os.Getenv(bombEnv); spec != "" {
		bombChild(t, spec)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("peak memory is measured on Linux only")
	}
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			path := collecttest.WriteFile(t, b.name+".xlsx", func(w io.Writer) error { return b.write(w, b.size) })
			info, _ := os.Stat(path)
			c := collecttest.RunChild(t, "TestBombs", bombEnv, path)
			if c.Err != nil {
				t.Fatalf("collecting %s: %v\n%s", b.name, c.Err, c.Output)
			}
			t.Logf("%s (%d MB file): failed as it should in %v, at a peak of %d MB", b.name, info.Size()>>20, c.Elapsed.Round(1e7), c.PeakRSS>>20)
			if c.PeakRSS >= 1<<30 {
				t.Errorf("%s: peak memory %d MB, want under 1 GB", b.name, c.PeakRSS>>20)
			}
		})
	}
}

// BenchmarkBombs reports the peak memory (peak-MB) and the time (s) of
// collecting each bomb in a process of its own: with the default
// max_unpacked, where it fails at the limit, and with max_unpacked raised to
// let it through, where the streaming reader reads it (run with
// -benchtime=1x).
func BenchmarkBombs(b *testing.B) {
	for _, bomb := range bombs {
		path := collecttest.WriteFile(b, bomb.name+".xlsx", func(w io.Writer) error { return bomb.write(w, bomb.size) })
		for _, limit := range []string{"", "1GiB"} {
			name := "default"
			spec := path
			if limit != "" {
				name, spec = limit, path+";"+limit
			}
			b.Run(fmt.Sprintf("%s/max_unpacked=%s", bomb.name, name), func(b *testing.B) {
				for b.Loop() {
					// The child is TestBombs, which collects the
					// workbook when bombEnv is set.
					c := collecttest.RunChild(b, "TestBombs", bombEnv, spec)
					b.ReportMetric(float64(c.PeakRSS>>20), "peak-MB")
					b.ReportMetric(c.Elapsed.Seconds(), "s")
					b.Logf("%s max_unpacked=%s: child %v in %v\n%s", bomb.name, name, c.Err, c.Elapsed, lastLines(c.Output, 3))
				}
			})
		}
	}
}

// bombChild collects the workbook spec names and fails unless the
// collector refused it for the limit. With a raised limit it only reports
// what happened.
func bombChild(t testing.TB, spec string) {
	path, limitText, raised := strings.Cut(spec, ";")
	src := collect.Source{Name: "sipri", Dataset: "military-expenditure", Collector: "sipri", URLs: []string{"file://" + path}}
	if raised {
		var n collect.ByteSize
		if err := n.UnmarshalText([]byte(limitText)); err != nil {
			t.Fatal(err)
		}
		src.MaxUnpacked = n
	}
	tab, err := (&Collector{}).Collect(t.Context(), collecttest.Fetcher(t, src, nil), src)
	rows := 0
	if tab != nil {
		rows = tab.Len()
	}
	t.Logf("Collect() = %d rows, %v", rows, err)
	if raised {
		return
	}
	if !errors.Is(err, collect.ErrUnpackLimit) || !strings.Contains(err.Error(), collect.UnpackSetting) {
		t.Errorf("Collect() = %d rows, %v; want an error wrapping collect.ErrUnpackLimit that names %s", rows, err, collect.UnpackSetting)
	}
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
