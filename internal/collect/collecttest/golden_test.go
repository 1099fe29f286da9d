package collecttest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/dataset"
)

// failures is a testing.TB that keeps what Errorf reports instead of
// failing the test.
type failures struct {
	testing.TB
	errs []string
}

func (f *failures) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func expenditures(values ...float64) *dataset.Table {
	var recs []dataset.Expenditure
	for i, v := range values {
		recs = append(recs, dataset.Expenditure{Country: "SWE", CountryName: "Sweden", Year: 2020 + i,
			Measure: "share_of_gdp", Unit: "percent", Source: dataset.SourceWorldBank, Value: v, HasValue: true})
	}
	return dataset.ExpenditureTable(recs)
}

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "golden", "rows.csv")
	Golden(t, path, expenditures(1.2, 1.3), true)
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "1.3") {
		t.Fatalf("Golden(update) wrote %q, %v; want the table as CSV", b, err)
	}
	Golden(t, path, expenditures(1.2, 1.3), false)

	tests := []struct {
		name string
		tab  *dataset.Table
	}{
		{"a value changed", expenditures(1.2, 1.4)},
		{"a row more", expenditures(1.2, 1.3, 1.5)},
		{"a row less", expenditures(1.2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &failures{TB: t}
			Golden(f, path, tt.tab, false)
			if len(f.errs) != 1 || !strings.Contains(f.errs[0], path) {
				t.Errorf("Golden(%s) reported %q, want one mismatch naming the file", tt.name, f.errs)
			}
		})
	}
}
