//go:build cgo

package main

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the DuckDB driver, as journalists query the downloads

	"github.com/defence-transparency/publish/internal/realdata"
)

// TestDuckDBReadsTheDownloads queries the published military-expenditure
// Parquet file of a run on the real SIPRI 1948-2023 workbook (its
// permission recorded, so that every row is published) and the World
// Bank's 2026 file with DuckDB, as a journalist would, and checks what
// issues 7 and 11 ask of it:
//   - one unit per measure: the query of issue 7 returns no measure with
//     two units;
//   - the rankings: each ranking page lists the states in the order of a
//     DuckDB query over the file (the latest year with figures for at
//     least half as many states as the best-covered year, aggregates left
//     out, highest first).
func TestDuckDBReadsTheDownloads(t *testing.T) {
	dir := realdata.Dir(t)
	tmp := t.TempDir()
	urls := map[string][]string{
		"sipri":     {fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))},
		"worldbank": {fileURL(filepath.Join(dir, "worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"))},
	}
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	when := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	if r := run(t, when, "run", "--sources", permit(t, tmp, someSources(t, tmp, "duck", urls), "sipri"),
		"--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	pq := filepath.Join(data, "datasets", "military-expenditure", "military-expenditure.parquet")

	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	rows, err := db.Query(`select measure, count(distinct unit) from read_parquet(?) group by measure having count(distinct unit) > 1`, pq)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m string
		var n int
		if err := rows.Scan(&m, &n); err != nil {
			t.Fatal(err)
		}
		t.Errorf("measure %s has %d units", m, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var measures int
	if err := db.QueryRow(`select count(distinct measure) from read_parquet(?)`, pq).Scan(&measures); err != nil || measures < 5 {
		t.Fatalf("%d measures in the file (%v)", measures, err)
	}

	// The ranking's rule, in SQL: the latest year whose number of states
	// is at least half the best-covered year's.
	const ranking = `
with figures as (
	select country_iso3, year, value from read_parquet(?)
	where source = ? and measure = ? and not aggregate and value is not null),
years as (select year, count(*) as n from figures group by year),
latest as (select max(year) as year from years where 2 * n >= (select max(n) from years))
select country_iso3, value from figures where year = (select year from latest)
order by value desc, country_iso3`
	for _, c := range []struct{ page, source, measure string }{
		{"", "sipri", "constant_usd_2022"},
		{"share-of-gdp", "sipri", "share_of_gdp"},
		{"per-capita", "sipri", "per_capita"},
		{"share-of-govt", "sipri", "share_of_govt"},
	} {
		rows, err := db.Query(ranking, pq, c.source, c.measure)
		if err != nil {
			t.Fatal(err)
		}
		var want []ranked
		for rows.Next() {
			var r ranked
			if err := rows.Scan(&r.iso3, &r.value); err != nil {
				t.Fatal(err)
			}
			want = append(want, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(want) < 100 {
			t.Fatalf("%s: DuckDB ranks %d states", c.measure, len(want))
		}
		_, got := pageRanking(t, public, c.page)
		sameRanking(t, c.measure+" (DuckDB)", got, want)
		for i := range min(len(got), len(want)) {
			if got[i].iso3 != want[i].iso3 {
				t.Errorf("%s: place %d is %s on the page, %s in DuckDB's order", c.measure, i+1, got[i].iso3, want[i].iso3)
				break
			}
		}
	}
}
