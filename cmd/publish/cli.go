package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/pipeline"
)

// Main is the command line. Its fields let tests run it in-process.
type Main struct {
	Stdout, Stderr io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Terminal forces progress output on or off; nil means detect.
	Terminal *bool
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

func commands() []command {
	return []command{
		{"collect", "fetch every source and parse its documents into records", runCollect},
		{"merge", "join the caches of collect runs made apart (one per source)", runMerge},
		{"build", "validate the records and write the datasets", runBuild},
		{"commit", "commit the datasets that changed to the data repository", runCommit},
		{"site", "build the static site from the datasets into public/", runSite},
		{"run", "collect, build, commit and site, in that order", runRun},
		{"history", "list the published versions of a dataset", runHistory},
		{"diff", "show the rows that changed between two versions of a dataset", runDiff},
		{"textconv", "print a Parquet file as sorted CSV (a git diff driver)", runTextconv},
	}
}

const exitStatusHelp = `Exit status:
  0  done, including when nothing changed
  1  failed; the published data is as it was before
  2  wrong command line or sources file
  3  some sources failed: their last good data was kept and the other
     sources were published; the message names each failed source and why
`

func (m *Main) usage() string {
	var b strings.Builder
	b.WriteString(`publish: an open-data publisher for defence transparency.

It collects military-expenditure figures (and, as sources are added, UN
confidence-building reports, audit outcomes and risk reports) from public
sources, publishes them as versioned Parquet datasets in a git repository,
and builds a static site that shows who spends what and what changed.

Usage:
  publish <command> [flags]

The pipeline, one command per stage:
`)
	for i, c := range commands() {
		if i == 5 {
			b.WriteString("\nVersions, for people who track what changed:\n")
		}
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(&b, `
Each stage reads what the previous one left on disk (records in the cache,
dataset files in the data repository), so each can be run on its own.

Offline and live: without --live every command works on the bundled offline
mirror of small sample files, and writes sample data, labelled as such, to a
scratch data repository (%s) unless --data names one. With --live the
sources' real URLs are fetched and the data repository is the current
directory unless --data names one. Sources and their URLs are set in
sources.toml.

%s
Run "publish <command> --help" for a command's flags.
`, defaultSampleDir(), exitStatusHelp)
	return b.String()
}

var errHelp = errors.New("help requested")

// usageError is a mistake on the command line or in the sources file.
type usageError struct {
	message, hint string
	cause         error
}

func (e *usageError) Error() string { return e.message }

func (e *usageError) Unwrap() error { return e.cause }

// Run runs the command line args (without the program name).
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, m.usage())
		return &usageError{message: "no command given", hint: `run "publish run" for the whole pipeline`}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(m.Stdout, m.usage())
		return errHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, m, args[1:])
		}
	}
	return &usageError{message: fmt.Sprintf("unknown command %q", args[0]), hint: `run "publish --help" for the commands`}
}

func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// common holds the flags every stage shares.
type common struct {
	live      bool
	data      string
	cache     string
	sources   string
	verbose   bool
	quiet     bool
	logFormat string
	wait      time.Duration
}

func (c *common) register(fs *flag.FlagSet) {
	fs.BoolVar(&c.live, "live", false, "use the publishers' real URLs (default: the bundled offline mirror, sample data)")
	fs.StringVar(&c.data, "data", "", "data repository: a git repository, created if missing (default: the current directory with --live, a scratch repository without)")
	fs.StringVar(&c.cache, "cache", "", "cache of raw documents, records and run status (default: DATA/.publish)")
	fs.StringVar(&c.sources, "sources", "sources.toml", "the sources file")
	fs.BoolVar(&c.verbose, "v", false, "log every step (debug level)")
	fs.BoolVar(&c.quiet, "q", false, "log only warnings and errors")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.DurationVar(&c.wait, "wait", pipeline.DefaultLockWait,
		"how long to wait for another run on the same data repository to end (one run at a time; 0: refuse at once)")
}

// parse parses a subcommand's flags, printing help on -h. It accepts no
// arguments besides flags.
func parse(m *Main, fs *flag.FlagSet, help string, args []string) error {
	_, err := parseWith(m, fs, help, args, 0, 0)
	return err
}

// parseWith parses flags and between min and max positional arguments,
// which may come before, between or after the flags.
func parseWith(m *Main, fs *flag.FlagSet, help string, args []string, min, max int) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	hint := fmt.Sprintf(`run "publish %s --help" for its arguments and flags`, fs.Name())
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(m.Stdout, help)
				fmt.Fprintln(m.Stdout, "\nFlags:")
				fs.SetOutput(m.Stdout)
				fs.PrintDefaults()
				fmt.Fprint(m.Stdout, "\n"+exitStatusHelp)
				return nil, errHelp
			}
			return nil, &usageError{message: err.Error(), hint: hint}
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(positional) > max:
		return nil, &usageError{message: fmt.Sprintf("%s: unexpected argument %q", fs.Name(), positional[max]), hint: hint}
	case len(positional) < min:
		return nil, &usageError{message: fmt.Sprintf("%s: missing argument", fs.Name()), hint: hint}
	}
	return positional, nil
}

func (c *common) logger(m *Main) *slog.Logger {
	level := slog.LevelInfo
	if m.terminal() {
		// On a terminal the progress line tells what is happening.
		level = slog.LevelWarn
	}
	switch {
	case c.verbose:
		level = slog.LevelDebug
	case c.quiet:
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}

func (c *common) check() error {
	if c.logFormat != "text" && c.logFormat != "json" {
		return &usageError{message: fmt.Sprintf("--log-format %q: want text or json", c.logFormat)}
	}
	return nil
}

// dataDir returns the data repository the flags name.
func (c *common) dataDir() string {
	switch {
	case c.data != "":
		return c.data
	case c.live:
		return "."
	default:
		return defaultSampleDir()
	}
}

func (c *common) workspace() pipeline.Workspace {
	return pipeline.NewWorkspace(c.dataDir(), c.cache)
}

func (c *common) config() (*collect.Config, error) {
	cfg, err := collect.ReadConfig(c.sources)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &usageError{message: fmt.Sprintf("sources file %s not found", c.sources),
			hint: "run publish from the repository's root, or pass --sources FILE"}
	}
	if err != nil {
		return nil, &usageError{message: err.Error(), hint: "see the comments in sources.toml and README.md for its format"}
	}
	return cfg, nil
}

// defaultSampleDir is the scratch data repository of sample runs: outside
// any checkout, so sample data never lands in the code repository's history.
func defaultSampleDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "publish", "sample-data")
}
