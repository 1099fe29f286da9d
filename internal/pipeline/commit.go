package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/crash"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// CommitOptions configure the commit stage.
type CommitOptions struct {
	// Repo is the data repository, at the workspace's DataDir (created
	// there if missing: see dataset/git.Open).
	Repo     dataset.Repo
	Datasets []*dataset.Definition
	// Config, when set, is checked against what is committed: a dataset
	// file holding rows of a source whose terms withhold them is refused
	// (ErrWithheldRows), so that nothing restricted reaches the repository
	// even from a file built before the terms were set.
	Config *collect.Config
	// Author signs the commit; empty fields take publish's own name.
	Author dataset.Signature
	Now    func() time.Time
	Log    *slog.Logger
}

// CommitResult describes the commit a run made.
type CommitResult struct {
	Hash    string
	Message string
	Tags    []string
	Sample  bool
}

// Commit records the datasets whose files differ from HEAD in one commit
// that touches only their directories, with a message counting the rows
// added, removed and changed, and tags each new version. It returns nil
// when nothing changed.
func Commit(ctx context.Context, ws Workspace, o CommitOptions) (*CommitResult, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	repo := o.Repo
	if err := ws.prepareRepo(); err != nil {
		return nil, err
	}
	head, err := repo.Head()
	if err != nil {
		return nil, err
	}
	var (
		files   []string
		lines   []string
		subject []string
		tags    []string
		sample  bool
	)
	for _, def := range o.Datasets {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		changed, err := repo.Changes(dataset.DirPath(def.Name))
		if err != nil {
			return nil, err
		}
		if len(changed) == 0 {
			continue
		}
		desc, err := readDescriptor(ws.DescriptorPath(def.Name))
		if err != nil {
			return nil, err
		}
		if err := checkPublishable(ws.ParquetPath(def.Name), def, o.Config); err != nil {
			return nil, fmt.Errorf("commit %s: %w", def.Name, err)
		}
		sum, err := versionSummary(repo, head, ws, def)
		if err != nil {
			return nil, err
		}
		files = append(files, changed...)
		version := "removed"
		if desc != nil {
			version = desc.Version
			sample = sample || desc.Sample
			tags = append(tags, def.Name+"/"+desc.Version)
		}
		subject = append(subject, fmt.Sprintf("%s %s (%s)", def.Name, version, shortCounts(sum.Counts)))
		lines = append(lines, describeCounts(def.Name, version, sum)+describeWithheld(desc))
	}
	if len(files) == 0 {
		o.Log.Info("nothing to commit: no dataset changed")
		return nil, nil
	}
	// A version number names one version: checked before the commit, so
	// that a commit is never left without its tags.
	for _, tag := range tags {
		if _, err := repo.TagTarget(tag); err == nil {
			return nil, fmt.Errorf("commit: tag %s already names another version: the dataset's files were changed outside publish; run publish build again, which numbers the version anew", tag)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	var msg strings.Builder
	if sample {
		msg.WriteString("[sample data] ")
	}
	msg.WriteString("publish: " + strings.Join(subject, "; ") + "\n\n")
	msg.WriteString(strings.Join(lines, "\n\n") + "\n")
	if sample {
		msg.WriteString("\nSample data: built from the bundled offline mirror, not the publishers' live files. Do not cite.\n")
	}
	sig := o.Author
	if sig.Name == "" {
		sig.Name = "publish"
	}
	if sig.Email == "" {
		sig.Email = "publish@users.noreply.github.com"
	}
	if sig.When.IsZero() {
		sig.When = o.Now()
	}
	hash, err := repo.Commit(files, msg.String(), sig)
	if err != nil {
		return nil, err
	}
	// Tags after the commit: a run killed in between leaves a commit
	// without tags, which Repair tags at the next start.
	crash.Point(crash.CommitBranch)
	for i, tag := range tags {
		if err := repo.Tag(tag, hash, "publish "+tag, sig); err != nil {
			return nil, err
		}
		if i == 0 {
			crash.Point(crash.CommitTag)
		}
	}
	crash.Point(crash.CommitDone)
	o.Log.Info("committed", "commit", hash.Short(), "files", len(files), "tags", strings.Join(tags, " "))
	return &CommitResult{Hash: hash.String(), Message: msg.String(), Tags: tags, Sample: sample}, nil
}

// versionSummary compares a dataset's committed Parquet file with the one
// in the working tree, a row group at a time; a missing file on either side
// is an empty version.
func versionSummary(repo dataset.Repo, head *dataset.Commit, ws Workspace, def *dataset.Definition) (*diff.Summary, error) {
	old := diff.Tables()
	if head != nil {
		b, err := repo.ReadFile(head.ID, dataset.ParquetPath(def.Name))
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			pr, err := dataset.NewParquetReader(bytes.NewReader(b), def.Schema)
			if err != nil {
				return nil, fmt.Errorf("read the committed version of %s: %w", def.Name, err)
			}
			pr.ReuseTables() // diff.Compare holds two batches at most
			old = pr
		}
	}
	cur := diff.Tables()
	pr, err := dataset.OpenParquet(ws.ParquetPath(def.Name), def.Schema)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		defer pr.Close()
		pr.ReuseTables()
		cur = pr
	}
	return diff.Compare(def.Schema, old, cur, diff.OptionsFor(def), nil)
}

// describeWithheld adds to a commit message the rows a version withholds
// under their sources' terms, and what changed in them.
func describeWithheld(desc *dataset.Descriptor) string {
	if desc == nil {
		return ""
	}
	var b strings.Builder
	for _, s := range desc.WithheldSources() {
		w := s.Withheld
		fmt.Fprintf(&b, "\n  %s: %s rows withheld under its terms (%s), not committed", s.Name, dataset.Thousands(w.Rows), s.Terms)
		if c := w.Changes; c != nil {
			fmt.Fprintf(&b, "; %s added, %s removed, %s changed", dataset.Thousands(c.Added), dataset.Thousands(c.Removed), dataset.Thousands(c.Changed))
		}
	}
	return b.String()
}

func shortCounts(c diff.Counts) string {
	return fmt.Sprintf("+%d -%d ~%d", c.Added, c.Removed, c.Changed)
}

func describeCounts(name, version string, s *diff.Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s rows; %s added, %s removed, %s changed (%s revisions of published figures",
		name, version, dataset.Thousands(s.NewRows), dataset.Thousands(s.Added), dataset.Thousands(s.Removed), dataset.Thousands(s.Changed), dataset.Thousands(s.Revisions))
	if s.Replaced > 0 {
		// A unit that changed is a series replaced, not revised figures.
		fmt.Fprintf(&b, "; %s in series whose unit changed", dataset.Thousands(s.Replaced))
	}
	b.WriteString(")")
	for _, src := range slices.Sorted(maps.Keys(s.BySource)) {
		c := s.BySource[src]
		fmt.Fprintf(&b, "\n  %s: %s added, %s removed, %s changed", src, dataset.Thousands(c.Added), dataset.Thousands(c.Removed), dataset.Thousands(c.Changed))
	}
	return b.String()
}
