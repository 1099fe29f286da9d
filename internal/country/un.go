package country

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"strconv"
	"sync"
)

//go:embed un_admissions.csv
var unAdmissionsCSV []byte

var unAdmissions = sync.OnceValue(func() map[string]int {
	recs, err := csv.NewReader(bytes.NewReader(unAdmissionsCSV)).ReadAll()
	if err != nil {
		panic(err) // embedded and tested: a build defect
	}
	m := map[string]int{}
	for _, rec := range recs[1:] {
		year, err := strconv.Atoi(rec[1])
		if err != nil {
			panic(err)
		}
		m[rec[0]] = year
	}
	return m
})

// JoinedUN returns the year a state became a member of the United Nations
// when that was after 1991, and 0 for states that were members before 1992
// (or are not members). The UN confidence-building instruments start in
// 1992, so a state's "no report" rows start in the year it joined: South
// Sudan cannot have failed to report for 2005.
func JoinedUN(iso3 string) int { return unAdmissions()[iso3] }
