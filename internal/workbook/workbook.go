// Package workbook reads xlsx workbooks from publishers with bounded memory.
// It wraps excelize, whose whole-sheet functions (GetCellStyle, GetCellValue)
// unmarshal a worksheet into structures ten to twenty times its size, so that
// a 37 MB workbook whose sheet unpacks to 480 MB costs gigabytes, and whose
// streaming reader drops what it cannot read without a word (an XML error
// ends the rows; a bad cell reference, style or shared-string index loses
// the cell). Here:
//
//   - Open checks the archive against a limit before excelize reads it (see
//     collect.OpenZip): what it unpacks to in all, counting each member as
//     at least 16 KiB; and each part excelize reads whole into memory
//     (shared strings, styles, the workbook, relationships: everything but
//     the worksheets) at most 1/16 of the limit. It passes the limit on as
//     excelize's UnzipSizeLimit, and 1/16 of it as UnzipXMLSizeLimit, so
//     larger worksheets are unpacked to temporary files and streamed.
//   - ReadSheet reads a sheet with excelize's streaming row reader, after a
//     pass of its own over the sheet's XML that rejects what that reader
//     would misread (malformed XML, rows or cells out of order, a style or
//     shared-string index that is not one) and bounds nesting and the size
//     of a single tag; the same pass reads each cell's style, for the
//     callers that need it (SIPRI's estimate flags are font colours).
//   - The cells read from a workbook count against the same limit, so a
//     small sheet that expands when read (a cell in column XFD of every
//     row, one long shared string referenced a million times) fails too.
//
// Every limit error is a *collect.UnpackError naming the source setting that
// raises it (max_unpacked).
package workbook

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/collect"
)

// wholeShare is the share of the limit (1/wholeShare) that one part read
// whole may take.
const wholeShare = 16

// ErrFormat is wrapped by the errors for a workbook that cannot be read as
// one: not an archive, parts missing or malformed.
var ErrFormat = errors.New("not a readable xlsx workbook")

// File is a workbook open for reading. It is not safe for concurrent use.
type File struct {
	x      *excelize.File
	zr     *zip.Reader
	parts  map[string]*zip.File // by name, with "\" written "/"
	sheets map[string]string    // sheet name -> worksheet part
	limit  int64
	used   int64   // bytes of cells and styles read so far, against limit
	sst    []int64 // the length of each shared string
}

// Open opens the workbook in r, of size bytes, to read at most limit bytes
// out of it (see the package documentation). Close the File when done: it
// removes excelize's temporary files.
func Open(r io.ReaderAt, size, limit int64) (f *File, err error) {
	defer recoverInto(&err, "open")
	zr, err := collect.OpenZip(r, size, limit)
	if err != nil {
		if errors.Is(err, collect.ErrUnpackLimit) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s", ErrFormat, readable(err))
	}
	whole := max(limit/wholeShare, 1)
	f = &File{zr: zr, parts: make(map[string]*zip.File, len(zr.File)), limit: limit}
	for _, p := range zr.File {
		name := strings.ReplaceAll(p.Name, `\`, "/")
		f.parts[name] = p
		if !isWorksheet(name) && p.UncompressedSize64 > uint64(whole) {
			return nil, &collect.UnpackError{What: "workbook part " + name, Size: int64(min(p.UncompressedSize64, 1<<62)),
				Limit: whole, Share: wholeShare}
		}
	}
	x, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    limit,
		UnzipXMLSizeLimit: whole,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrFormat, readable(err))
	}
	f.x = x
	defer func() {
		if err != nil {
			x.Close()
		}
	}()
	if f.sheets, err = f.sheetParts(); err != nil {
		return nil, err
	}
	if f.sst, err = f.sharedStringLengths(); err != nil {
		return nil, err
	}
	return f, nil
}

// isWorksheet reports whether excelize treats the part as a worksheet, which
// it streams from a temporary file when large, rather than reading it whole.
func isWorksheet(name string) bool {
	return strings.HasPrefix(strings.ToLower(name), "xl/worksheets/sheet")
}

// Close removes excelize's temporary files.
func (f *File) Close() error { return f.x.Close() }

// Sheets returns the names of the sheets, in workbook order.
func (f *File) Sheets() []string { return f.x.GetSheetList() }

// Style returns the style of style ID id, as excelize describes it.
func (f *File) Style(id int) (s *excelize.Style, err error) {
	defer recoverInto(&err, "style")
	return f.x.GetStyle(id)
}

// BaseColor returns the six-digit RGB colour of a colour given as RGB, a
// palette index (the workbook's own palette first) or a theme colour, as
// excelize's GetBaseColor does.
func (f *File) BaseColor(hex string, indexed int, theme *int) string {
	return f.x.GetBaseColor(hex, indexed, theme)
}

// readable returns v as text with each byte that is not UTF-8 written
// \xNN: errors of encoding/xml and excelize quote the workbook's bytes, and
// error messages reach the sources page.
func readable(v any) string { return collect.PrintableText(fmt.Sprint(v)) }

// recoverInto turns a panic of excelize on a malformed workbook into an
// error, so that a publisher's file cannot stop the run.
func recoverInto(err *error, op string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %s: the xlsx reader failed: %s", ErrFormat, op, readable(r))
	}
}
