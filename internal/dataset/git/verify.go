package git

import (
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage"

	"github.com/defence-transparency/publish/internal/dataset"
)

// verified is storage whose objects are checked against their ids as they
// are read: go-git itself trusts what it reads, and a damaged or wrongly
// resolved object would otherwise become a wrong tree, a wrong commit or a
// wrong diff. It reads each object whole, hashes it, and returns the bytes
// it hashed, so that nothing read later can differ from what was checked.
// Commits and trees, the objects go-git reads for us, are small; blobs are
// read by blobReader, which verifies them itself.
type verified struct {
	storage.Storer
	fs billy.Filesystem // the git directory; nil for storage not on disk
}

func (s verified) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	obj, err := s.Storer.EncodedObject(t, h)
	if err != nil {
		return nil, err
	}
	b, err := readObject(obj, h)
	if err != nil {
		return nil, err
	}
	m := &plumbing.MemoryObject{}
	m.SetType(obj.Type())
	if _, err := m.Write(b); err != nil {
		return nil, err
	}
	return m, nil
}

// readObject reads obj, which the storage returned for id h, whole and
// checks that its type, size and content hash to h.
func readObject(obj plumbing.EncodedObject, h plumbing.Hash) ([]byte, error) {
	size := obj.Size()
	if size < 0 {
		return nil, corrupt(obj.Type(), h, fmt.Errorf("negative size %d", size))
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, corrupt(obj.Type(), h, err)
	}
	defer rd.Close()
	// One allocation of the size the object states, rather than
	// ReadAll's doublings: blobs run to tens of megabytes.
	b := make([]byte, size)
	if _, err := io.ReadFull(rd, b); err != nil {
		return nil, corrupt(obj.Type(), h, fmt.Errorf("%d bytes stated: %w", size, err))
	}
	if n, _ := rd.Read(make([]byte, 1)); n > 0 {
		return nil, corrupt(obj.Type(), h, fmt.Errorf("more than the %d bytes stated", size))
	}
	if err := check(obj.Type(), h, b); err != nil {
		return nil, err
	}
	return b, nil
}

// check returns an error wrapping dataset.ErrCorrupt unless the object of
// type t and content b has id h.
func check(t plumbing.ObjectType, h plumbing.Hash, b []byte) error {
	if got := plumbing.ComputeHash(t, b); got != h {
		return corrupt(t, h, fmt.Errorf("its %d bytes hash to %s", len(b), got))
	}
	return nil
}

func corrupt(t plumbing.ObjectType, h plumbing.Hash, err error) error {
	return &corruptError{typ: t.String(), id: id(h), err: err}
}

// corruptError names an object that could not be read as its id promises.
// It is dataset.ErrCorrupt to errors.Is.
type corruptError struct {
	typ string // blob, tree, commit or tag
	id  dataset.ObjectID
	err error // what was wrong
}

func (e *corruptError) Error() string {
	return fmt.Sprintf("%s %s: %v: %v", e.typ, e.id, dataset.ErrCorrupt, e.err)
}

func (e *corruptError) Is(target error) bool { return target == dataset.ErrCorrupt }

// Hint says what to do, for the CLI to print.
func (e *corruptError) Hint() string {
	return "the data repository is damaged (nothing from the damaged object was used); " +
		"run git fsck --full in it to see what is broken, and restore the object from a clone or from the remote (git fetch)"
}

func (e *corruptError) Unwrap() error { return e.err }

// sink receives a blob's content: open is called once the size is known,
// and returns where to write it.
type sink func(size int64) (io.Writer, error)

// copyVerified copies the size bytes of blob h from r to the writer open
// returns, hashing them on the way, and fails unless they hash to h. What
// it wrote must not be used when it fails. Its errors say whose fault it
// was: a *writeError is the destination's, a *corruptError says that all
// the content was read and is not blob h, anything else is r's.
func copyVerified(r io.Reader, h plumbing.Hash, size int64, open sink) error {
	w, err := open(size)
	if err != nil {
		return &writeError{err}
	}
	dst := &recorder{w: w}
	hasher := plumbing.NewHasher(plumbing.BlobObject, size)
	n, err := io.CopyN(io.MultiWriter(dst, hasher), r, size)
	if dst.err != nil {
		return &writeError{dst.err}
	}
	if err != nil {
		return fmt.Errorf("%d of %d bytes: %w", n, size, err)
	}
	if got := hasher.Sum(); got != h {
		return corrupt(plumbing.BlobObject, h, fmt.Errorf("its %d bytes hash to %s", size, got))
	}
	return nil
}

// writeError is a failure to store what was read.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// recorder keeps the first error of the writer it wraps.
type recorder struct {
	w   io.Writer
	err error
}

func (r *recorder) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}

// blobReader reads blobs verified: through "git cat-file" where the git
// CLI works, else through go-git.
type blobReader struct {
	gitDir string
	store  storage.Storer
	cli    *catFile // started at the first read
	noCLI  bool     // the CLI is missing or refused this repository
}

func newBlobReader(gitDir string, store storage.Storer) blobReader {
	return blobReader{gitDir: gitDir, store: store}
}

// read copies blob h to the writer open returns, verified (see
// copyVerified).
func (b *blobReader) read(h plumbing.Hash, open sink) error {
	if !b.noCLI {
		err := b.readCLI(h, open)
		if !errors.Is(err, errNoCLI) {
			return err
		}
		b.noCLI = true
	}
	return b.readGoGit(h, open)
}

// readGoGit reads a blob with go-git, whose default storage resolves
// deltas in memory.
func (b *blobReader) readGoGit(h plumbing.Hash, open sink) error {
	obj, err := b.store.EncodedObject(plumbing.BlobObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return corrupt(plumbing.BlobObject, h, errors.New("not in the repository"))
	}
	if err != nil {
		return corrupt(plumbing.BlobObject, h, err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return corrupt(plumbing.BlobObject, h, err)
	}
	defer rd.Close()
	err = copyVerified(rd, h, obj.Size(), open)
	var we *writeError
	var ce *corruptError
	switch {
	case errors.As(err, &we) || errors.As(err, &ce):
		return err
	case err != nil:
		return corrupt(plumbing.BlobObject, h, err)
	}
	if n, _ := rd.Read(make([]byte, 1)); n > 0 {
		return corrupt(plumbing.BlobObject, h, fmt.Errorf("more than the %d bytes stated", obj.Size()))
	}
	return nil
}

// readCLI reads a blob through the git CLI, starting it at the first
// read. It returns errNoCLI when the CLI is not there or does not serve
// this repository (an unsafe owner, a format it does not know), so that
// go-git takes over.
func (b *blobReader) readCLI(h plumbing.Hash, open sink) error {
	if b.cli == nil {
		c, err := startCatFile(b.gitDir)
		if err != nil {
			return err
		}
		b.cli = c
	}
	err := b.cli.blob(h, open)
	if b.cli.cmd == nil { // it failed and ended: the next read starts another
		b.cli = nil
	}
	return err
}

func (b *blobReader) close() error {
	if b.cli == nil {
		return nil
	}
	err := b.cli.close()
	b.cli = nil
	return err
}
