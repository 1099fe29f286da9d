package unroca

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// ErrFormat reports a document that is not an answer of the register's API
// in the shape this package reads.
var ErrFormat = errors.New("not an answer of the UNROCA API")

// Entry is a state in the register's country list, as the API names it.
type Entry struct {
	Name string `json:"name_en"`          // "Austria", "Côte d'Ivoire"
	Slug string `json:"countryname_slug"` // "austria", "cote-divoire": the state's path on the site and the API
	ISO2 string `json:"iso_2_acronym"`    // ISO 3166-1 alpha-2, "AT"
}

// slugForm is the form of a slug: it goes into URLs, so nothing else is
// taken from the API.
var slugForm = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ParseList reads one answer of the country list,
// https://www.unroca.org/api/country-list/: a JSON array of entries. An
// object with "results" and "next" (the paginated form of the same list) is
// read too, and next is then the URL of the following page, "" on the last.
func ParseList(body []byte) (entries []Entry, next string, err error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '{' {
		var page struct {
			Results *[]Entry `json:"results"`
			Next    *string  `json:"next"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, "", fmt.Errorf("country list: %w: %w", ErrFormat, err)
		}
		if page.Results == nil {
			return nil, "", fmt.Errorf("country list: an object without results: %w", ErrFormat)
		}
		entries = *page.Results
		if page.Next != nil {
			next = *page.Next
		}
	} else if err := json.Unmarshal(body, &entries); err != nil {
		return nil, "", fmt.Errorf("country list: %w: %w", ErrFormat, err)
	}
	for i, e := range entries {
		if !slugForm.MatchString(e.Slug) {
			return nil, "", fmt.Errorf("country list: entry %d (%q): slug %q: %w", i+1, e.Name, e.Slug, ErrFormat)
		}
	}
	return entries, next, nil
}

// Profile is what the API answers for a state, https://www.unroca.org/api/<slug>/,
// as far as this package reads it: the state, and the years it reported.
type Profile struct {
	Country Entry
	// Years are the years of the state's reports, as available_reports
	// lists them (latest first on the real API), each once.
	Years []int
}

// ParseProfile reads a state's answer. It must name the state and list its
// reports, an empty list for a state that never reported; a document
// without either is not a profile.
func ParseProfile(body []byte) (*Profile, error) {
	var raw struct {
		Country *Entry `json:"country"`
		Reports *[]struct {
			Year *int `json:"year"`
		} `json:"available_reports"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if raw.Country == nil || raw.Reports == nil {
		return nil, fmt.Errorf("no country or no available_reports: %w", ErrFormat)
	}
	p := &Profile{Country: *raw.Country}
	seen := map[int]bool{}
	for i, r := range *raw.Reports {
		if r.Year == nil {
			return nil, fmt.Errorf("available_reports[%d] has no year: %w", i, ErrFormat)
		}
		if y := *r.Year; !seen[y] {
			seen[y] = true
			p.Years = append(p.Years, y)
		}
	}
	return p, nil
}
