//go:build !linux

package site

import "errors"

// exchange is not available: SwapIn renames twice.
func exchange(a, b string) error { return errors.ErrUnsupported }
