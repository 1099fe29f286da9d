package site

import "testing"

func TestWords(t *testing.T) {
	w, err := loadWords("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		key  string
		data map[string]any
		want string
	}{
		{"download_parquet_zstd", nil, "Parquet, zstd-compressed"},
		{"size_bytes", map[string]any{"Count": 1, "N": "1"}, "1 byte"},
		{"size_bytes", map[string]any{"Count": 512, "N": "512"}, "512 bytes"},
	} {
		got, err := w.get(tt.key, tt.data)
		if err != nil || got != tt.want {
			t.Errorf("get(%q, %v) = %q, %v; want %q", tt.key, tt.data, got, err, tt.want)
		}
	}
	if _, err := w.get("no_such_key", nil); err == nil {
		t.Errorf("get(no_such_key) = nil error, want one")
	}
}

// testWords returns the English words, failing the test if a sentence
// written with them lacked its key.
func testWords(t *testing.T) *words {
	t.Helper()
	w, err := loadWords("en")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if w.err != nil {
			t.Error(w.err)
		}
	})
	return w
}

// englishWords returns the English words for reading expectations.
func englishWords(tb testing.TB) *words {
	tb.Helper()
	w, err := loadWords("en")
	if err != nil {
		tb.Fatal(err)
	}
	return w
}
