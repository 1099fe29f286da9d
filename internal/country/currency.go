package country

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sync"
)

// currencies.csv gives the ISO 4217 code of each currency SIPRI names in
// its local-currency sheets, per country, since one name ("Dollars",
// "Pesos", "CFA Francs") stands for different currencies in different
// states. SIPRI gives a state's whole series in its latest currency (the ‖
// note marks a redenomination or a change of currency), so the code is that
// of the latest currency. A name missing here (a state whose latest currency
// SIPRI's name leaves in doubt, such as a bolívar or a leone after a
// redenomination) has no code: a figure in it is compared with nothing.
//
//go:embed currencies.csv
var currenciesCSV []byte

var loadCurrencies = sync.OnceValue(func() map[[2]string]string {
	m, err := parseCurrencies(currenciesCSV)
	if err != nil {
		panic(err) // embedded and checked by the tests: a build defect
	}
	return m
})

func parseCurrencies(b []byte) (map[[2]string]string, error) {
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("country: read currencies.csv: %w", err)
	}
	m := map[[2]string]string{}
	for i, rec := range recs[1:] {
		if len(rec) != 3 || len(rec[0]) != 3 || len(rec[2]) != 3 || rec[1] == "" {
			return nil, fmt.Errorf("country: currencies.csv line %d: want a code, a name and an ISO 4217 code", i+2)
		}
		if _, ok := Lookup(rec[0]); !ok {
			return nil, fmt.Errorf("country: currencies.csv line %d: unknown country %s", i+2, rec[0])
		}
		k := [2]string{rec[0], normalize(rec[1])}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("country: currencies.csv line %d: %s %s listed twice", i+2, rec[0], rec[1])
		}
		m[k] = rec[2]
	}
	return m, nil
}

// CurrencyCode returns the ISO 4217 code of the currency a source names
// name for the country iso3 ("Euro" for DEU is EUR; "Dollars" for CAN is
// CAD), and false when the registry does not know it.
func CurrencyCode(iso3, name string) (string, bool) {
	c, ok := loadCurrencies()[[2]string{iso3, normalize(name)}]
	return c, ok
}
