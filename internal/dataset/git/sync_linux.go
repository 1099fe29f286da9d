package git

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncFS makes what was written to the file system holding dir durable.
// go-git writes objects and references without syncing them: syncing the
// file system before the branch moves (and before the tags) is what makes
// "objects, then the branch, then the tags" an order a power cut keeps.
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("git: sync: %w", err)
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("git: sync: %w", err)
	}
	return nil
}
