package site

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/defence-transparency/publish/internal/dataset"
)

// TestBrowserMaps opens every map in a real headless Chromium, at a
// desktop and a phone width, and checks that each country the table gives
// a figure for, and the map draws, is filled with its class's colour, not
// the colour of no data; and that the page does not scroll sideways. On
// the compare page it picks two countries and checks that script draws
// their lines from api/countries/ISO3.json.
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
	t.Run("compare", func(t *testing.T) {
		if err := chromedp.Do(step(t), chromedp.EmulateViewport(360, 800), chromedp.Navigate(srv.URL+"/compare/"),
			chromedp.WaitVisible("#pick-form")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`(() => { for (const o of document.querySelectorAll('#pick-countries option')) o.selected = ['DEU', 'USA'].includes(o.value); return true; })()`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(step(t),
			chromedp.Click("#pick-form button"),
			chromedp.WaitVisible("#pick-result svg path[data-name]")); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(step(t), chromedp.Evaluate[[]string](`[...document.querySelectorAll('#pick-result svg path[data-name]')].map(p => p.dataset.name + ' ' + p.getAttribute('d').split(/[ML]/).length)`))
		if err != nil {
			t.Fatal(err)
		}
		// What the files hold: a line per country with figures of the
		// measure from the page's source, a point per figure.
		source, err := chromedp.Run(step(t), chromedp.Evaluate[string](`document.getElementById('pick').dataset.source`))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, code := range []string{"DEU", "USA"} {
			var f apiCountry
			if err := json.Unmarshal([]byte(readFile(t, public, "api/countries/"+code+".json")), &f); err != nil {
				t.Fatal(err)
			}
			for _, s := range f.Spending {
				n := 0
				for _, p := range s.Points {
					if p.Value != nil {
						n++
					}
				}
				if s.Source == source && s.Measure == dataset.MeasureShareOfGDP && n > 0 {
					want = append(want, f.Name+" "+strconv.Itoa(n+1))
				}
			}
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("picked Germany and the United States; lines drawn (name, points+1): %q, want %q", got, want)
		}
		fits, err := chromedp.Run(step(t), chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
		if err != nil || !fits {
			t.Errorf("the compare page scrolls sideways at 360 px (%v)", err)
		}
	})
}
