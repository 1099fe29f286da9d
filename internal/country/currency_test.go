package country

import "testing"

func TestCurrencyCode(t *testing.T) {
	tests := []struct {
		iso3, name, want string
		ok               bool
	}{
		{"DEU", "Euro", "EUR", true},
		{"CAN", "Dollars", "CAD", true},
		{"AUS", "dollars", "AUD", true}, // case folded, as SIPRI's spelling varies
		{"SEN", "CFA Francs", "XOF", true},
		{"CMR", "CFA Francs", "XAF", true},
		{"ISL", "Kronur", "ISK", true}, // accents folded
		{"HRV", "Kunas", "HRK", true},  // before the euro
		{"HRV", "Euro", "EUR", true},   // since
		{"DEU", "Marks", "", false},    // a name SIPRI does not use for it
		{"VEN", "Bolívar", "", false},  // which bolívar is in doubt
	}
	for _, tt := range tests {
		got, ok := CurrencyCode(tt.iso3, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CurrencyCode(%q, %q) = %q, %v, want %q, %v", tt.iso3, tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseCurrenciesRejects(t *testing.T) {
	for _, in := range []string{
		"iso3,currency,iso4217\nDEU,Euro\n",
		"iso3,currency,iso4217\nQQQ,Euro,EUR\n",
		"iso3,currency,iso4217\nDEU,Euro,EUR\nDEU,euro,EUR\n",
		"iso3,currency,iso4217\nDEU,,EUR\n",
	} {
		if _, err := parseCurrencies([]byte(in)); err == nil {
			t.Errorf("parseCurrencies(%q) = nil error, want one", in)
		}
	}
}
