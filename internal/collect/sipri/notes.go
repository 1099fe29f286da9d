package sipri

import (
	"strings"
	"unicode"
)

// noteSymbols are SIPRI's special notes: † excludes military pensions,
// ‡ current spending only, § adopted budget, ¶ excludes paramilitary forces,
// ‖ currency changed or redenominated.
const noteSymbols = "†‡§¶‖"

// splitNotes splits a Notes cell into its special-note symbols and its
// numbered footnote references: "‡§¶16" is "‡§¶" and "16", "§‖1" is "§‖" and
// "1", "44" is "" and "44". Several numbers are joined with commas. It
// reports false for any other character, so that a new kind of note is noticed
// rather than lost.
func splitNotes(s string) (notes, footnotes string, ok bool) {
	var sym strings.Builder
	var nums []string
	start := -1
	for i, r := range s {
		if '0' <= r && r <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			nums = append(nums, s[start:i])
			start = -1
		}
		switch {
		case strings.ContainsRune(noteSymbols, r):
			sym.WriteRune(r)
		case unicode.IsSpace(r) || r == ',' || r == ';':
		default:
			return "", "", false
		}
	}
	if start >= 0 {
		nums = append(nums, s[start:])
	}
	return sym.String(), strings.Join(nums, ","), true
}
