package gpi

import (
	"os"
	"testing"

	"github.com/defence-transparency/publish/internal/realdata"
)

// BenchmarkParseRelease2025 parses the real 2025 release (686 KB, 87,660
// figures).
func BenchmarkParseRelease2025(b *testing.B) {
	data, err := os.ReadFile(realdata.Path(b, "gpi", "GPI_public_release_2025.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := parseBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}
