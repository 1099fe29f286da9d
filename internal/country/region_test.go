package country

import (
	"slices"
	"testing"
)

func TestSIPRIRegion(t *testing.T) {
	for code, want := range map[string]string{"DEU": "Western Europe", "POL": "Central Europe", "DZA": "North Africa", "USA": "North America", "IND": "South Asia"} {
		if got, ok := SIPRIRegion(code); !ok || got != want {
			t.Errorf("SIPRIRegion(%s) = %q, %v, want %q", code, got, ok, want)
		}
	}
	if _, ok := SIPRIRegion("WLD"); ok {
		t.Error("SIPRIRegion(WLD) = true, want no region for an aggregate")
	}
	rs := SIPRIRegions()
	if len(rs) != 14 || rs[0] != "North Africa" || !slices.Contains(rs, "Middle East") {
		t.Errorf("SIPRIRegions() = %q, want SIPRI's 14 subregions from North Africa", rs)
	}
	if _, _, err := parseRegions([]byte("iso3,sipri_region\nDEU,Western Europe\nDEU,Western Europe\n")); err == nil {
		t.Error("parseRegions of a code listed twice = nil error")
	}
}
