package collect

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// NodeText returns the text of nodes as a browser lays it out, roughly: a
// line for each block element (paragraphs, list items, table rows and
// cells, headings...) and each <br>, white space inside a line (no-break
// spaces too) made one space, empty lines dropped; scripts, styles,
// templates and noscript left out. Collectors that want the text on one
// line join the lines with a space (OneLine). Every collector reads the
// text of HTML through it, so that "<p>a</p><p>b</p>" reads the same
// everywhere: two lines, or "a b", never "ab".
func NodeText(nodes ...*html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if hiddenElements[n.DataAtom] {
				return
			}
			if n.DataAtom == atom.Br {
				b.WriteByte('\n')
				return
			}
		case html.DocumentNode:
		default:
			return // comments, doctypes
		}
		block := n.Type == html.ElementNode && blockElements[n.DataAtom]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return lines(b.String())
}

// HTMLText returns the text of an HTML fragment, such as a feed item's
// description, as NodeText lays it out; character references are decoded.
// Text without markup is laid out the same way.
func HTMLText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return lines(s)
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil { // html.Parse fails only when its reader does
		return lines(s)
	}
	return NodeText(doc)
}

// OneLine returns text on one line: its lines and runs of white space
// made one space.
func OneLine(text string) string { return strings.Join(strings.Fields(text), " ") }

// lines returns s with each line's white space made one space and empty
// lines dropped.
func lines(s string) string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if l := OneLine(line); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// blockElements are the elements a browser sets apart from the text around
// them.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Dd: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.H1: true,
	atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true,
	atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true,
	atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Ul: true,
}

// hiddenElements hold no text a reader sees.
var hiddenElements = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true}
