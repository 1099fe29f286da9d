package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/pipeline"
)

var update = flag.Bool("update", false, "rewrite the datasets' README files in the repository and the golden sites in testdata")

// TestDatasetReadmes checks that datasets/NAME/README.md, which the
// repository holds until the live job publishes data there, says what the
// generator says for the current schema and sources file.
func TestDatasetReadmes(t *testing.T) {
	cfg, err := collect.ReadConfig(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range definitions() {
		path := filepath.Join("..", "..", "datasets", def.Name, "README.md")
		want := pipeline.ReadmeFor(def, cfg)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./cmd/publish -run TestDatasetReadmes -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go test ./cmd/publish -run TestDatasetReadmes -update", path)
		}
	}
}
