package gpi

import "bytes"

// parseBytes parses a workbook held in memory.
func parseBytes(b []byte) ([]Record, Stats, error) {
	return Parse(bytes.NewReader(b), int64(len(b)))
}
