package sitetest

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// ChromePath returns the Chromium to test with: $CHROME_PATH or Debian's.
// Without one the browser tests skip, except on CI, where they must run.
func ChromePath(t testing.TB) string {
	t.Helper()
	p := os.Getenv("CHROME_PATH")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need Chromium on CI: %v", err)
		}
		t.Skipf("no Chromium: %v", err)
	}
	return p
}

// Chrome starts a headless Chromium with a window of width by height
// pixels, kept off the network beyond what the test serves, and returns a
// context for chromedp that lives until the test ends.
func Chrome(t testing.TB, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromePath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		// Without these Chromium tries to reach Google, which fails on a
		// closed network and logs errors.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // runs before the TempDir cleanup: it waits for Chromium to exit
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}
