package site

import (
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"sync"
)

// The rows of a country's figures tables are drawn here, not by the Hugo
// template: a large country's page holds thousands of cells, and as front
// matter each cell was an object Hugo kept in memory, about 450 bytes a
// cell, for the whole build (issue 8: 940 MB for 2M figures), and looked up
// key by key. Drawn here, a table's rows are one string, about the bytes
// of the HTML they are. The markup is an embedded template, as the charts'
// is; the numbers and words come formatted from the generator.
// layouts/countries/page.html inserts the rows where they go.
//
// Executing html/template once per cell cost some 7 µs a cell, a third of
// the country pages' time (100,000 cells on the real-data site). So each
// shape of cell (which flags are true, which texts are set) is executed
// once, with markers for its texts, and split at them into a drawing: a
// cell is then its drawing with its texts filled in, escaped as
// html/template escapes them in those places. Every drawing is checked
// against the template's own output for texts that need escaping before
// it is used, and TestFiguresBodyIsTheTemplate and FuzzFiguresBody hold
// the two to the same bytes.
//
//go:embed figures.html.tmpl
var figuresMarkup string

var figuresTemplate = template.Must(template.New("figures").Parse(strings.TrimSuffix(figuresMarkup, "\n")))

// figuresBody draws the rows of a figures table: the year, then a cell per
// column with the exact value in a data element, the rounded one shown,
// the words for a missing figure and the source's marks.
func figuresBody(rows []figureRow) (template.HTML, error) {
	row, err := figureDrawings.rowDrawing()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var texts [figureTexts]string
	for i := range rows {
		texts[0] = rows[i].Year
		row.head.draw(&b, &texts)
		for k := range rows[i].Cells {
			c := &rows[i].Cells[k]
			d, err := figureDrawings.cellDrawing(shapeOf(c))
			if err != nil {
				return "", err
			}
			d.draw(&b, c.texts(&texts))
		}
		row.tail.draw(&b, &texts)
	}
	return template.HTML(b.String()), nil
}

// figuresExecuted draws the rows by executing the template itself: what
// figuresBody's drawings are checked against.
func figuresExecuted(rows []figureRow) (string, error) {
	var b strings.Builder
	if err := figuresTemplate.Execute(&b, rows); err != nil {
		return "", err
	}
	return b.String(), nil
}

// The texts of a cell, in the order of cellParams.texts; a row's only
// text, its year, is the first.
const figureTexts = 5

func (c *cellParams) texts(t *[figureTexts]string) *[figureTexts]string {
	t[0], t[1], t[2] = c.Value, c.Text, c.Missing
	t[3], t[4] = "", ""
	if c.Marks != nil {
		t[3], t[4] = c.Marks.Notes, c.Marks.Footnotes
	}
	return t
}

// cellShape is what the template's conditions may test of a cell: a bit
// per flag and per text that is set.
type cellShape uint16

const (
	shapeE cellShape = 1 << iota
	shapeU
	shapeValue
	shapeMissing
	shapeMarks
	shapeMarkEstimate
	shapeMarkUncertain
	shapeNotes
	shapeFootnotes
)

func shapeOf(c *cellParams) cellShape {
	var s cellShape
	set := func(b bool, bit cellShape) {
		if b {
			s |= bit
		}
	}
	set(c.E, shapeE)
	set(c.U, shapeU)
	set(c.Value != "", shapeValue)
	set(c.Missing != "", shapeMissing)
	if m := c.Marks; m != nil {
		s |= shapeMarks
		set(m.Estimate, shapeMarkEstimate)
		set(m.Uncertain, shapeMarkUncertain)
		set(m.Notes != "", shapeNotes)
		set(m.Footnotes != "", shapeFootnotes)
	}
	return s
}

// cellOf returns a cell of shape s whose set texts are text(k), k the
// text's place in cellParams.texts.
func cellOf(s cellShape, text func(k int) string) cellParams {
	pick := func(bit cellShape, k int) string {
		if s&bit != 0 {
			return text(k)
		}
		return ""
	}
	c := cellParams{E: s&shapeE != 0, U: s&shapeU != 0, Value: pick(shapeValue, 0), Text: pick(shapeValue, 1),
		Missing: pick(shapeMissing, 2)}
	if s&shapeMarks != 0 {
		c.Marks = &cellMarks{Estimate: s&shapeMarkEstimate != 0, Uncertain: s&shapeMarkUncertain != 0,
			Notes: pick(shapeNotes, 3), Footnotes: pick(shapeFootnotes, 4)}
	}
	return c
}

// marker stands for text k while a shape is drawn: private-use characters,
// which html/template leaves as they are in text and in attributes.
func marker(k int) string { return markOpen + string(rune('a'+k)) + markClose }

const markOpen, markClose = "\uE000", "\uE001"

// awkward is a text that needs escaping everywhere, different for each k.
func awkward(k int) string { return fmt.Sprintf(`<b a="%d">&'+%c</b>`+"\x00é", k, 'a'+k) }

// drawing is markup with texts to fill in: parts[0], the text fields[0],
// parts[1], and so on, ending with the last part.
type drawing struct {
	parts  []string
	fields []int
}

func (d *drawing) draw(b *strings.Builder, texts *[figureTexts]string) {
	for i, f := range d.fields {
		b.WriteString(d.parts[i])
		htmlEscaper.WriteString(b, texts[f])
	}
	b.WriteString(d.parts[len(d.parts)-1])
}

// htmlEscaper escapes a text as html/template does in an element's text and
// in a quoted attribute's value (its htmlReplacementTable).
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// split makes a drawing of out, markup the template wrote with markers for
// its texts.
func split(out string) drawing {
	var d drawing
	for {
		before, rest, ok := strings.Cut(out, markOpen)
		k := -1
		if ok && len(rest) > len(markClose) && strings.HasPrefix(rest[1:], markClose) {
			k = int(rest[0]) - 'a'
		}
		if k < 0 || k >= figureTexts {
			d.parts = append(d.parts, out)
			return d
		}
		d.parts = append(d.parts, before)
		d.fields = append(d.fields, k)
		out = rest[1+len(markClose):]
	}
}

// figureDrawings holds the drawings made so far; country pages are drawn
// concurrently.
var figureDrawings drawings

type drawings struct {
	cells sync.Map // cellShape -> *drawing
	once  sync.Once
	row   *rowDrawing
	err   error
}

// rowDrawing is a row's markup before its cells and after them.
type rowDrawing struct{ head, tail drawing }

// rowDrawing draws a row with a marker for its year and no cells, and
// finds where its cells go: where one cell, then two, fall in.
func (ds *drawings) rowDrawing() (*rowDrawing, error) {
	ds.once.Do(func() {
		exec := func(cells int) (string, error) {
			var b strings.Builder
			err := figuresTemplate.ExecuteTemplate(&b, "row", figureRow{Year: marker(0), Cells: make([]cellParams, cells)})
			return b.String(), err
		}
		var outs [3]string
		for n := range outs {
			if outs[n], ds.err = exec(n); ds.err != nil {
				return
			}
		}
		var cell strings.Builder
		if ds.err = figuresTemplate.ExecuteTemplate(&cell, "cell", cellParams{}); ds.err != nil {
			return
		}
		c := cell.String()
		for i := len(outs[0]); i >= 0; i-- {
			head, tail := outs[0][:i], outs[0][i:]
			if outs[1] == head+c+tail && outs[2] == head+c+c+tail {
				ds.row = &rowDrawing{head: split(head), tail: split(tail)}
				return
			}
		}
		ds.err = fmt.Errorf("site: figures.html.tmpl: a row's cells do not follow one another")
	})
	return ds.row, ds.err
}

// cellDrawing returns the drawing of a cell of shape s, made the first
// time and checked against the template's own output.
func (ds *drawings) cellDrawing(s cellShape) (*drawing, error) {
	if d, ok := ds.cells.Load(s); ok {
		return d.(*drawing), nil
	}
	exec := func(c cellParams) (string, error) {
		var b strings.Builder
		err := figuresTemplate.ExecuteTemplate(&b, "cell", c)
		return b.String(), err
	}
	out, err := exec(cellOf(s, marker))
	if err != nil {
		return nil, err
	}
	d := split(out)
	check := cellOf(s, awkward)
	want, err := exec(check)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	var texts [figureTexts]string
	if d.draw(&b, check.texts(&texts)); b.String() != want {
		return nil, fmt.Errorf("site: figures.html.tmpl: a cell of shape %#x is not its texts filled in:\n%s\nnot\n%s", s, b.String(), want)
	}
	ds.cells.Store(s, &d)
	return &d, nil
}
