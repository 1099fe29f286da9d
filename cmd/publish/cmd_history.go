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
changed; material: the revisions that reach the thresholds of "publish diff";
replaced: changed rows of a series replaced, such as a unit change, which are
not revisions). WITHHELD names the sources whose rows the version kept out of
its files under their terms, with the rows withheld and how many of them
changed (+added -removed ~changed; ? when that could not be counted). It
reads git objects only; nothing is checked out.

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

// withheldColumn writes what a version withheld: "sipri 78196 (+0 -0 ~12)".
func withheldColumn(ws []dataset.SourceRef) string {
	var parts []string
	for _, s := range ws {
		changes := "?"
		if c := s.Withheld.Changes; c != nil {
			changes = fmt.Sprintf("+%d -%d ~%d", c.Added, c.Removed, c.Changed)
		}
		parts = append(parts, fmt.Sprintf("%s %d (%s)", s.Name, s.Withheld.Rows, changes))
	}
	return strings.Join(parts, ", ")
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
			// Withheld is what the version withheld under its sources'
			// terms, as its descriptor records it.
			Withheld map[string]*dataset.Withheld `json:"withheld,omitempty"`
		}
		out := []version{}
		for _, v := range h.Versions {
			w := map[string]*dataset.Withheld{}
			for _, s := range v.Withheld {
				w[s.Name] = s.Withheld
			}
			out = append(out, version{v.Version, v.Created, v.Commit, v.Subject, v.Rows, v.Sample, v.Changes, w})
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
	fmt.Fprintln(tw, "VERSION\tDATE\tCOMMIT\tROWS\tADDED\tREMOVED\tCHANGED\tREVISIONS\tMATERIAL\tREPLACED\tWITHHELD")
	for _, v := range h.Versions {
		label := v.Label()
		if v.Version == "" {
			label = "(removed)"
		}
		if v.Sample {
			label += " [sample]"
		}
		c := v.Changes
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", label, v.Time.UTC().Format("2006-01-02 15:04"), v.Short(),
			v.Rows, c.Added, c.Removed, c.Changed, c.Revisions, c.Material, c.Replaced, withheldColumn(v.Withheld))
	}
	return tw.Flush()
}
