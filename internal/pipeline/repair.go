package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
)

// maxRepairCommits bounds how far back Repair looks for a version left
// without its tag: a killed run leaves one at most, and each start repairs.
const maxRepairCommits = 20

// Repair finishes or undoes what a killed run left, so that the run that
// follows starts from a consistent repository. It must be called with the
// run lock held (Workspace.Lock). It
//   - puts in place the files of each dataset whose journal was complete,
//     and removes incomplete journals (journal.go);
//   - removes the temporary files of atomic writes in the datasets and the
//     cache, which git.Repo.Changes never reports anyway;
//   - tags the commits of versions whose tags were not written (a run
//     killed between the commit and its tags), with repo set.
//
// The site's folders are repaired by the site stage, which owns them.
func Repair(ws Workspace, repo dataset.Repo, defs []*dataset.Definition, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	played, err := ws.recoverJournals()
	if err != nil {
		return err
	}
	for _, name := range played {
		log.Warn("repair: finished writing a dataset version that a stopped run had begun", "dataset", name)
	}
	for _, dir := range []string{ws.path(dataset.DatasetsDir), ws.CacheDir} {
		n, err := removeTemps(dir, ws.SiteBuildDir(), ws.ArchiveDir())
		if err != nil {
			return err
		}
		if n > 0 {
			log.Warn("repair: removed the temporary files of a stopped run", "folder", dir, "files", n)
		}
	}
	if repo == nil {
		return nil
	}
	for _, def := range defs {
		if err := tagVersions(repo, def, log); err != nil {
			return fmt.Errorf("repair: %s: %w", def.Name, err)
		}
	}
	return nil
}

// removeTemps removes the temporary files of WriteFileAtomic under dir.
// Two folders are not walked: the Hugo project site (and site.old-N,
// which older builds moved aside from it), which holds a thousand files
// for a real site and whose generate removes every file it did not write
// itself; and the raw archive, which grows by a record with every fetch
// and keeps its temporary files in its own folder (collect.DirArchive),
// the only one of it looked into.
func removeTemps(dir, site, archive string) (int, error) {
	n := 0
	remove := func(p string) error {
		n++
		return os.Remove(p)
	}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case e.IsDir() && (p == site || strings.HasPrefix(p, site+".old-")):
			return filepath.SkipDir
		case e.IsDir() && p == archive:
			entries, err := os.ReadDir(p)
			if err != nil {
				return err
			}
			for _, e := range entries {
				if !e.IsDir() && dataset.IsTemp(e.Name()) {
					if err := remove(filepath.Join(p, e.Name())); err != nil {
						return err
					}
				}
			}
			return filepath.SkipDir
		case !e.IsDir() && dataset.IsTemp(e.Name()):
			return remove(p)
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("repair: remove temporary files: %w", err)
	}
	return n, nil
}

// tagVersions tags the versions of a dataset that HEAD's history holds
// without their tag, newest first, stopping at the first one tagged.
func tagVersions(repo dataset.Repo, def *dataset.Definition, log *slog.Logger) error {
	commits, err := repo.Log(dataset.DirPath(def.Name))
	if err != nil {
		return err
	}
	for i, c := range commits {
		if i == maxRepairCommits {
			break
		}
		b, err := repo.ReadFile(c.ID, dataset.DescriptorPath(def.Name))
		if errors.Is(err, os.ErrNotExist) {
			continue // the dataset was removed in this commit
		}
		if err != nil {
			return err
		}
		var desc dataset.Descriptor
		if err := json.Unmarshal(b, &desc); err != nil {
			return fmt.Errorf("descriptor at %s: %w", c.ID.Short(), err)
		}
		tag := def.Name + "/" + desc.Version
		target, err := repo.TagTarget(tag)
		switch {
		case err == nil && target == c.ID:
			return nil // tagged: so are the versions before it
		case err == nil:
			// An older version under the same number (made before
			// versions were checked against tags): left as it is.
			log.Warn("repair: a version's number is tagged on another commit", "tag", tag, "commit", c.ID.Short(), "tagged", target.Short())
			return nil
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
		sig := dataset.Signature{Name: "publish", Email: "publish@users.noreply.github.com", When: c.Time}
		if err := repo.Tag(tag, c.ID, "publish "+tag, sig); err != nil {
			return err
		}
		log.Warn("repair: tagged a version whose run stopped before tagging it", "tag", tag, "commit", c.ID.Short())
	}
	return nil
}
