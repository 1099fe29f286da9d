package country

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sync"
)

// regions.csv gives the SIPRI subregion of each state in SIPRI's
// military-expenditure workbook (1948-2023 release), as the workbook groups
// its rows under region headings: North Africa, sub-Saharan Africa, Central
// America and the Caribbean ... Western Europe, Middle East. It was read
// once from the workbook's "Share of GDP" sheet; a state SIPRI does not
// cover has no region.
//
//go:embed regions.csv
var regionsCSV []byte

var loadRegions = sync.OnceValues(func() (map[string]string, []string) {
	m, order, err := parseRegions(regionsCSV)
	if err != nil {
		panic(err) // embedded and checked by the tests: a build defect
	}
	return m, order
})

func parseRegions(b []byte) (map[string]string, []string, error) {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("country: read regions.csv: %w", err)
	}
	m := map[string]string{}
	var order []string
	for i, rec := range recs[1:] {
		if len(rec) != 2 || rec[1] == "" {
			return nil, nil, fmt.Errorf("country: regions.csv line %d: want a code and a region", i+2)
		}
		if c, ok := Lookup(rec[0]); !ok || !c.IsState() {
			return nil, nil, fmt.Errorf("country: regions.csv line %d: %s is not a state's code", i+2, rec[0])
		}
		if _, dup := m[rec[0]]; dup {
			return nil, nil, fmt.Errorf("country: regions.csv line %d: %s listed twice", i+2, rec[0])
		}
		m[rec[0]] = rec[1]
		if len(order) == 0 || order[len(order)-1] != rec[1] {
			order = append(order, rec[1])
		}
	}
	return m, order, nil
}

// SIPRIRegion returns the SIPRI subregion of a state, and false for a code
// SIPRI's workbook does not list.
func SIPRIRegion(iso3 string) (string, bool) {
	m, _ := loadRegions()
	r, ok := m[iso3]
	return r, ok
}

// SIPRIRegions returns SIPRI's subregions in the workbook's order.
func SIPRIRegions() []string {
	_, order := loadRegions()
	return order
}
