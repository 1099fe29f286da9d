// Package zzwarm is temporary: it pins dependencies until real code imports them.
package zzwarm

import (
	_ "github.com/PuerkitoBio/goquery"
	_ "github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/chromedp/chromedp"
	_ "github.com/go-git/go-git/v5"
	_ "github.com/gocolly/colly/v2"
	_ "github.com/gohugoio/hugo/commands"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pelletier/go-toml/v2"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/text/language"
)
