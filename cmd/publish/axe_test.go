package main

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/defence-transparency/publish/internal/site/sitetest"
)

// axeViolation is what the test reports of one of axe-core's violations.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// TestAxeEveryPage builds the README's site, on the bundled mirror, and
// runs axe-core (testdata/axe, vendored from npm) in a real Chromium on
// every page of it, at a desktop and a phone width: every rule axe runs by
// default (WCAG 2.0, 2.1 and 2.2 A and AA, and its best practices), and no
// violation of any impact is allowed.
func TestAxeEveryPage(t *testing.T) {
	axe, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := sitetest.Chrome(t, 1280, 900)
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	r := run(t, day, "run", "--sources", sourcesFile, "--data", data, "--out", public)
	if r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	// Built without --base-url, as a local copy: it says that its
	// machine-readable addresses are relative (checked here, on the same
	// build, to spare the package another run).
	noBaseURL(t, r.stdout, public)
	srv := httptest.NewServer(http.FileServer(http.Dir(public)))
	t.Cleanup(srv.Close)

	var pages []string
	err = filepath.WalkDir(public, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(public, p)
			pages = append(pages, strings.TrimSuffix(filepath.ToSlash(rel), "index.html"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(pages)
	// Every kind of page the sample site has must be among them. axe runs
	// on the largest page of each kind, at both widths in one load of the
	// page: all the pages at two widths take many minutes on a shared
	// machine.
	byKind := map[string][]string{}
	size := map[string]int64{}
	for _, p := range pages {
		k := pageKind(p)
		byKind[k] = append(byKind[k], p)
		f := filepath.Join(public, filepath.FromSlash(p))
		if p == "" || strings.HasSuffix(p, "/") {
			f = filepath.Join(f, "index.html")
		}
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		size[p] = fi.Size()
	}
	for _, k := range []string{"home", "404", "countries", "countries/*", "countries/*/*", "datasets", "datasets/*",
		"datasets/*/versions/*", "changes", "sources", "cbm", "cbm/*", "audits", "audits/*"} {
		if len(byKind[k]) == 0 {
			t.Errorf("the sample site has no page of kind %s", k)
		}
	}
	// The largest page of each kind: the most content.
	var chosen []string
	for _, ps := range byKind {
		slices.SortFunc(ps, func(a, b string) int { return cmp.Or(cmp.Compare(size[b], size[a]), cmp.Compare(a, b)) })
		chosen = append(chosen, ps[0])
	}
	slices.Sort(chosen)

	widths := []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"desktop", 1280, 900, false},
		{"phone", 360, 740, true},
	}
	runs, seen := 0, map[string]int{}
	for _, p := range chosen {
		step, cancel := context.WithTimeout(ctx, 120*time.Second)
		if err := chromedp.Do(step, chromedp.EmulateViewport(widths[0].width, widths[0].height)); err != nil {
			cancel()
			t.Fatal(err)
		}
		if err := chromedp.Do(step, chromedp.Navigate(srv.URL+"/"+p)); err != nil {
			cancel()
			t.Fatalf("/%s: %v", p, err)
		}
		if _, err := chromedp.Run(step, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
			cancel()
			t.Fatalf("/%s: inject axe: %v", p, err)
		}
		for _, w := range widths {
			start := time.Now()
			opts := []chromedp.EmulateViewportOption{}
			if w.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
			}
			if err := chromedp.Do(step, chromedp.EmulateViewport(w.width, w.height, opts...)); err != nil {
				cancel()
				t.Fatalf("%s: %v", w.name, err)
			}
			out, err := chromedp.Run(step, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations']}).then(r =>
				JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
					targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))`,
				chromedp.EvalAwaitPromise))
			if err != nil {
				cancel()
				t.Fatalf("%s /%s: axe: %v", w.name, p, err)
			}
			var vs []axeViolation
			if err := json.Unmarshal([]byte(out), &vs); err != nil {
				cancel()
				t.Fatalf("%s /%s: axe's result: %v", w.name, p, err)
			}
			runs++
			t.Logf("%s /%s: %d violations (%v)", w.name, p, len(vs), time.Since(start).Round(time.Millisecond))
			for _, v := range vs {
				seen[v.ID]++
				t.Errorf("%s /%s: %s (%s): %s at %q", w.name, p, v.ID, v.Impact, v.Help, v.Targets)
			}
		}
		cancel()
	}
	t.Logf("axe ran on %d of the %d pages, of %d kinds, at %d widths (%d runs); violations by rule: %v", len(chosen), len(pages), len(byKind), len(widths), runs, seen)
}

// pageKind names the kind of a page by its path: each directory below the
// section becomes *.
func pageKind(p string) string {
	switch p {
	case "":
		return "home"
	case "404.html":
		return "404"
	}
	parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for i := 1; i < len(parts); i++ {
		if !(parts[0] == "datasets" && i == 2) {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, "/")
}
