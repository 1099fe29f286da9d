//go:build !linux

package dataset

import "errors"

// SyncFS reports errors.ErrUnsupported where syncfs(2) is not available:
// the caller syncs file by file, or relies on the order of its writes,
// which the system keeps for a killed process.
func SyncFS(string) error { return errors.ErrUnsupported }
