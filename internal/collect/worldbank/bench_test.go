package worldbank

import (
	"os"
	"testing"

	"github.com/defence-transparency/publish/internal/realdata"
)

func benchmarkParse(b *testing.B, name string, body []byte) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(name, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMirror(b *testing.B) {
	body, err := os.ReadFile(mirrorFile(ShareOfGDP))
	if err != nil {
		b.Fatal(err)
	}
	benchmarkParse(b, BulkURL(ShareOfGDP), body)
}

func BenchmarkParseReal(b *testing.B) {
	for _, elem := range [][]string{real2026Zip, real2026CSV, real2021USD} {
		b.Run(elem[len(elem)-1], func(b *testing.B) {
			path := realdata.Path(b, elem...)
			body, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			benchmarkParse(b, path, body)
		})
	}
}
