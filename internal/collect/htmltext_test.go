package collect

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestNodeText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>What GAO Found</p><p>GAO is making\n two recommendations.</p>", "What GAO Found\nGAO is making\ntwo recommendations."},
		{"inline elements join", "<p>The <b>Army</b>&nbsp;and <a href=x>DOD</a></p>", "The Army and DOD"},
		{"br breaks a line", "Remarks:<br>first<br/>second", "Remarks:\nfirst\nsecond"},
		{"table cells apart", "<table><tr><td>Norway</td><td>1.4</td></tr></table>", "Norway\n1.4"},
		{"hidden elements", "<div>a<script>var x = 1</script><style>p{}</style><noscript>enable JS</noscript><template>t</template>b</div>", "ab"},
		{"comments", "a<!-- hidden -->b", "ab"},
		{"no-break and thin spaces", "<li>1\u00a0234\u202f5</li>", "1 234 5"},
		{"empty blocks dropped", "<div><p> </p><p>x</p><ul><li></li></ul></div>", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.html))
			if err != nil {
				t.Fatal(err)
			}
			if got := NodeText(doc); got != tt.want {
				t.Errorf("NodeText(%q) = %q, want %q", tt.html, got, tt.want)
			}
			if got := HTMLText(tt.html); got != tt.want {
				t.Errorf("HTMLText(%q) = %q, want %q", tt.html, got, tt.want)
			}
		})
	}
}

func TestHTMLTextPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  plain   text ", "plain text"},
		{"two\n\n lines ", "two\nlines"},
		{"T&amp;amp;E", "T&amp;E"}, // a reference decoded once
		{"a &lt;b&gt;", "a <b>"},
	}
	for _, tt := range tests {
		if got := HTMLText(tt.in); got != tt.want {
			t.Errorf("HTMLText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := OneLine(HTMLText("<p>a</p><p>b</p>")); got != "a b" {
		t.Errorf("OneLine(HTMLText(<p>a</p><p>b</p>)) = %q, want %q", got, "a b")
	}
}
