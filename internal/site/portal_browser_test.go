package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startChromium starts a headless Chromium with a window of w by h pixels
// for the test and returns its context.
func startChromium(t *testing.T, w, h int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromePath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(w, h),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// searchResult is what a query shows, and how long it took.
type searchResult struct {
	Status string   `json:"status"`
	Hrefs  []string `json:"hrefs"`
	Ms     float64  `json:"ms"`
}

// TestSearchBrowser types into the search box of a page in Chromium, as a
// reader would, and finds a country by its code and by the start of its
// name, and an auditor and its reports by words of the auditor's name; the
// results are links, announced by the status line, reached with the arrow
// keys. It logs how long each query took from the keystroke and how many
// bytes the search loaded before its first result.
func TestSearchBrowser(t *testing.T) {
	_, public := build(t, familiesInput(t))
	srv := httptest.NewServer(http.FileServer(http.Dir(public)))
	t.Cleanup(srv.Close)
	ctx := startChromium(t, 1366, 900)
	step := func() context.Context {
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		t.Cleanup(cancel)
		return c
	}
	if err := chromedp.Do(step(), chromedp.Navigate(srv.URL+"/datasets/military-expenditure/")); err != nil {
		t.Fatal(err)
	}
	// query types q into the box and waits for the results to hold a link
	// containing want.
	query := func(q, want string) searchResult {
		t.Helper()
		js := `new Promise((resolve) => {
			const input = document.getElementById('search-q');
			const list = document.getElementById('search-list');
			list.textContent = '';
			const t0 = performance.now();
			input.value = ` + jsString(q) + `;
			input.dispatchEvent(new Event('input'));
			const done = () => {
				const hrefs = [...list.querySelectorAll('a')].map(a => a.href);
				if (hrefs.some(h => h.includes(` + jsString(want) + `))) {
					resolve({status: document.getElementById('search-status').textContent, hrefs, ms: performance.now() - t0});
					return true;
				}
				return false;
			};
			if (done()) return;
			new MutationObserver((_, obs) => { if (done()) obs.disconnect(); }).observe(list, {childList: true});
		})`
		r, err := chromedp.Run(step(), chromedp.Evaluate[searchResult](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("search %q for %s: %v", q, want, err)
		}
		return r
	}

	first := query("deu", "/countries/deu/")
	loaded, err := chromedp.Run(step(), chromedp.Evaluate[float64](`performance.getEntriesByType('resource')
		.filter(e => e.name.includes('/search/') || e.name.includes('/js/search'))
		.reduce((n, e) => n + e.encodedBodySize, 0)`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("deu: %.0f ms to the first result, %.0f bytes of script and index loaded", first.Ms, loaded)
	if loaded <= 0 || loaded > 100_000 {
		t.Errorf("the first query loaded %.0f bytes, want some and under 100 KB", loaded)
	}
	if !strings.Contains(first.Hrefs[0], "/countries/deu/") || !strings.Contains(first.Status, "result") {
		t.Errorf("deu: results %q, status %q: want Germany first", first.Hrefs, first.Status)
	}

	for _, c := range []struct{ q, want, firstWant string }{
		{"Germ", "/countries/deu/", "/countries/deu/"},
		{"Court of Auditors", "/audits/eu-eca/", "/audits/eu-eca/"},
		{"court of aud", "#year-2025", "/audits/eu-eca/"},
		{"Cote", "/countries/civ/", "/countries/civ/"},
		{"milex", "/cbm/un-milex/", ""},
	} {
		r := query(c.q, c.want)
		t.Logf("%s: %.0f ms, %d results", c.q, r.Ms, len(r.Hrefs))
		if c.firstWant != "" && !strings.Contains(r.Hrefs[0], c.firstWant) {
			t.Errorf("%s: first result %s, want %s", c.q, r.Hrefs[0], c.firstWant)
		}
	}
	// Nothing found says so.
	if _, err := chromedp.Run(step(), chromedp.Evaluate[bool](`new Promise((resolve) => {
		const input = document.getElementById('search-q');
		input.value = 'zzzz';
		input.dispatchEvent(new Event('input'));
		const check = () => document.getElementById('search-status').textContent === 'Nothing found.' ? resolve(true) : setTimeout(check, 10);
		check();
	})`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("no result: %v", err)
	}

	// The keyboard: down from the box to the first result, and Enter
	// follows it.
	query("Germ", "/countries/deu/")
	focused, err := chromedp.Run(step(), chromedp.Evaluate[string](`(() => {
		const input = document.getElementById('search-q');
		input.focus();
		input.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true}));
		return document.activeElement.getAttribute('href') || '';
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(focused, "countries/deu/") {
		t.Errorf("ArrowDown focused %q, want the first result", focused)
	}
	if _, err := chromedp.RunResponse(step(), chromedp.KeyEvent("\r")); err != nil {
		t.Fatalf("Enter on a result: %v", err)
	}
	path, err := chromedp.Run(step(), chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(path, "/countries/deu/") {
		t.Errorf("Enter led to %s, want /countries/deu/", path)
	}
}

// TestPortalPagesFit opens the new pages in Chromium at a phone's width and
// at 1366 px: the page never scrolls sideways, a wide table scrolls in its
// own box with its first column kept in view, and the tracker's matrix
// opens on its latest year.
func TestPortalPagesFit(t *testing.T) {
	_, public := build(t, familiesInput(t))
	srv := httptest.NewServer(http.FileServer(http.Dir(public)))
	t.Cleanup(srv.Close)
	for _, size := range []struct{ w, h int }{{360, 740}, {1366, 900}} {
		ctx := startChromium(t, size.w, size.h)
		step := func() context.Context {
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			t.Cleanup(cancel)
			return c
		}
		for _, page := range []string{"/", "/rankings/", "/rankings/gpi/", "/risk/", "/cbm/unroca/"} {
			if err := chromedp.Do(step(), chromedp.Navigate(srv.URL+page)); err != nil {
				t.Fatal(err)
			}
			fits, err := chromedp.Run(step(), chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if !fits {
				t.Errorf("%s at %d px: the page scrolls sideways", page, size.w)
			}
			// Scrolled to its far end, each table's first cell of a row
			// stays at the left edge of its box.
			stuck, err := chromedp.Run(step(), chromedp.Evaluate[[]string](`[...document.querySelectorAll('.scroll')].filter(b => b.scrollWidth > b.clientWidth).flatMap(b => {
				b.scrollLeft = getComputedStyle(b).direction === 'rtl' ? 0 : b.scrollWidth;
				const cell = b.querySelector('tbody tr > :first-child');
				if (!cell) return [];
				const off = Math.abs(cell.getBoundingClientRect().left - b.getBoundingClientRect().left);
				return off > 2 ? [b.getAttribute('aria-labelledby') + ' ' + Math.round(off)] : [];
			})`))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range stuck {
				t.Errorf("%s at %d px: first column scrolls away in %s px", page, size.w, s)
			}
		}
		// The matrix shows its latest year without scrolling.
		if err := chromedp.Do(step(), chromedp.Navigate(srv.URL+"/cbm/unroca/")); err != nil {
			t.Fatal(err)
		}
		inView, err := chromedp.Run(step(), chromedp.Evaluate[bool](`(() => {
			const box = document.querySelector('.scroll.matrix').getBoundingClientRect();
			const last = [...document.querySelectorAll('.scroll.matrix thead th')].pop().getBoundingClientRect();
			return last.right <= box.right + 1 && last.left >= box.left - 1;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if !inView {
			t.Errorf("tracker at %d px: the latest year is out of view", size.w)
		}
	}
}
