// Package mirror holds the bundled offline mirror: small sample files in the
// publishers' real formats, laid out by the URLs they are published at (see
// files/README.md). collect.MirrorTransport serves it in place of the
// network, so the whole pipeline runs offline. Data read from it is sample
// data.
package mirror

import (
	"embed"
	"io/fs"
)

// The all: prefix keeps files whose names start with "." or "_", which a
// mirrored URL may have.
//
//go:embed all:files
var files embed.FS

// FS is the mirror, rooted at the files folder: it holds <host>/<path> for
// each mirrored URL and a README.md at its root, where no URL maps.
var FS fs.FS = sub(files, "files")

func sub(fsys fs.FS, dir string) fs.FS {
	s, err := fs.Sub(fsys, dir)
	if err != nil {
		// fs.Sub fails only for an invalid name, and dir is a constant.
		panic(err)
	}
	return s
}
