package site

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"

	"github.com/pelletier/go-toml/v2"
	cldr "golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	project "github.com/defence-transparency/publish/site"
)

// words are the site's words for what Go writes itself rather than Hugo:
// the catalogue's and the structured data's titles of the downloads. They
// come from the same i18n file as the pages' words, in the site's language,
// so that the two never disagree.
type words struct {
	lang   string
	tag    language.Tag
	msgs   map[string]map[string]string // key -> plural form -> text
	parsed sync.Map                     // text -> *template.Template, each text parsed once

	mu  sync.Mutex // country pages are drawn concurrently
	err error      // the first error of say
}

// loadWords reads the i18n file of lang from the embedded project.
func loadWords(lang string) (*words, error) {
	b, err := fs.ReadFile(project.FS, "i18n/"+lang+".toml")
	if err != nil {
		return nil, fmt.Errorf("site: words: %w", err)
	}
	w := &words{lang: lang, tag: language.Make(lang)}
	if err := toml.Unmarshal(b, &w.msgs); err != nil {
		return nil, fmt.Errorf("site: words: i18n/%s.toml: %w", lang, err)
	}
	return w, nil
}

// pluralForms names the CLDR plural forms as the i18n files write them.
var pluralForms = map[cldr.Form]string{cldr.Zero: "zero", cldr.One: "one", cldr.Two: "two",
	cldr.Few: "few", cldr.Many: "many", cldr.Other: "other"}

// get returns the text of key with data filled in, in the plural form the
// language's rules give data's Count (an int), else "other". A key the
// file lacks is an error: the tests build every page that uses one.
func (w *words) get(key string, data map[string]any) (string, error) {
	m := w.msgs[key]
	form := m["other"]
	if n, ok := data["Count"].(int); ok {
		if f := m[pluralForms[cldr.Cardinal.MatchPlural(w.tag, n, 0, 0, 0, 0)]]; f != "" {
			form = f
		}
	}
	if form == "" {
		return "", fmt.Errorf("site: words: i18n/%s.toml has no %s", w.lang, key)
	}
	if !strings.Contains(form, "{{") {
		return form, nil // what the template would write
	}
	t, err := w.template(key, form)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("site: words: %s: %w", key, err)
	}
	return b.String(), nil
}

// template returns form parsed: a sentence a site says thousands of times
// (a cell's missing figure, a column's unit) is parsed once.
func (w *words) template(key, form string) (*template.Template, error) {
	if t, ok := w.parsed.Load(form); ok {
		return t.(*template.Template), nil
	}
	t, err := template.New(key).Parse(form)
	if err != nil {
		return nil, fmt.Errorf("site: words: %s: %w", key, err)
	}
	w.parsed.Store(form, t)
	return t, nil
}
