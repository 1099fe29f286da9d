package generic

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// textEncoding returns the decoder of a text encoding setting: "" or
// utf-8, utf-16 (byte order from the byte-order mark, little-endian
// without one), utf-16le, utf-16be, or any WHATWG label such as
// windows-1252, iso-8859-1 (read as windows-1252, as browsers do) or
// iso-8859-15. It returns nil for UTF-8.
func textEncoding(name string) (encoding.Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "utf-16":
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), nil
	case "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), nil
	case "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), nil
	}
	e, err := htmlindex.Get(name)
	if err != nil {
		return nil, fmt.Errorf("encoding %q: want utf-8, utf-16, utf-16le, utf-16be, windows-1252, iso-8859-1 or another WHATWG encoding name", name)
	}
	return e, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// decodeText returns b as UTF-8, decoded with enc (nil for UTF-8), without
// a byte-order mark. UTF-8 that is not valid is an error wrapping
// ErrFormat: it is a file in another encoding, or not text.
func decodeText(b []byte, enc encoding.Encoding) ([]byte, error) {
	if enc == nil {
		b = bytes.TrimPrefix(b, utf8BOM)
		if !utf8.Valid(b) {
			hint := ""
			if bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
				hint = " (it starts with a UTF-16 byte-order mark: set encoding = \"utf-16\")"
			}
			return nil, fmt.Errorf("not UTF-8 text%s: %w", hint, ErrFormat)
		}
		return b, nil
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("decode text: %v: %w", err, ErrFormat)
	}
	return bytes.TrimPrefix(out, utf8BOM), nil
}
