// Package bench runs the publish command as a child process for
// benchmarks, and reports what each run cost: wall time, CPU time (its own
// and that of the processes it waited for, such as git) and peak resident
// memory, which only a process of its own measures.
package bench

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Build builds the publish command into a temporary directory and returns
// its path. PUBLISH_BENCH_BIN names a binary to use instead, such as one
// built from an earlier commit, to compare.
func Build(tb testing.TB) string {
	tb.Helper()
	if bin := os.Getenv("PUBLISH_BENCH_BIN"); bin != "" {
		return bin
	}
	mod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		tb.Fatalf("go env GOMOD: %v", err)
	}
	bin := filepath.Join(tb.TempDir(), "publish")
	build := exec.Command("go", "build", "-o", bin, "./cmd/publish")
	build.Dir = filepath.Dir(strings.TrimSpace(string(mod)))
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// gnuTime is GNU time, which reports a command's peak resident size;
// rssMark starts the line where it does.
const (
	gnuTime = "/usr/bin/time"
	rssMark = "publish-bench-peak-rss-kb: "
)

// Stats is what one run cost.
type Stats struct {
	Wall, CPU time.Duration
	MaxRSS    int64 // bytes
}

// Run runs bin with args and returns what it cost. A run that fails fails
// the benchmark, with the command's standard error.
//
// The peak resident size comes from GNU time when /usr/bin/time is there:
// Go starts a child with vfork, sharing the benchmark's memory until the
// exec, and Linux then counts the benchmark's own peak (often a table of
// millions of rows) in the child's. GNU time forks the command from a
// small process of its own and reports the command's peak alone.
func Run(tb testing.TB, bin string, args ...string) Stats {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	timed := false
	if _, err := os.Stat(gnuTime); err == nil {
		cmd, timed = exec.Command(gnuTime, append([]string{"-f", rssMark + "%M", bin}, args...)...), true
	}
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("publish %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	s := Stats{Wall: time.Since(start), CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if timed {
		out := stderr.String()
		i := strings.LastIndex(out, rssMark)
		kb, err := strconv.ParseInt(strings.TrimSpace(out[max(i, 0)+len(rssMark):]), 10, 64)
		if i < 0 || err != nil {
			tb.Fatalf("publish %s: no peak resident size from %s: %v\n%s", strings.Join(args, " "), gnuTime, err, out)
		}
		s.MaxRSS = kb * 1024
		return s
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.MaxRSS = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return s
}

// Summarize returns the median wall and CPU times and the largest peak
// resident size of runs. Medians, because the machine running the
// benchmarks may be shared.
func Summarize(runs []Stats) Stats {
	median := func(d []time.Duration) time.Duration {
		if len(d) == 0 {
			return 0
		}
		slices.Sort(d)
		return d[len(d)/2]
	}
	var walls, cpus []time.Duration
	var out Stats
	for _, r := range runs {
		walls, cpus = append(walls, r.Wall), append(cpus, r.CPU)
		out.MaxRSS = max(out.MaxRSS, r.MaxRSS)
	}
	out.Wall, out.CPU = median(walls), median(cpus)
	return out
}

// Report reports s as metrics named prefix-s, prefix-cpu-s and prefix-MB.
func Report(b *testing.B, prefix string, s Stats) {
	b.ReportMetric(s.Wall.Seconds(), prefix+"-s")
	b.ReportMetric(s.CPU.Seconds(), prefix+"-cpu-s")
	b.ReportMetric(float64(s.MaxRSS)/(1<<20), prefix+"-MB")
}
