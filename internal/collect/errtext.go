package collect

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable returns err with every byte of its message that is not valid
// UTF-8 written as \xNN, so that a message quoting a hostile or damaged
// document (a member name, a code read from a cell) can be logged, kept
// in the run status and shown on the sources page as it is. errors.Is and
// errors.As still reach err.
func Printable(err error) error {
	if err == nil || utf8.ValidString(err.Error()) {
		return err
	}
	return printable{err}
}

type printable struct{ err error }

func (p printable) Error() string { return PrintableText(p.err.Error()) }
func (p printable) Unwrap() error { return p.err }

// PrintableText returns s with every byte that is not valid UTF-8 written
// as \xNN.
func PrintableText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
