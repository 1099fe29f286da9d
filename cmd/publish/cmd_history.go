package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/dataset/history"
)

const historyHelp = `Usage: publish history [flags] DATASET

History lists every published version of DATASET in the data repository,
newest first: version, date, commit, rows, and the rows added, removed and
changed against the version before (revisions: changed rows whose figure
changed). It reads git objects only; nothing is checked out.

Datasets: %s.
`

// repoFlags are the flags of the commands that read a data repository's
// history.
type repoFlags struct {
	live bool
	data string
}

func (r *repoFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&r.live, "live", false, "read the live data repository (the current directory) rather than the sample one")
	fs.StringVar(&r.data, "data", "", "data repository (default: the current directory with --live, the scratch sample repository without)")
}

// open loads the history of dataset name. The caller must close its Repo.
func (r *repoFlags) open(name string) (*history.History, error) {
	def := definition(name)
	if def == nil {
		return nil, &usageError{message: fmt.Sprintf("no dataset named %q", name), hint: "datasets: " + datasetNames()}
	}
	c := common{live: r.live, data: r.data}
	repo, err := git.Open(c.dataDir(), false)
	if errors.Is(err, dataset.ErrNoRepo) {
		return nil, &usageError{message: err.Error(), hint: `pass --data DIR, or run "publish run" first`}
	}
	if err != nil {
		return nil, err
	}
	h, err := history.Load(repo, def)
	if err != nil {
		repo.Close()
		return nil, err
	}
	return h, nil
}

func definition(name string) *dataset.Definition {
	for _, d := range definitions() {
		if d.Name == name {
			return d
		}
	}
	return nil
}

func datasetNames() string {
	var names []string
	for _, d := range definitions() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}

func runHistory(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	var r repoFlags
	r.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseWith(m, fs, fmt.Sprintf(historyHelp, datasetNames()), args, 1, 1)
	if err != nil {
		return err
	}
	h, err := r.open(pos[0])
	if err != nil {
		return err
	}
	defer h.Repo.Close()
	if *asJSON {
		type version struct {
			Version string                 `json:"version"`
			Created string                 `json:"created"`
			Commit  string                 `json:"commit"`
			Subject string                 `json:"subject"`
			Rows    int                    `json:"rows"`
			Sample  bool                   `json:"sample"`
			Changes dataset.VersionChanges `json:"changes"`
		}
		out := []version{}
		for _, v := range h.Versions {
			out = append(out, version{v.Version, v.Created, v.Commit, v.Subject, v.Rows, v.Sample, v.Changes})
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(h.Versions) == 0 {
		fmt.Fprintf(m.Stdout, "%s has no published version in %s\n", h.Def.Name, h.Repo.Dir())
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tDATE\tCOMMIT\tROWS\tADDED\tREMOVED\tCHANGED\tREVISIONS\t")
	for _, v := range h.Versions {
		label := v.Label()
		if v.Version == "" {
			label = "(removed)"
		}
		if v.Sample {
			label += " [sample]"
		}
		c := v.Changes
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", label, v.Time.UTC().Format("2006-01-02 15:04"), v.Short(),
			v.Rows, c.Added, c.Removed, c.Changed, c.Revisions)
	}
	return tw.Flush()
}
