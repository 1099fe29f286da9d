package sipri

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/workbook"
)

// flags are the marks SIPRI gives a figure through its font colour, the only
// place the workbook records them.
type flags struct {
	estimate  bool // blue: a SIPRI estimate
	uncertain bool // red: highly uncertain
}

// Font colours, as six-digit RGB. SIPRI's files use indexed colours 12 (blue)
// and 10 (red) of the legacy palette; the same colours given as RGB, as
// another palette index (4, 2) or as a theme colour resolving to them mean
// the same.
const (
	blue = "0000FF"
	red  = "FF0000"
)

// cellFlags returns the flags of the cell at zero-based row and col of sh
// from its style, looking each style up once.
func (p *parser) cellFlags(sh *sheet, row, col int) (flags, error) {
	id := sh.cells.Style(row, col)
	if fl, ok := p.flags[id]; ok {
		return fl, nil
	}
	style, err := p.f.Style(id)
	if err != nil {
		return flags{}, fmt.Errorf("sheet %q cell %s: style %d: %w", sh.name, cellName(col, row), id, err)
	}
	var fl flags
	switch fontColour(p.f, style.Font) {
	case blue:
		fl.estimate = true
	case red:
		fl.uncertain = true
	}
	p.flags[id] = fl
	return fl, nil
}

// fontColour returns the six-digit RGB colour of font, resolving palette
// indexes (including a workbook's own palette) and theme colours (tint
// ignored), or "" for a style without a font.
func fontColour(f *workbook.File, font *excelize.Font) string {
	if font == nil {
		return ""
	}
	hex := strings.ToUpper(font.Color)
	switch len(hex) {
	case 4:
		// excelize strips a leading "FF" from every RGB value, so a
		// six-digit "FF0000" arrives as "0000".
		hex = "FF" + hex
	case 8:
		// ARGB whose alpha is not FF: the colour is the last six digits.
		hex = hex[2:]
	}
	return strings.ToUpper(f.BaseColor(hex, font.ColorIndexed, font.ColorTheme))
}
