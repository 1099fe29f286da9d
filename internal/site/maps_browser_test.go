package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserMaps opens every map in a real headless Chromium, at a
// desktop and a phone width, and checks that each country the table gives
// a figure for, and the map draws, is filled with its class's colour, not
// the colour of no data; and that the page does not scroll sideways.
func TestBrowserMaps(t *testing.T) {
	chrome := chromePath(t)
	_, public := build(t, familiesInput(t))
	srv := httptest.NewServer(http.FileServer(http.Dir(public)))
	t.Cleanup(srv.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	step := func(t *testing.T) context.Context {
		c, cancel := context.WithTimeout(ctx, 30*time.Second)
		t.Cleanup(cancel)
		return c
	}
	if err := chromedp.Do(step(t), chromedp.Navigate(srv.URL+"/maps/")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	maps, err := chromedp.Run(step(t), chromedp.Evaluate[[]string](`[...document.querySelectorAll('ul.maps a')].map(a => new URL(a.href).pathname)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) < 3 {
		t.Fatalf("maps index links %q, want share of GDP, UN Milex and UNROCA at least", maps)
	}
	for _, width := range []int64{1366, 360} {
		for _, href := range maps {
			t.Run(href, func(t *testing.T) {
				if err := chromedp.Do(step(t), chromedp.EmulateViewport(width, 800), chromedp.Navigate(srv.URL+href)); err != nil {
					t.Fatal(err)
				}
				type result struct {
					Rows, Filled, Undrawn int
					Wrong                 []string
					Fits                  bool
				}
				res, err := chromedp.Run(step(t), chromedp.Evaluate[result](`(() => {
					const r = {Rows: 0, Filled: 0, Undrawn: 0, Wrong: [], Fits: document.documentElement.scrollWidth <= window.innerWidth};
					const none = getComputedStyle(document.querySelector('.map-legend .swatch.nodata')).backgroundColor;
					for (const tr of document.querySelectorAll('table tbody tr[data-iso3]')) {
						r.Rows++;
						const code = tr.dataset.iso3;
						const p = document.querySelector('svg path[data-iso3="' + code + '"]');
						if (!p) { r.Undrawn++; continue; }
						const want = getComputedStyle(tr.querySelector('.swatch')).backgroundColor;
						const fill = getComputedStyle(p).fill;
						const box = p.getBoundingClientRect();
						if (fill === none || fill === 'none' || fill !== want || box.width === 0) r.Wrong.push(code + ' ' + fill + ' want ' + want);
						else r.Filled++;
					}
					return r;
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				if res.Rows == 0 || res.Filled+res.Undrawn != res.Rows || len(res.Wrong) > 0 {
					t.Errorf("%d rows with a figure, %d filled, %d not drawn; wrong fills: %q", res.Rows, res.Filled, res.Undrawn, res.Wrong)
				}
				if !res.Fits {
					t.Errorf("at %d px the page scrolls sideways", width)
				}
			})
		}
	}
}
