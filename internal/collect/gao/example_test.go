package gao_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/gao"
	"github.com/defence-transparency/publish/internal/mirror"
)

// Collect reads the Department of Defense listing page by page and the
// reports feed from the bundled offline mirror (sample data), and merges
// them by report number. The mirror's feed and listing disagree on purpose
// about one title and one date; the listing's are kept and the
// disagreements are reported as warnings.
func ExampleCollector_Collect() {
	session, err := collect.NewSession(collect.SessionOptions{Mirror: mirror.FS, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer session.Close()
	src := collect.Source{
		Name: "gao", Dataset: "audit-outcomes", Collector: "gao",
		URLs: []string{gao.ListingURL, gao.FeedURL},
	}
	f, err := session.Fetcher(src, false)
	if err != nil {
		log.Fatal(err)
	}
	ctx, warnings := collect.WithWarnings(context.Background())
	table, err := new(gao.Collector).Collect(ctx, f, src)
	if err != nil {
		log.Fatal(err)
	}
	id, date, recs := table.Schema.Index("report_id"), table.Schema.Index("published"), table.Schema.Index("recommendations")
	for i := range table.Len() {
		// An empty count is unknown: the report states none.
		line := fmt.Sprintf("%-15s %s %2s", table.Text(i, id), table.Text(i, date), table.Text(i, recs))
		fmt.Println(strings.TrimSpace(line))
	}
	fmt.Println(len(warnings.List()), "warnings")
	// Output:
	// GAO-23-105833   2023-08-30
	// GAO-23-106512   2023-09-14  6
	// GAO-24-105987   2024-05-22  1
	// GAO-24-106044   2024-05-30  2
	// GAO-24-106198   2024-06-05  0
	// GAO-24-106256   2024-06-13  4
	// GAO-24-106301   2024-06-11  3
	// GAO-24-107120T  2024-06-12
	// GAO-24-107311   2024-06-20  5
	// 2 warnings
}
