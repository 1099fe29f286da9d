package git

import (
	"errors"
	"fmt"

	"github.com/defence-transparency/publish/internal/dataset"
)

// syncFS makes what was written to the file system holding dir durable.
// go-git writes objects and references without syncing them: syncing the
// file system before the branch moves (and before the tags) is what makes
// "objects, then the branch, then the tags" an order a power cut keeps.
// Where the system cannot sync a whole file system, the order of the
// writes still holds for a killed process, whose writes the system keeps.
func syncFS(dir string) error {
	if err := dataset.SyncFS(dir); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("git: %w", err)
	}
	return nil
}
