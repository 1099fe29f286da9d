package collect

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLinks(t *testing.T) {
	tests := []struct {
		name     string
		url      string // the page's URL
		finalURL string
		body     string
		want     []string // "url text"
	}{
		{
			name: "relative, absolute and root-relative",
			url:  "https://www.sipri.org/databases/milex",
			body: `<a href="/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx">Data for all countries</a>
				<a href="files/notes.pdf">Notes</a> <a href="https://example.org/x">Elsewhere</a>`,
			want: []string{
				"https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx Data for all countries",
				"https://www.sipri.org/databases/files/notes.pdf Notes",
				"https://example.org/x Elsewhere",
			},
		},
		{
			name:     "resolved against the final URL",
			url:      "https://www.visionofhumanity.org/resources",
			finalURL: "https://www.visionofhumanity.org/resources/",
			body:     `<a href="GPI_2025.xlsx">GPI 2025</a>`,
			want:     []string{"https://www.visionofhumanity.org/resources/GPI_2025.xlsx GPI 2025"},
		},
		{
			name: "base href",
			url:  "https://example.org/a/page.html",
			body: `<html><head><base href="/files/"></head><body><a href="book.xlsx">Book</a></body></html>`,
			want: []string{"https://example.org/files/book.xlsx Book"},
		},
		{
			name: "only the first base href",
			url:  "https://example.org/a/page.html",
			body: `<base href="https://cdn.example.org/x/"><base href="/y/"><a href="book.xlsx">Book</a>`,
			want: []string{"https://cdn.example.org/x/book.xlsx Book"},
		},
		{
			name: "fragment dropped, query kept",
			url:  "https://example.org/",
			body: `<a href="list?page=2#results">Next</a><a href="#top">Top</a>`,
			want: []string{"https://example.org/list?page=2 Next", "https://example.org/ Top"},
		},
		{
			name: "text with spaces and markup",
			url:  "https://example.org/",
			body: "<a href=\" /x \">\n\t<span>Download</span>\n  the   <b>workbook</b> </a>",
			want: []string{"https://example.org/x Download the workbook"},
		},
		{
			name: "other schemes and bad hrefs skipped",
			url:  "https://example.org/",
			body: `<a href="mailto:a@example.org">Mail</a><a href="javascript:void(0)">JS</a>
				<a href="ftp://example.org/f">FTP</a><a href="http://[::1">Bad</a><a>No href</a><a href="/ok">OK</a>`,
			want: []string{"https://example.org/ok OK"},
		},
		{
			name: "no file links from a web page",
			url:  "https://example.org/",
			body: `<a href="file:///etc/passwd">Disk</a><a href="/web">Web</a>`,
			want: []string{"https://example.org/web Web"},
		},
		{
			name: "a file base href on a web page is ignored",
			url:  "https://example.org/dir/",
			body: `<base href="file:///etc/"><a href="passwd">Disk</a>`,
			want: []string{"https://example.org/dir/passwd Disk"},
		},
		{
			name: "file links from a file page",
			url:  "file:///home/user/sipri/milex.html",
			body: `<a href="SIPRI-Milex-data-1949-2024.xlsx">Here</a><a href="https://www.sipri.org/">Site</a>`,
			want: []string{"file:///home/user/sipri/SIPRI-Milex-data-1949-2024.xlsx Here", "https://www.sipri.org/ Site"},
		},
		{
			name: "not html",
			url:  "https://example.org/",
			body: "PK\x03\x04\x00\x00binary",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := &Document{URL: tt.url, FinalURL: tt.finalURL, Body: []byte(tt.body)}
			links, err := Links(page)
			if err != nil {
				t.Fatalf("Links(%q) = %v", tt.url, err)
			}
			var got []string
			for _, l := range links {
				got = append(got, l.URL.String()+" "+l.Text)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Links(%q) mismatch (-want +got):\n%s", tt.url, diff)
			}
		})
	}
}

func TestLinksBadPageURL(t *testing.T) {
	page := &Document{URL: "http://[::1", Body: []byte(`<a href="/x">x</a>`)}
	if links, err := Links(page); err == nil {
		t.Errorf("Links(%q) = %v, nil; want an error", page.URL, links)
	}
}
