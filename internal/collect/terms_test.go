package collect

import (
	"strings"
	"testing"
)

// sourceText is a source of the sources file with extra settings appended.
func sourceText(extra string) string {
	return "[[source]]\nname = \"sipri\"\ndataset = \"military-expenditure\"\ncollector = \"sipri\"\nurls = [\"https://www.sipri.org/databases/milex\"]\nhomepage = \"https://www.sipri.org/\"\n" + extra
}

func TestParseConfigTerms(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		wantErr []string // substrings of the error; nil means no error
		check   func(t *testing.T, s Source)
	}{
		{name: "open", text: sourceText(`terms = "open"`), check: func(t *testing.T, s Source) {
			if !s.Publishes() || s.Excerpts() || s.WithheldReason() != "" {
				t.Errorf("open source: publishes %v, excerpts %v, reason %q", s.Publishes(), s.Excerpts(), s.WithheldReason())
			}
		}},
		{name: "excerpt", text: sourceText("terms = \"excerpt\"\ndownload = \"https://www.sipri.org/databases/milex\""), check: func(t *testing.T, s Source) {
			if s.Publishes() || !s.Excerpts() || s.WithheldReason() == "" || s.DownloadURL() != "https://www.sipri.org/databases/milex" {
				t.Errorf("excerpt source: publishes %v, excerpts %v, reason %q, download %q", s.Publishes(), s.Excerpts(), s.WithheldReason(), s.DownloadURL())
			}
		}},
		{name: "link, download defaults to the homepage", text: sourceText(`terms = "link"`), check: func(t *testing.T, s Source) {
			if s.Publishes() || s.Excerpts() || s.DownloadURL() != "https://www.sipri.org/" {
				t.Errorf("link source: publishes %v, excerpts %v, download %q", s.Publishes(), s.Excerpts(), s.DownloadURL())
			}
		}},
		{name: "a permission lifts the terms", text: sourceText("terms = \"excerpt\"\n[source.permission]\ngranted_by = \"A. Person, SIPRI\"\ngranted = \"2026-03-01\"\nreference = \"letter of 1 March 2026\"\n"),
			check: func(t *testing.T, s Source) {
				if !s.Publishes() || s.Excerpts() || s.Permission.GrantedBy != "A. Person, SIPRI" {
					t.Errorf("permitted source: publishes %v, excerpts %v, permission %+v", s.Publishes(), s.Excerpts(), s.Permission)
				}
			}},
		{name: "missing terms", text: sourceText(""), wantErr: []string{`source "sipri": terms: not set`, `"open", "excerpt", "link"`}},
		{name: "wrong terms", text: sourceText(`terms = "public"`), wantErr: []string{`source "sipri": terms: "public" is not one of`}},
		{name: "terms of the wrong type", text: sourceText(`terms = 1`), wantErr: []string{`source "sipri": line 7`}},
		{name: "download not a web address", text: sourceText("terms = \"link\"\ndownload = \"ftp://sipri.org/x\""), wantErr: []string{`source "sipri": download:`}},
		{name: "permission without granter", text: sourceText("terms = \"excerpt\"\n[source.permission]\ngranted = \"2026-03-01\"\nreference = \"r\"\n"),
			wantErr: []string{`source "sipri": permission.granted_by: not set`}},
		{name: "permission without day", text: sourceText("terms = \"excerpt\"\n[source.permission]\ngranted_by = \"x\"\nreference = \"r\"\n"),
			wantErr: []string{`source "sipri": permission.granted: not set`}},
		{name: "permission without reference", text: sourceText("terms = \"excerpt\"\n[source.permission]\ngranted_by = \"x\"\ngranted = \"2026-03-01\"\n"),
			wantErr: []string{`source "sipri": permission.reference: not set`}},
		{name: "permission with a bad day", text: sourceText("terms = \"excerpt\"\n[source.permission]\ngranted_by = \"x\"\ngranted = \"1 March 2026\"\nreference = \"r\"\n"),
			wantErr: []string{`source "sipri": permission.granted: "1 March 2026" is not a day written YYYY-MM-DD`}},
		{name: "permission with an unquoted day", text: sourceText("terms = \"excerpt\"\n[source.permission]\ngranted_by = \"x\"\ngranted = 2026-03-01\nreference = \"r\"\n"),
			wantErr: []string{`source "sipri": line 10`, `write a day in quotes`}},
		{name: "unknown permission setting", text: sourceText("terms = \"excerpt\"\n[source.permission]\ngrantedby = \"x\"\n"),
			wantErr: []string{`source "sipri": unknown setting`, "grantedby"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tt.text))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("ParseConfig() = %v", err)
				}
				tt.check(t, c.Sources[0])
				return
			}
			if err == nil {
				t.Fatalf("ParseConfig() = nil, want an error naming %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("ParseConfig() = %q, want it to say %q", err, want)
				}
			}
		})
	}
}

// The unknown-setting error of a later source names that source, not the
// first.
func TestParseConfigNamesTheSourceOfAnUnknownSetting(t *testing.T) {
	text := sourceText("terms = \"open\"\n") + strings.Replace(sourceText("terms = \"open\"\ntermz = 1\n"), `name = "sipri"`, `name = "other"`, 1)
	_, err := ParseConfig([]byte(text))
	if err == nil || !strings.Contains(err.Error(), `source "other": unknown setting`) {
		t.Errorf("ParseConfig() = %v, want it to name source other", err)
	}
}
