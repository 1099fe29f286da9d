package collect_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing/fstest"

	"github.com/defence-transparency/publish/internal/collect"
)

// A session serves a run; each source gets its own fetcher from it. Here
// the session reads a mirror (as the bundled mirror.FS does) instead of the
// network.
func ExampleNewSession() {
	mirror := fstest.MapFS{
		"api.worldbank.org/v2/en/indicator/MS.MIL.XPND.GD.ZS@downloadformat=csv": {Data: []byte("PK\x03\x04 zip")},
	}
	s, err := collect.NewSession(collect.SessionOptions{
		Mirror: mirror,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	src := collect.Source{Name: "worldbank", URLs: []string{"https://api.worldbank.org/v2/en/indicator/MS.MIL.XPND.GD.ZS?downloadformat=csv"}}
	f, err := s.Fetcher(src, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, err := f.Fetch(context.Background(), &collect.Request{URL: src.URLs[0]})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Status, doc.Header.Get("Content-Type"), len(doc.Body))

	_, err = f.Fetch(context.Background(), &collect.Request{URL: "https://www.sipri.org/databases/milex"})
	fmt.Println(err)
	// Output:
	// 200 application/zip 8
	// collect: fetch https://www.sipri.org/databases/milex: host "www.sipri.org": host not in the source's allow-list
}
