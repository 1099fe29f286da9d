package git

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// errNoCLI says that the git CLI cannot serve the repository, so go-git
// reads the blobs instead.
var errNoCLI = errors.New("the git CLI does not serve this repository")

// catFile is one long-lived "git cat-file --batch": it answers a request
// (an object id on a line) with a header line ("<id> <type> <size>") and
// the object's content, or "<id> missing". It resolves deltas with git's
// own code and delta-base cache, which makes packed repositories as quick
// to read as loose ones. Its answers are verified like any other read.
type catFile struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *tail
	served int // objects answered so far
}

func startCatFile(gitDir string) (*catFile, error) {
	path, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNoCLI, err)
	}
	cmd := exec.Command(path, "--git-dir="+gitDir, "cat-file", "--batch")
	cmd.Env = gitEnv(os.Environ())
	c := &catFile{cmd: cmd, stderr: &tail{}}
	cmd.Stderr = c.stderr
	if c.in, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoCLI, err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNoCLI, err)
	}
	c.out = bufio.NewReaderSize(out, 1<<16)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoCLI, err)
	}
	return c, nil
}

// gitEnv returns env without the variables that would point git at
// another repository, object directory or index than the one asked for,
// and with replace refs off: the object asked for is the one wanted.
func gitEnv(env []string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GIT_") {
			out = append(out, kv)
		}
	}
	return append(out, "GIT_NO_REPLACE_OBJECTS=1")
}

// blob copies blob h to the writer open returns, verified (see
// copyVerified). A failure of the process before it answered anything is
// errNoCLI; after that, the object that could not be read is named in an
// error wrapping dataset.ErrCorrupt.
func (c *catFile) blob(h plumbing.Hash, open sink) error {
	fail := func(err error) error {
		c.close()
		if c.served == 0 {
			return fmt.Errorf("%w: %v%s", errNoCLI, err, c.stderr.text())
		}
		return corrupt(plumbing.BlobObject, h, fmt.Errorf("git cat-file: %v%s", err, c.stderr.text()))
	}
	if _, err := io.WriteString(c.in, h.String()+"\n"); err != nil {
		return fail(err)
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		return fail(err)
	}
	f := strings.Fields(line)
	if len(f) == 2 && f[0] == h.String() && f[1] == "missing" {
		c.served++
		return corrupt(plumbing.BlobObject, h, errors.New("not in the repository"))
	}
	if len(f) != 3 || f[0] != h.String() {
		return fail(fmt.Errorf("unexpected answer %q", line))
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return fail(fmt.Errorf("unexpected answer %q", line))
	}
	if f[1] != "blob" {
		// Skip the content, which is followed by a newline.
		if _, err := c.out.Discard(int(size) + 1); err != nil {
			return fail(err)
		}
		c.served++
		return corrupt(plumbing.BlobObject, h, fmt.Errorf("it is a %s, not a blob", f[1]))
	}
	werr := copyVerified(c.out, h, size, open)
	var ce *corruptError
	var we *writeError
	switch {
	case errors.As(werr, &we):
		// Not git's fault, but the answers are now out of step.
		c.close()
		return werr
	case werr != nil && !errors.As(werr, &ce):
		return fail(werr) // the content was not all read
	}
	if nl, err := c.out.ReadByte(); err != nil || nl != '\n' {
		return fail(fmt.Errorf("blob %d: no newline after the content", size))
	}
	c.served++
	return werr
}

// close ends the process: it exits when its input ends.
func (c *catFile) close() error {
	if c.cmd == nil {
		return nil
	}
	c.in.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		err = <-done
	}
	c.cmd = nil
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		// A process that failed has said why on stderr; what it answered
		// was verified, and a failed read was reported where it happened.
		return nil
	}
	return err
}

// tail keeps the end of what a process writes to stderr, for messages.
type tail struct {
	mu sync.Mutex
	b  []byte
}

const tailSize = 2048

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > tailSize {
		t.b = append(t.b[:0], t.b[len(t.b)-tailSize:]...)
	}
	return len(p), nil
}

// text returns what was written, as "; stderr: ..." or "".
func (t *tail) text() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return ""
	}
	return "; stderr: " + s
}
