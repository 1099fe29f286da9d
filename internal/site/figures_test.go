package site

import (
	"html/template"
	"strings"
	"testing"
)

// TestHTMLEscape holds figuresBody's escaping to html/template's, in the
// contexts a cell puts text in: a quoted attribute value and element
// content.
func TestHTMLEscape(t *testing.T) {
	tmpl := template.Must(template.New("cell").Parse(`<data value="{{ . }}">{{ . }}</data>`))
	inputs := []string{"", "12.5", "1,234 US$ m", `<script>alert("x")</script>`, "a&b", "it's", "1+1", "\x00nul", "§‖†", "\xff\xfeinvalid", "\u2028", "`=`"}
	for r := rune(0); r < 0x300; r++ {
		inputs = append(inputs, "x"+string(r)+"y")
	}
	for _, s := range inputs {
		var want strings.Builder
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		got.WriteString(`<data value="`)
		htmlEscape(&got, s)
		got.WriteString(`">`)
		htmlEscape(&got, s)
		got.WriteString(`</data>`)
		if got.String() != want.String() {
			t.Errorf("escaped %q = %q, want %q (html/template)", s, got.String(), want.String())
		}
	}
}
