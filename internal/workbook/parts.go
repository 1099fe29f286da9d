package workbook

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/net/html/charset"
)

// Where a sheet's cells are: the package's relationships (_rels/.rels) name
// the workbook part, the workbook lists the sheets with a relationship id
// each, and the workbook's relationships give each id's part. excelize
// resolves them the same way (getSheetMap), and the result is checked
// against its list of sheets, so that the pass over a sheet's XML reads the
// part excelize reads.

// Relationship types of the workbook part, transitional and strict.
const (
	officeDocument       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	strictOfficeDocument = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
)

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type workbookPart struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		ID   string `xml:"id,attr"` // r:id, in either namespace
	} `xml:"sheets>sheet"`
}

// sheetParts returns the worksheet part of each sheet, by name.
func (f *File) sheetParts() (map[string]string, error) {
	var root relationships
	if err := f.decodePart("_rels/.rels", &root); err != nil {
		return nil, err
	}
	wbPath := ""
	for _, r := range root.Rels {
		if r.Type == officeDocument || r.Type == strictOfficeDocument {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	parts := map[string]string{}
	if wbPath == "" {
		return parts, f.sameSheets(nil)
	}
	var wb workbookPart
	if err := f.decodePart(wbPath, &wb); err != nil {
		return nil, err
	}
	var rels relationships
	if err := f.decodePart(path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"), &rels); err != nil {
		return nil, err
	}
	var names []string
	for _, s := range wb.Sheets {
		for prev := range parts {
			if strings.EqualFold(prev, s.Name) {
				return nil, fmt.Errorf("%w: two sheets named %q and %q", ErrFormat, prev, s.Name)
			}
		}
		names = append(names, s.Name)
		// As excelize: the last relationship of the id whose part exists.
		for _, r := range rels.Rels {
			if r.ID != s.ID {
				continue
			}
			p := sheetPath(wbPath, r.Target)
			if _, ok := f.parts[p]; ok {
				parts[s.Name] = p
			}
		}
	}
	return parts, f.sameSheets(names)
}

// sheetPath returns the part a workbook relationship's target names, as
// excelize's getWorksheetPath does.
func sheetPath(wbPath, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(strings.ReplaceAll(path.Clean(target), `\`, "/"), "/")
	}
	return strings.TrimPrefix(strings.ReplaceAll(path.Clean(path.Dir(wbPath)+"/"+target), `\`, "/"), "/")
}

// sameSheets fails unless names are the sheets excelize lists, in order.
func (f *File) sameSheets(names []string) error {
	got := f.x.GetSheetList()
	if len(got) != len(names) {
		return fmt.Errorf("%w: the workbook lists sheets %q, read as %q", ErrFormat, names, got)
	}
	for i := range got {
		if got[i] != names[i] {
			return fmt.Errorf("%w: the workbook lists sheets %q, read as %q", ErrFormat, names, got)
		}
	}
	return nil
}

// decodePart decodes the XML part name, if the workbook has it, into v.
func (f *File) decodePart(name string, v any) error {
	p, ok := f.parts[name]
	if !ok {
		return nil
	}
	rc, err := p.Open()
	if err != nil {
		return fmt.Errorf("%w: part %s: %s", ErrFormat, name, readable(err))
	}
	defer rc.Close()
	if err := newDecoder(rc).Decode(v); err != nil && err != io.EOF {
		return fmt.Errorf("%w: part %s: %s", ErrFormat, name, readable(err))
	}
	return nil
}

// sharedStrings is the part excelize reads the shared strings from,
// whatever the relationships say.
const sharedStrings = "xl/sharedstrings.xml"

// sharedStringLengths returns the length of each entry of the
// shared-string table (the si elements under its root, as excelize reads
// them): the bytes of the text inside it, at least the length of the string
// excelize makes of it.
func (f *File) sharedStringLengths() ([]int64, error) {
	var part string
	for name := range f.parts {
		if strings.EqualFold(name, sharedStrings) {
			part = name
		}
	}
	if part == "" {
		return nil, nil
	}
	rc, err := f.parts[part].Open()
	if err != nil {
		return nil, fmt.Errorf("%w: part %s: %s", ErrFormat, part, readable(err))
	}
	defer rc.Close()
	d := newDecoder(rc)
	var lens []int64
	depth, in := 0, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return lens, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: part %s: %s", ErrFormat, part, readable(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return nil, fmt.Errorf("%w: part %s: elements nested deeper than %d", ErrFormat, part, maxDepth)
			}
			if depth == 2 && t.Name.Local == "si" {
				lens, in = append(lens, 0), true
			}
		case xml.CharData:
			if in {
				lens[len(lens)-1] += int64(len(t))
			}
		case xml.EndElement:
			if depth == 2 {
				in = false
			}
			depth--
		}
	}
}

// newDecoder returns an XML decoder over r that reads encodings other than
// UTF-8 as excelize does, and holds no tag or text longer than tokenLimit.
func newDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(&tokenBound{r: r})
	d.CharsetReader = charset.NewReaderLabel
	return d
}

// tokenLimit bounds the bytes between two '>' of the XML read: the longest
// tag or text encoding/xml may hold whole. A cell holds at most 32,767
// characters, four bytes each at most in UTF-8, with room for markup.
const tokenLimit = 1 << 20

// maxDepth bounds the nesting of elements; a worksheet nests about ten
// deep.
const maxDepth = 256

// tokenBound fails a read once tokenLimit bytes pass without a '>'.
type tokenBound struct {
	r   io.Reader
	run int
}

func (b *tokenBound) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	rest := p[:n]
	for {
		i := bytes.IndexByte(rest, '>')
		if i < 0 {
			b.run += len(rest)
			break
		}
		if b.run+i > tokenLimit {
			b.run += i
			break
		}
		b.run, rest = 0, rest[i+1:]
	}
	if b.run > tokenLimit {
		return n, fmt.Errorf("more than %d bytes without a '>': a tag or text too long for a workbook", tokenLimit)
	}
	return n, err
}
