package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/defence-transparency/publish/internal/dataset"
)

const textconvHelp = `Usage: publish textconv FILE

Textconv prints a Parquet file as CSV sorted by its primary key, one row
per line, so that line-based tools show which rows changed. It is a git
diff driver: with the repository's .gitattributes, which marks
datasets/**/*.parquet as diff=parquet, and once

  git config diff.parquet.textconv "publish textconv"

(or "go run ./cmd/publish textconv" without installing publish), git log -p
and git diff show dataset versions as changed CSV rows.

Files of a known dataset are read with its schema and sorted by its primary
key; other Parquet files are read with the schema their columns give and
sorted by their required columns.
`

func runTextconv(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("textconv", flag.ContinueOnError)
	pos, err := parseWith(m, fs, textconvHelp, args, 1, 1)
	if err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := dataset.SchemaOfParquet(f)
	if err != nil {
		return fmt.Errorf("textconv %s: %w", pos[0], err)
	}
	// Prefer a known dataset's schema: it gives the real primary key.
	for _, d := range definitions() {
		if sameNames(d.Schema, s) {
			s = d.Schema
			break
		}
	}
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	t, err := dataset.ReadParquet(f, s)
	if err != nil {
		return fmt.Errorf("textconv %s: %w", pos[0], err)
	}
	t.SortByKey()
	w := bufio.NewWriter(m.Stdout)
	if err := dataset.WriteCSV(w, t); err != nil {
		return err
	}
	return w.Flush()
}

func sameNames(a, b *dataset.Schema) bool {
	names := func(s *dataset.Schema) []string {
		var n []string
		for _, f := range s.Fields {
			n = append(n, f.Name)
		}
		slices.Sort(n)
		return n
	}
	return slices.Equal(names(a), names(b))
}
