package collect

import (
	"archive/zip"
	"bytes"
	"strings"
)

// Tests of what a body holds, read from its bytes. Collectors sniff rather
// than trust Content-Type: servers send workbooks and archives as
// application/octet-stream, and error pages as anything.

// IsZip reports whether b starts as a zip archive does: with a local file
// header, or with the end record of an archive that holds no file. It does
// not check that the rest can be read.
func IsZip(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06"))
}

// IsXLSX reports whether b is an xlsx workbook: a zip archive that can be
// read and holds the part xl/workbook.xml. An archive of more members than
// DefaultMaxUnpacked allows is reported as a workbook without reading its
// directory, which archive/zip reads whole into memory: the reader then
// fails on it with an error naming the limit (see OpenZip).
func IsXLSX(b []byte) bool {
	if !IsZip(b) {
		return false
	}
	if n, err := countEntries(bytes.NewReader(b), int64(len(b))); err != nil || n*partCost > DefaultMaxUnpacked {
		return err == nil
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		// OOXML part names compare case-insensitively.
		if strings.EqualFold(f.Name, "xl/workbook.xml") {
			return true
		}
	}
	return false
}

// Head returns the first 32 bytes of b, or all of b when shorter, for an
// error that shows what a body holds instead of what was expected (format
// it with %q).
func Head(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}
