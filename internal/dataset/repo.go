package dataset

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// The layout of a data repository: each dataset's files sit in a directory
// of their own under datasets/. The paths are slash-separated and relative
// to the repository's root, as git names them; filepath.FromSlash turns
// them into the working tree's.
const DatasetsDir = "datasets"

// DirPath returns the directory of dataset name: datasets/NAME.
func DirPath(name string) string { return DatasetsDir + "/" + name }

// ParquetPath returns the Parquet file of dataset name:
// datasets/NAME/NAME.parquet.
func ParquetPath(name string) string { return DirPath(name) + "/" + name + ".parquet" }

// DescriptorPath returns the descriptor of dataset name:
// datasets/NAME/datapackage.json.
func DescriptorPath(name string) string { return DirPath(name) + "/" + DescriptorFile }

// ReadmePath returns the README of dataset name: datasets/NAME/README.md.
func ReadmePath(name string) string { return DirPath(name) + "/README.md" }

// ObjectID names a git object (a commit, a tree or a blob) by its SHA-1
// hash. The zero ObjectID names nothing.
type ObjectID [20]byte

// ParseObjectID parses the 40 hexadecimal digits of an object id.
func ParseObjectID(s string) (ObjectID, error) {
	var id ObjectID
	if len(s) != 2*len(id) {
		return id, fmt.Errorf("dataset: object id %q: want %d hexadecimal digits", s, 2*len(id))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return ObjectID{}, fmt.Errorf("dataset: object id %q: %w", s, err)
	}
	return id, nil
}

// String returns the id's 40 hexadecimal digits.
func (id ObjectID) String() string { return hex.EncodeToString(id[:]) }

// Short returns the id's first 10 hexadecimal digits.
func (id ObjectID) Short() string { return id.String()[:10] }

// IsZero reports whether id names nothing.
func (id ObjectID) IsZero() bool { return id == ObjectID{} }

// Commit is a commit of a data repository: a version of the datasets it
// changed.
type Commit struct {
	ID      ObjectID
	Parents []ObjectID
	Time    time.Time // the committer's time
	Message string
}

// Signature names the author of a commit or a tag.
type Signature struct {
	Name, Email string
	When        time.Time
}

// ErrNoRepo reports a directory that is not a git repository.
var ErrNoRepo = errors.New("not a git repository")

// ErrCorrupt reports an object whose content does not hash to its id, or
// that cannot be read at all although the repository names it. The error
// wrapping it names the object.
var ErrCorrupt = errors.New("corrupt git object")

// Repo is a data repository: a git repository whose datasets directory
// holds the published datasets, one commit per version. Package
// dataset/git implements it; the stages and the site use it through this
// interface, so that only that package knows how git stores things.
//
// Every object a Repo reads is verified against its id before it is used:
// bytes that do not hash to the id they were asked for are never returned,
// the error wraps ErrCorrupt and names the object. A Repo is not safe for
// concurrent use.
type Repo interface {
	// Dir returns the repository's working-tree root.
	Dir() string

	// Head returns the commit HEAD points at, or nil (and no error) when
	// the branch has no commits yet.
	Head() (*Commit, error)

	// Log returns the commits that changed anything under the
	// slash-separated directory dir, newest first, following first
	// parents from HEAD. It is empty when the branch has no commits.
	Log(dir string) ([]Commit, error)

	// Stat returns the id of the blob at the slash-separated path in
	// commit, or an error wrapping os.ErrNotExist when the commit has no
	// file there. It reads trees, never the blob.
	Stat(commit ObjectID, path string) (ObjectID, error)

	// ReadBlob returns the content of blob id, verified. A blob the
	// repository does not have is an error wrapping ErrCorrupt: ids come
	// from the repository's own trees.
	ReadBlob(id ObjectID) ([]byte, error)

	// OpenBlob returns the content of blob id, verified, as ReadBlob does,
	// but in a temporary file rather than in memory: a Parquet file is
	// read at random, a row group at a time, and a reader of two versions
	// of a large dataset then holds neither whole. The caller must Close
	// the Blob.
	OpenBlob(id ObjectID) (*Blob, error)

	// ReadFile returns the content of the file at path in commit, verified;
	// an error wrapping os.ErrNotExist when the commit has no such file.
	ReadFile(commit ObjectID, path string) ([]byte, error)

	// Changes returns the files under the given slash-separated
	// directories whose working-tree content differs from HEAD: added,
	// modified or deleted, sorted.
	Changes(dirs ...string) ([]string, error)

	// Commit records the working-tree content of the given slash-separated
	// files (a missing file is recorded as deleted) on top of HEAD, and
	// nothing else: whatever else a user changed or staged is neither
	// committed nor unstaged. It returns the new commit's id. It fails,
	// committing nothing, if HEAD moved while it ran.
	Commit(files []string, message string, sig Signature) (ObjectID, error)

	// Tag creates an annotated tag name on commit. An existing tag of that
	// name is an error.
	Tag(name string, commit ObjectID, message string, sig Signature) error

	// TagTarget returns the commit the tag name points at, or an error
	// wrapping os.ErrNotExist when there is no such tag.
	TagTarget(name string) (ObjectID, error)

	// Close releases what the Repo holds open (such as a git process that
	// reads objects). The Repo must not be used afterwards.
	Close() error
}

// Blob is the verified content of a git blob in a temporary file, read at
// random without being held in memory. It is an io.ReaderAt and an
// io.ReadSeeker, as Parquet readers want.
type Blob struct {
	id   ObjectID
	f    *os.File
	size int64
	name string // the file to remove at Close, where it could not be removed at once
}

// NewBlob returns the Blob of id held in f, for implementations of Repo:
// f must hold exactly the blob's verified content. NewBlob removes the file
// from its directory at once where the system allows (it stays readable
// until Close), so that no crash leaves it behind; elsewhere Close
// removes it.
func NewBlob(id ObjectID, f *os.File) (*Blob, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("dataset: blob %s: %w", id, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("dataset: blob %s: %w", id, err)
	}
	b := &Blob{id: id, f: f, size: fi.Size()}
	if os.Remove(f.Name()) != nil {
		b.name = f.Name()
	}
	return b, nil
}

// ID returns the blob's id.
func (b *Blob) ID() ObjectID { return b.id }

// Size returns the blob's size in bytes.
func (b *Blob) Size() int64 { return b.size }

// ReadAt reads len(p) bytes from offset off.
func (b *Blob) ReadAt(p []byte, off int64) (int, error) { return b.f.ReadAt(p, off) }

// Read reads from the current offset.
func (b *Blob) Read(p []byte) (int, error) { return b.f.Read(p) }

// Seek sets the offset of the next Read.
func (b *Blob) Seek(off int64, whence int) (int64, error) { return b.f.Seek(off, whence) }

// Close closes the blob's file, which removes it.
func (b *Blob) Close() error {
	err := b.f.Close()
	if b.name != "" {
		if rerr := os.Remove(b.name); err == nil {
			err = rerr
		}
	}
	return err
}
