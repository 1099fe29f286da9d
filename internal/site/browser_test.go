package site

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/defence-transparency/publish/internal/site/sitetest"
)

// TestBrowser opens the built site in a real headless Chromium at the size
// of a small phone, and walks from the home page to a country and to the
// dataset, to the CBM tracker, the audits and a country's risk context, as
// a reader would. One browser serves every subtest.
func TestBrowser(t *testing.T) {
	_, public := build(t, familiesInput(t))
	srv := httptest.NewServer(http.FileServer(http.Dir(public)))
	t.Cleanup(srv.Close)
	ctx := sitetest.Chrome(t, 360, 740)

	var mu sync.Mutex
	var console []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				console = append(console, m.String()+" at "+m.URL)
				mu.Unlock()
			}
		}
	}()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulatePortrait)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// Every step has a deadline; the browser itself lives as long as ctx.
	step := func(t *testing.T) context.Context {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		t.Cleanup(cancel)
		return c
	}
	eval := func(t *testing.T, js string, v any) {
		t.Helper()
		var err error
		switch p := v.(type) {
		case *bool:
			*p, err = chromedp.Run(step(t), chromedp.Evaluate[bool](js))
		case *string:
			*p, err = chromedp.Run(step(t), chromedp.Evaluate[string](js))
		case *[]string:
			*p, err = chromedp.Run(step(t), chromedp.Evaluate[[]string](js))
		case *[]float64:
			*p, err = chromedp.Run(step(t), chromedp.Evaluate[[]float64](js))
		default:
			t.Fatalf("eval into %T", v)
		}
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
	}
	// follow clicks a link and waits for the page it leads to.
	follow := func(t *testing.T, sel string) {
		t.Helper()
		resp, err := chromedp.RunResponse(step(t), chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("follow %s: %v", sel, err)
		}
		if resp.Status != http.StatusOK {
			t.Fatalf("follow %s: %s returned %d", sel, resp.URL, resp.Status)
		}
	}
	// checkPage checks what every page must be: no horizontal scrolling at
	// 360 px, one h1, an accessible name for every image, and a working
	// stylesheet.
	checkPage := func(t *testing.T) {
		t.Helper()
		var fits bool
		eval(t, `document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth === 360`, &fits)
		if !fits {
			var w []float64
			eval(t, `[document.documentElement.scrollWidth, window.innerWidth]`, &w)
			t.Errorf("page is %v px wide in a %v px layout viewport, want both 360: it scrolls sideways", w[0], w[1])
			var wide []string
			eval(t, `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 361 && !e.parentElement.closest('.scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`, &wide)
			t.Errorf("elements past the right edge: %q", wide)
		}
		var problems []string
		eval(t, `(() => {
			const p = [];
			const h1 = document.querySelectorAll('h1').length;
			if (h1 !== 1) p.push(h1 + ' h1 elements');
			for (const e of document.querySelectorAll('svg, img, [role="img"]')) {
				if (!(e.getAttribute('aria-label') || e.getAttribute('alt') || e.getAttribute('aria-labelledby'))) p.push('unnamed ' + e.tagName);
			}
			for (const e of document.querySelectorAll('input, select, textarea')) {
				if (!e.labels || e.labels.length === 0) p.push('unlabelled ' + e.tagName);
			}
			if (!getComputedStyle(document.body).fontFamily.includes('system-ui')) p.push('stylesheet not applied');
			if (document.documentElement.lang !== 'en') p.push('lang ' + document.documentElement.lang);
			if (!document.getElementById('sample-banner') || document.getElementById('sample-banner').getBoundingClientRect().height === 0) p.push('no sample banner');
			return p;
		})()`, &problems)
		for _, p := range problems {
			t.Errorf("page problem: %s", p)
		}
	}
	// checkLinks fetches every link of the page that stays on the site, and
	// finds the target of every fragment link.
	checkLinks := func(t *testing.T) {
		t.Helper()
		var hrefs []string
		eval(t, `[...document.querySelectorAll('a[href]')].map(a => a.href)`, &hrefs)
		var here string
		eval(t, `location.href`, &here)
		for _, h := range hrefs {
			u, err := url.Parse(h)
			if err != nil || !strings.HasPrefix(h, srv.URL) {
				continue
			}
			frag := u.Fragment
			u.Fragment = ""
			if frag != "" && strings.SplitN(here, "#", 2)[0] == u.String() {
				var ok bool
				eval(t, `document.getElementById(`+jsString(frag)+`) !== null`, &ok)
				if !ok {
					t.Errorf("link to #%s: no such element", frag)
				}
				continue
			}
			resp, err := http.Get(u.String())
			if err != nil {
				t.Errorf("GET %s: %v", u, err)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("link %s: status %d", u, resp.StatusCode)
			}
		}
	}

	t.Run("home", func(t *testing.T) {
		if err := chromedp.Do(step(t), chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		var h1 string
		eval(t, `document.querySelector('h1').textContent`, &h1)
		if h1 != "Defence transparency data" {
			t.Errorf("home h1 = %q", h1)
		}
		checkPage(t)
		checkLinks(t)
		follow(t, `ul.countries a[href*="countries/deu/"]`)
	})

	// withScript keeps the text of pages read with script enabled, by
	// path, to compare with the same pages read without.
	withScript := map[string]string{}
	keepText := func(t *testing.T) {
		t.Helper()
		var path, text string
		eval(t, `location.pathname`, &path)
		eval(t, `document.querySelector('main').innerText`, &text)
		withScript[path] = text
	}
	t.Run("country", func(t *testing.T) {
		var loc string
		eval(t, `location.pathname`, &loc)
		if loc != "/countries/deu/index.html" && loc != "/countries/deu/" { // http.FileServer drops index.html
			t.Fatalf("at %s, want the page of Germany", loc)
		}
		if err := chromedp.Do(step(t), chromedp.WaitVisible("#chart-usd svg"), chromedp.WaitVisible("#figures-sipri-table")); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"chart-usd", "chart-gdp"} {
			var box []float64
			eval(t, `(() => { const r = document.querySelector('#`+id+` svg').getBoundingClientRect(); return [r.left, r.width, r.height]; })()`, &box)
			if box[1] <= 0 || box[2] <= 0 || box[0] < 0 || box[0]+box[1] > 360 {
				t.Errorf("%s: box left %v width %v height %v; want a visible chart inside 360 px", id, box[0], box[1], box[2])
			}
		}
		var fig []string
		eval(t, `[...document.querySelectorAll('#figures-sipri-table tbody tr:nth-child(3) td')].map(td => td.textContent)`, &fig)
		if len(fig) == 0 || fig[0] != "56,016e" {
			t.Errorf("SIPRI 2021 row shows %q, want the estimate 56,016e first", fig)
		}
		var visible bool
		eval(t, `(() => { const r = document.querySelector('#figures-sipri-table').getBoundingClientRect(); return r.width > 0 && r.height > 0; })()`, &visible)
		if !visible {
			t.Errorf("figures table is not visible")
		}
		keepText(t)
		checkPage(t)
		checkLinks(t)
		follow(t, `.legend a`)
	})

	t.Run("dataset", func(t *testing.T) {
		var h1 string
		eval(t, `document.querySelector('h1').textContent`, &h1)
		if h1 != "Military expenditure by country" {
			t.Fatalf("at %q, want the dataset page", h1)
		}
		checkPage(t)
		checkLinks(t)
		var downloads []string
		eval(t, `[...document.querySelectorAll('ul.downloads a')].map(a => a.href)`, &downloads)
		if len(downloads) != 4 {
			t.Errorf("%d downloads, want 4", len(downloads))
		}
		for _, d := range downloads {
			resp, err := http.Get(d)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			name := strings.TrimPrefix(d, srv.URL+"/")
			want, err := os.ReadFile(filepath.Join(public, filepath.FromSlash(name)))
			if resp.StatusCode != http.StatusOK || err != nil || string(body) != string(want) {
				t.Errorf("download %s: status %d, %d bytes; want the file %s", d, resp.StatusCode, len(body), name)
			}
		}
	})

	t.Run("changes", func(t *testing.T) {
		follow(t, `nav a[href*="changes/"]`)
		var h1 string
		eval(t, `document.querySelector('h1').textContent`, &h1)
		if h1 != "Changes" {
			t.Fatalf("at %q, want the changes page", h1)
		}
		var rows []string
		eval(t, `[...document.querySelectorAll('table.versions tbody tr')].map(tr => tr.cells[2].innerText)`, &rows)
		if len(rows) != 4 || !strings.HasPrefix(rows[0], "2026-04-28") {
			t.Errorf("changes page lists %q, want 4 versions, newest first", rows)
		}
		var feeds []string
		eval(t, `[...document.querySelectorAll('a[type="application/atom+xml"], link[type="application/atom+xml"]')].map(a => a.href)`, &feeds)
		if len(feeds) < 2 {
			t.Errorf("changes page links %d feeds, want the Subscribe link and the head link", len(feeds))
		}
		for _, f := range feeds {
			resp, err := http.Get(f)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("feed %s: status %d", f, resp.StatusCode)
			} else if err := validateAtom(body); err != nil {
				t.Errorf("feed %s: %v", f, err)
			}
		}
		checkPage(t)
		checkLinks(t)
		follow(t, `table.versions a[href*="versions/2026-04-26/"]`)
	})

	t.Run("version", func(t *testing.T) {
		var h1 string
		eval(t, `document.querySelector('h1').textContent`, &h1)
		if h1 != "Military expenditure by country, version 2026-04-26" {
			t.Fatalf("at %q, want the page of version 2026-04-26", h1)
		}
		var revised string
		eval(t, `document.querySelector('#changes-revised ~ div table.changes td.delta').innerText`, &revised)
		if !strings.Contains(revised, "48,000 US$ m") || !strings.Contains(revised, "49,012 US$ m") {
			t.Errorf("revised row reads %q, want old and new values", revised)
		}
		var visible bool
		eval(t, `(() => { const r = document.querySelector('#changes-revised ~ div table.changes').getBoundingClientRect(); return r.width > 0 && r.height > 0; })()`, &visible)
		if !visible {
			t.Errorf("table of revisions is not visible")
		}
		checkPage(t)  // no sideways scrolling at 360 px
		checkLinks(t) // the downloads of the version and its changes.csv, the feeds
		var downloads []string
		eval(t, `[...document.querySelectorAll('ul.downloads a')].map(a => a.href)`, &downloads)
		if len(downloads) != 3 {
			t.Errorf("version page offers %d downloads, want changes.csv, CSV and Parquet", len(downloads))
		}
	})

	t.Run("tracker", func(t *testing.T) {
		follow(t, `nav a[href*="cbm/"]`)
		var h1 string
		eval(t, `document.querySelector('h1').textContent`, &h1)
		if h1 != "Reporting to the UN" {
			t.Fatalf("at %q, want the tracker's overview", h1)
		}
		checkPage(t)
		checkLinks(t)
		follow(t, `main a[href*="cbm/un-milex/"]`)
		keepText(t)
		checkPage(t) // the matrix scrolls inside its container, not the page
		checkLinks(t)
		var box []float64
		eval(t, `(() => { const r = document.querySelector('#rate-chart svg').getBoundingClientRect(); return [r.left, r.width, r.height]; })()`, &box)
		if box[1] <= 0 || box[2] <= 0 || box[0] < 0 || box[0]+box[1] > 360 {
			t.Errorf("rate chart: box left %v width %v height %v; want a visible chart inside 360 px", box[0], box[1], box[2])
		}
		// The filter works without script: a radio button and CSS.
		visible := func() []string {
			var names []string
			eval(t, `[...document.querySelectorAll('table.matrix tbody tr')].filter(tr => tr.getClientRects().length > 0).map(tr => tr.cells[0].innerText)`, &names)
			return names
		}
		for _, tt := range []struct {
			id   string
			want []string
		}{
			{"show-nil", []string{"Liechtenstein"}},
			{"show-none", []string{"Afghanistan", "Armenia"}},
			{"show-never", []string{"Afghanistan"}},
			{"show-all", []string{"Afghanistan", "Armenia", "Germany", "Liechtenstein"}},
		} {
			if err := chromedp.Do(step(t), chromedp.Click(chromedp.CSS(`label[for="`+tt.id+`"]`))); err != nil {
				t.Fatalf("choose %s: %v", tt.id, err)
			}
			if got := visible(); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("filter %s shows %q, want %q", tt.id, got, tt.want)
			}
		}
	})

	t.Run("audits", func(t *testing.T) {
		follow(t, `nav a[href*="audits/"]`)
		var items []string
		eval(t, `[...document.querySelectorAll('#latest + ol.audits .audit-title')].map(p => p.innerText)`, &items)
		if len(items) != 4 {
			t.Errorf("audits page lists %q, want the 4 reports", items)
		}
		keepText(t)
		checkPage(t)
		checkLinks(t)
		follow(t, `a[href*="countries/usa/audits/"]`)
		checkPage(t)
		checkLinks(t)
	})

	t.Run("risk", func(t *testing.T) {
		if err := chromedp.Do(step(t), chromedp.Navigate(srv.URL+"/countries/sdn/")); err != nil {
			t.Fatal(err)
		}
		var entries []string
		eval(t, `[...document.querySelectorAll('ol.crisiswatch .entry-head')].map(p => p.innerText)`, &entries)
		if len(entries) != 2 || !strings.Contains(entries[0], "Conflict risk alert") {
			t.Errorf("Sudan's CrisisWatch entries = %q", entries)
		}
		keepText(t)
		checkPage(t)
		checkLinks(t)
	})

	t.Run("without script", func(t *testing.T) {
		if _, err := chromedp.Call(step(t), emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		if len(withScript) != 4 {
			t.Fatalf("pages read with script: %d, want the country, the tracker, the audits and the risk context", len(withScript))
		}
		for _, path := range sortedKeys(withScript) {
			if err := chromedp.Do(step(t), chromedp.Navigate(srv.URL+path)); err != nil {
				t.Fatal(err)
			}
			var scripts bool
			eval(t, `(() => { let ran = false; try { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.appendChild(s); ran = window.__ran === true; s.remove(); } catch (e) {} return ran; })()`, &scripts)
			if scripts {
				t.Fatalf("page scripts still run")
			}
			var without string
			eval(t, `document.querySelector('main').innerText`, &without)
			if without != withScript[path] {
				t.Errorf("%s reads differently without script", path)
			}
			checkPage(t)
		}
		if err := chromedp.Do(step(t), chromedp.Navigate(srv.URL+"/countries/deu/")); err != nil {
			t.Fatal(err)
		}
		box, err := chromedp.Run(step(t), chromedp.Dimensions("#chart-usd svg"))
		if err != nil || box.Width <= 0 || box.Height <= 0 {
			t.Errorf("chart without script: %v, %v", box, err)
		}
	})

	t.Run("from file", func(t *testing.T) {
		// Without a base URL the site works from a directory, as a
		// journalist who downloaded it would open it.
		if err := chromedp.Do(step(t), chromedp.Navigate("file://"+filepath.ToSlash(public)+"/countries/sun/index.html")); err != nil {
			t.Fatal(err)
		}
		follow(t, `nav a[href*="datasets/"]`)
		var loc, h1 string
		eval(t, `location.pathname`, &loc)
		eval(t, `document.querySelector('h1').textContent`, &h1)
		if !strings.HasSuffix(loc, "/datasets/index.html") || h1 != "Datasets" {
			t.Errorf("from file: at %s (%q), want the datasets page", loc, h1)
		}
	})

	mu.Lock()
	defer mu.Unlock()
	for _, m := range console {
		t.Errorf("console: %s", m)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return "'" + r.Replace(s) + "'"
}

// chromePath returns the Chromium to test with (sitetest.ChromePath).
func chromePath(t *testing.T) string { return sitetest.ChromePath(t) }
