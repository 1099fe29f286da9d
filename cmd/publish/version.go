package main

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
)

// binaryVersion identifies this build of publish: the Go build ID the
// linker wrote into the executable, which changes with any change to the
// code, the templates embedded with it or the libraries it links. Cached
// results (records parsed, datasets built, a site) are reused only by the
// build that made them, since another may parse, write or render
// differently. An executable without a build ID note (not ELF) is named
// by its size and time instead; "" when neither can be read, which
// reuses nothing.
var binaryVersion = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if f, err := elf.Open(exe); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			if b, err := s.Data(); err == nil && len(b) > 0 {
				sum := sha256.Sum256(b)
				return "go-buildid:" + hex.EncodeToString(sum[:16])
			}
		}
	}
	info, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("exe:%s:%d:%d", exe, info.Size(), info.ModTime().UnixNano())
})
