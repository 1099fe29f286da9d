package collect

import (
	"errors"
	"fmt"
	"testing"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	base := errors.New("wrong indicator")
	err := Printable(fmt.Errorf("line 31: indicator MS.}\xc1e\xfdMIL, not MS.MIL — ok: %w", base))
	if want := `line 31: indicator MS.}\xc1e\xfdMIL, not MS.MIL — ok: wrong indicator`; err.Error() != want {
		t.Errorf("Printable = %q, want %q", err.Error(), want)
	}
	if !utf8.ValidString(err.Error()) || !errors.Is(err, base) {
		t.Errorf("Printable(%v): valid %v, Is %v", err, utf8.ValidString(err.Error()), errors.Is(err, base))
	}
	if Printable(nil) != nil || Printable(base) != base {
		t.Error("Printable changed a nil or valid error")
	}
}
