package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode/utf32"
)

// Text documents arrive in the charset their publisher chose, declared (or
// not) in the Content-Type, a byte-order mark, an HTML <meta> or an XML
// declaration, and the declaration is sometimes wrong: a Latin-1 page
// declared as UTF-8 reads "D\xe9fense", which a parser turns into
// "D\uFFFDfense" and a site publishes. Text decodes a body to UTF-8 by what
// it declares, and where the bytes do not fit the declaration, it decodes
// them in the one charset they fit beyond doubt, with a warning, or fails;
// it never lets a replacement character in.

// ErrCharset is wrapped by the errors of Text for a body whose bytes are not
// text in its declared charset, nor in one they fit beyond doubt.
var ErrCharset = errors.New("text not valid in its declared charset")

// Text returns the body of doc as UTF-8, without a byte-order mark. The
// charset is the first of: a byte-order mark; the charset parameter of the
// Content-Type; an HTML <meta charset> or http-equiv in the first 1024
// bytes, or an XML declaration's encoding; else UTF-8. Labels are read as
// browsers read them (WHATWG: iso-8859-1 is windows-1252). When the bytes
// are not valid in that charset:
//
//   - if another of those declarations names a charset they are valid in,
//     they are decoded in it;
//   - else, declared UTF-8 (or nothing), if every byte that is not ASCII
//     reads as a letter or common punctuation in windows-1252 and none
//     forms a UTF-8 sequence, they are decoded as windows-1252 (Latin-1);
//   - declared a single-byte charset, if they are valid UTF-8 with
//     multi-byte characters, which read in that charset as mojibake
//     ("DÃ©fense"), they are decoded as UTF-8;
//
// and each of these is reported with Warn, naming the document, the
// charsets and a word as decoded, so the sources page shows it. Otherwise
// the error wraps ErrCharset and says where the first bad byte is. A body
// holding U+FFFD itself (its publisher's text was damaged before) is
// reported with Warn too.
func Text(ctx context.Context, doc *Document) ([]byte, error) {
	body := doc.Body
	decls := declarations(doc)
	if len(decls) == 0 {
		decls = []declaration{{label: "utf-8", from: "nothing (UTF-8 is assumed)", enc: nil}}
	}
	first := decls[0]
	out, bad := decode(body, first)
	if bad < 0 {
		return checked(ctx, doc, out), nil
	}
	declared := fmt.Sprintf("%s: the document does not read as %s, which %s declares", doc.URL, first.name(), first.from)
	for _, d := range decls[1:] {
		if d.name() == first.name() {
			continue
		}
		if out, b := decode(body, d); b < 0 {
			Warn(ctx, "%s; read as %s, which %s declares (%q)", declared, d.name(), d.from, sample(out))
			return checked(ctx, doc, out), nil
		}
	}
	switch {
	case first.enc == nil && latin1(body):
		out, _ := decode(body, declaration{enc: charmap.Windows1252})
		Warn(ctx, "%s; read as windows-1252 (Latin-1), the one charset its bytes fit (%q)", declared, sample(out))
		return checked(ctx, doc, out), nil
	case mojibake(body, first):
		out, _ := decode(body, declaration{})
		Warn(ctx, "%s: its bytes are UTF-8, which would read as mojibake in %s; read as UTF-8 (%q)", declared, first.name(), sample(out))
		return checked(ctx, doc, out), nil
	}
	bad = min(bad, len(body))
	return nil, fmt.Errorf("%s: %w: %s, which %s declares; first bad byte at offset %d (%q)",
		doc.URL, ErrCharset, first.name(), first.from, bad, Head(body[bad:]))
}

// mojibake reports whether body, declared in a single-byte charset, is
// UTF-8 beyond doubt: valid, with multi-byte characters.
func mojibake(body []byte, d declaration) bool {
	if d.enc == nil || !singleByte(d.enc) || !utf8.Valid(body) {
		return false
	}
	for _, b := range body {
		if b >= 0x80 {
			return true
		}
	}
	return false
}

// checked warns about replacement characters already in a decoded body.
func checked(ctx context.Context, doc *Document, out []byte) []byte {
	if n := bytes.Count(out, []byte("\uFFFD")); n > 0 {
		Warn(ctx, "%s: the document holds %d replacement characters (U+FFFD): its text was damaged before it was published", doc.URL, n)
	}
	return out
}

// declaration is a charset a document declares.
type declaration struct {
	label string
	from  string            // where: "its Content-Type", "its <meta>"...
	enc   encoding.Encoding // nil for UTF-8
}

func (d declaration) name() string {
	if d.enc == nil {
		return "UTF-8"
	}
	if n, err := htmlindex.Name(d.enc); err == nil {
		return n
	}
	return d.label
}

// Byte-order marks, which decide the charset when present.
var boms = []struct {
	bom   []byte
	label string
}{
	{[]byte("\xef\xbb\xbf"), "utf-8"},
	{[]byte("\x00\x00\xfe\xff"), "utf-32be"},
	{[]byte("\xff\xfe\x00\x00"), "utf-32le"},
	{[]byte("\xfe\xff"), "utf-16be"},
	{[]byte("\xff\xfe"), "utf-16le"},
}

var (
	metaCharset = regexp.MustCompile(`(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)`)
	xmlEncoding = regexp.MustCompile(`^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)
)

// declarations returns what doc declares of its charset, in order of
// precedence; labels no charset answers to are left out.
func declarations(doc *Document) []declaration {
	var out []declaration
	add := func(label, from string) {
		e, ok := lookup(label)
		if ok {
			out = append(out, declaration{label: label, from: from, enc: e})
		}
	}
	for _, b := range boms {
		if bytes.HasPrefix(doc.Body, b.bom) {
			add(b.label, "its byte-order mark")
			return out // a byte-order mark decides
		}
	}
	if _, params, err := mime.ParseMediaType(doc.Header.Get("Content-Type")); err == nil && params["charset"] != "" {
		add(params["charset"], "its Content-Type")
	}
	head := doc.Body[:min(len(doc.Body), 1024)]
	if m := xmlEncoding.FindSubmatch(head); m != nil {
		add(string(m[1]), "its XML declaration")
	} else if m := metaCharset.FindSubmatch(head); m != nil {
		add(string(m[1]), "its <meta>")
	}
	return out
}

// lookup returns the encoding of a charset label, nil for UTF-8.
func lookup(label string) (encoding.Encoding, bool) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "unicode-1-1-utf-8":
		return nil, true
	case "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM), true
	case "utf-32be":
		return utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM), true
	}
	e, err := htmlindex.Get(label)
	if err != nil || e == encoding.Replacement {
		return nil, false
	}
	if n, _ := htmlindex.Name(e); n == "utf-8" {
		return nil, true
	}
	return e, true
}

// decode decodes body as d says, without a byte-order mark, and returns the
// offset of the first byte not valid in it, or -1.
func decode(body []byte, d declaration) ([]byte, int) {
	if d.enc == nil {
		b := bytes.TrimPrefix(body, boms[0].bom)
		if utf8.Valid(b) {
			return b, -1
		}
		return nil, invalidAt(b) + len(body) - len(b)
	}
	if mojibake(body, d) {
		return nil, 0
	}
	out, err := d.enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, 0
	}
	// Decoders write U+FFFD for bytes not valid in their charset.
	if n := bytes.Count(out, []byte("\uFFFD")); n > bytes.Count(body, []byte("\uFFFD")) {
		return nil, bytes.Index(out, []byte("\uFFFD")) // an offset in the output, near enough to look at
	}
	return bytes.TrimPrefix(out, boms[0].bom), -1
}

// singleByte reports whether e is a single-byte charset (windows-1252,
// ISO-8859-*, KOI8...).
func singleByte(e encoding.Encoding) bool {
	_, ok := e.(*charmap.Charmap)
	return ok
}

// invalidAt returns the offset of the first byte of b that is not valid
// UTF-8.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// latin1 reports whether b, not valid UTF-8, is windows-1252 beyond doubt:
// no byte outside ASCII starts a valid UTF-8 sequence, and each reads in
// windows-1252 as a letter or as the punctuation, symbols and spaces of
// Western text; and b holds no control character but tab, line feed,
// form feed and carriage return.
func latin1(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' {
				return false
			}
			continue
		}
		if r, n := utf8.DecodeRune(b[i:]); r != utf8.RuneError && n > 1 {
			return false // UTF-8 beside Latin-1: a damaged document
		}
		r := charmap.Windows1252.DecodeByte(c)
		if !unicode.IsLetter(r) && !strings.ContainsRune(westernMarks, r) {
			return false
		}
	}
	return true
}

// westernMarks are the characters beside letters that windows-1252 text
// holds outside ASCII.
const westernMarks = "\u00a0\u00ad‘’‚“”„–—…•·«»‹›°±×÷§¶©®™€£¥¢¡¿¤¦¨´¸ªº¹²³¼½¾µ†‡‰"

// sample returns the first word of b that is not ASCII, to show in a
// warning how the text reads.
func sample(b []byte) string {
	for _, w := range strings.Fields(string(b)) {
		for _, r := range w {
			if r >= 0x80 {
				if len(w) > 40 {
					return w[:40]
				}
				return w
			}
		}
	}
	return ""
}

// TextFetcher is a fetcher for collectors that read text (HTML, XML, JSON,
// CSV): it returns each document with its body decoded to UTF-8 by Text.
// Documents in a format that is not text (archives, workbooks, PDFs; see
// isBinary) pass as they are. The returned document's SHA256 remains that of the body as sent.
// Warnings go to the context of the Fetch call.
type TextFetcher struct {
	Next Fetcher
}

// Fetch implements Fetcher.
func (f TextFetcher) Fetch(ctx context.Context, req *Request) (*Document, error) {
	d, err := f.Next.Fetch(ctx, req)
	if err != nil || d == nil || isBinary(d.Body) {
		return d, err
	}
	text, err := Text(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	c := *d
	c.Body = text
	return &c, nil
}

// DeclareUTF8 returns an XML body that Text (or TextFetcher) has decoded to
// UTF-8 with the encoding its XML declaration names changed to UTF-8, so
// that an XML parser that honours the declaration, as feed parsers do,
// does not decode it a second time ("Défense" read as Latin-1 is
// "DÃ©fense"). A byte-order mark is dropped too.
func DeclareUTF8(body []byte) []byte {
	body = bytes.TrimPrefix(body, boms[0].bom)
	m := xmlEncoding.FindSubmatchIndex(body)
	if m == nil {
		return body
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:m[2]]...)
	out = append(out, "UTF-8"...)
	return append(out, body[m[3]:]...)
}

// isBinary reports whether b is a document in a format that is not text:
// an archive (a workbook, a ZIP, gzip), a PDF or a legacy Office file. Any
// other body is read as text: one that is not (a NUL and a stray byte in an
// HTML page) fails Text, where a collector expecting text would read it as
// UTF-8.
func isBinary(b []byte) bool {
	return IsZip(b) || bytes.HasPrefix(b, []byte("%PDF-")) || bytes.HasPrefix(b, []byte("\x1f\x8b")) ||
		bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0"))
}
