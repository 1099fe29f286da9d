// Package site holds the Hugo project of the published website: its
// configuration, layouts and stylesheet. The binary embeds it, so it can
// build the site with no files beside it; internal/site copies FS into a
// build directory and adds the generated content there.
package site

import "embed"

// FS holds hugo.toml, layouts/, assets/ and i18n/. Layout directories whose names
// start with an underscore (_partials) are included with the all: prefix.
//
//go:embed hugo.toml all:layouts assets i18n
var FS embed.FS
