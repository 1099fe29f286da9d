package collect

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on what a document expands to when it is read. A fetched body is
// bounded by fetch.max_body; what it unpacks to (a ZIP's members, a
// workbook's sheets, the cells read from them) is bounded by the source's
// max_unpacked, so that an archive built to expand (37 MB that unpack to
// 480 MB) fails with an error naming the setting instead of filling memory.

// DefaultMaxUnpacked is the most a document may unpack to when a source does
// not set max_unpacked: about 35 times what the largest real workbook read
// here unpacks to (SIPRI's and the GPI's, 3.5 MB each).
const DefaultMaxUnpacked = 128 << 20

// UnpackSetting is the name of the setting, in a source's entry of the
// sources file, that raises the limit.
const UnpackSetting = "max_unpacked"

// ErrUnpackLimit is wrapped by every *UnpackError.
var ErrUnpackLimit = errors.New("document unpacks beyond the limit")

// UnpackError reports a document that expands beyond its limit.
type UnpackError struct {
	// What names what was being read: "the zip", "zip member data.csv",
	// "the cells of sheet \"Current US$\"", "workbook part xl/styles.xml".
	What string
	// Size is how large What is, or would have grown, in bytes; 0 when
	// unknown (reading stopped at the limit).
	Size int64
	// Limit is the limit passed over. Share, when above 1, says that
	// Limit is that fraction of max_unpacked (1/Share): the limit of a
	// workbook part read whole.
	Limit int64
	Share int64
}

func (e *UnpackError) Error() string {
	size := "unpacks to more than"
	if e.Size > 0 {
		size = FormatBytes(e.Size) + " unpacked, more than"
	}
	limit := fmt.Sprintf("%s (%s)", FormatBytes(e.Limit), UnpackSetting)
	if e.Share > 1 {
		limit = fmt.Sprintf("%s (1/%d of %s = %s)", FormatBytes(e.Limit), e.Share, UnpackSetting, FormatBytes(e.Limit*e.Share))
	}
	return fmt.Sprintf("%s: %s %s; if the file is genuine, raise %s in the source's entry in sources.toml",
		e.What, size, limit, UnpackSetting)
}

func (e *UnpackError) Unwrap() error { return ErrUnpackLimit }

// FormatBytes writes n in the largest binary unit that keeps it at least 1:
// 512 B, 37.0 MiB.
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// partCost is what each member of an archive counts against the limit
// beyond its size: the directory entry, which archive/zip reads into
// memory for every member (about 200 bytes), is far cheaper, but a
// directory of millions of empty members is an attack, never a document.
const partCost = 16 << 10

// centralHeader is the signature of a zip directory entry.
var centralHeader = []byte("PK\x01\x02")

// OpenZip opens the zip archive r of size bytes for reading at most limit
// bytes out of it: the members' sizes as their headers state them (which
// archive/zip holds the data to) must sum to at most limit, counting each
// member as at least 16 KiB. Two members of one name are an error, since
// readers disagree on which one counts. It checks the number of directory
// entries before archive/zip reads the directory, which it does whole.
func OpenZip(r io.ReaderAt, size, limit int64) (*zip.Reader, error) {
	n, err := countEntries(r, size)
	if err != nil {
		return nil, err
	}
	if n*partCost > limit {
		return nil, &UnpackError{What: fmt.Sprintf("the zip's %d members, at 16 KiB each", n), Size: n * partCost, Limit: limit}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(zr.File))
	var total int64
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		if seen[name] {
			return nil, fmt.Errorf("zip: two members named %q", name)
		}
		seen[name] = true
		total += max(int64(f.UncompressedSize64), 0) + partCost
		if f.UncompressedSize64 > uint64(limit) || total > limit {
			return nil, &UnpackError{What: "the zip", Size: zipSize(zr), Limit: limit}
		}
	}
	return zr, nil
}

// zipSize returns the sum of the sizes of zr's members, as stated.
func zipSize(zr *zip.Reader) int64 {
	var n uint64
	for _, f := range zr.File {
		n += f.UncompressedSize64
	}
	return int64(min(n, 1<<62))
}

// countEntries counts the directory entries that a zip reader could read
// from r: every occurrence of their signature, which is at least that.
func countEntries(r io.ReaderAt, size int64) (int64, error) {
	const chunk = 1 << 20
	buf := make([]byte, chunk+len(centralHeader)-1)
	var n int64
	for off := int64(0); off < size; off += chunk {
		m, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("zip: %w", err)
		}
		// The overlap counts a signature across two chunks once: in the
		// chunk where it starts.
		n += int64(bytes.Count(buf[:m], centralHeader))
		if m > chunk {
			n -= int64(bytes.Count(buf[chunk:m], centralHeader))
		}
	}
	return n, nil
}

// ReadZipMember returns the content of f, a member of a reader OpenZip
// returned, failing if it is larger than limit bytes (which its header,
// checked against the data by archive/zip, already tells).
func ReadZipMember(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, &UnpackError{What: "zip member " + f.Name, Size: int64(min(f.UncompressedSize64, 1<<62)), Limit: limit}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("zip member %s: %w", f.Name, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	buf.Grow(int(f.UncompressedSize64) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(rc, limit+1)); err != nil {
		return nil, fmt.Errorf("zip member %s: %w", f.Name, err)
	}
	if int64(buf.Len()) > limit {
		return nil, &UnpackError{What: "zip member " + f.Name, Limit: limit}
	}
	return buf.Bytes(), nil
}
