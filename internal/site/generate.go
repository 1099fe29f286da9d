package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/defence-transparency/publish/internal/dataset"
	project "github.com/defence-transparency/publish/site"
)

// ErrNotBuildDir is returned by Generate for a directory that holds files
// but was not made by Generate: it is never emptied.
var ErrNotBuildDir = errors.New("directory is not empty and is not a site build directory")

// markerFile marks a directory made by Generate, which may be emptied.
const markerFile = ".publish-site"

// Generate writes a complete Hugo project into dir: a copy of the project
// in the top-level site directory, the content and data made from in, and
// the files offered for download. It creates dir, or empties it if an
// earlier Generate made it; it refuses any other non-empty directory with
// ErrNotBuildDir, and writes nowhere else.
func Generate(dir string, in *Input) error {
	if in == nil {
		return errors.New("site: generate: no input")
	}
	base, err := baseURL(in.BaseURL)
	if err != nil {
		return err
	}
	urls := siteURLs{base: base}
	// Check and load every dataset before the directory is touched.
	tables, recs, err := loadTables(in)
	if err != nil {
		return err
	}
	fam, err := readFamilies(in, tables)
	if err != nil {
		return err
	}
	// The country pages also show each country's own excerpts of the
	// sources whose terms allow no more (excerpts.go); nothing else does.
	xs, err := readExcerpts(in, tables, recs, fam)
	if err != nil {
		return err
	}
	rows, err := countryRows(xs.recs)
	if err != nil {
		return err
	}
	if err := prepareDir(dir); err != nil {
		return err
	}
	if err := copyProject(dir); err != nil {
		return err
	}
	sample := in.Sample
	for _, d := range in.Datasets {
		if d.Descriptor != nil && d.Descriptor.Sample {
			sample = true
		}
	}
	title, description, err := writeConfig(dir, in, base, sample, fam)
	if err != nil {
		return err
	}
	lastmod := machineTime(in.Generated)
	names := sourceNamesOf(in)

	// Write the downloads in the background while the country pages are
	// made: both take a good share of the time.
	downloads := make([][]downloadItem, len(in.Datasets))
	dlErr := make(chan error, 1)
	go func() {
		for i := range in.Datasets {
			d := &in.Datasets[i]
			items, err := writeDownloads(filepath.Join(dir, "static", "datasets", d.Definition.Name), d, tables[i])
			if err != nil {
				dlErr <- err
				return
			}
			downloads[i] = items
		}
		dlErr <- nil
	}()

	// Every country with a row in any dataset gets a page. The sections
	// of the country pages (ex) read the excerpts too; the tracker, the
	// lists and the home page (pub) read only what is published.
	sectionsOf := func(fam *families) *countrySections {
		ex := &countrySections{names: fam.names()}
		if len(fam.cbm) > 0 {
			ex.cbm = newCBMIndex(fam.cbm)
		}
		if len(fam.audits) > 0 {
			ex.audits = newAuditIndex(fam.audits, names, urls)
		}
		if len(fam.risk) > 0 || len(fam.riskOther) > 0 {
			ex.risk = newRiskIndex(fam.risk, fam.riskOther)
		}
		return ex
	}
	pub := sectionsOf(fam)
	ex := pub
	if xs.fam != fam {
		ex = sectionsOf(xs.fam)
	}

	// The histories first: the country pages list their revisions.
	histories, err := loadHistories(in, filepath.Join(dir, "static"))
	cs := &changeSite{urls: urls, names: names, hist: histories, siteTitle: title, lastmod: lastmod}
	var pages []countryPage
	var groups []letterGroup
	if err == nil {
		pages, groups, err = countryPages(xs.recs, rows, ex, names, urls, lastmod, cs)
	}
	if err == nil {
		for i := range pages {
			pages[i].Params.Excerpts = xs.notes(pages[i].Params.ISO3, names)
		}
		for _, p := range pages {
			if err = writePage(filepath.Join(dir, "content", "countries", strings.ToLower(p.Params.ISO3)+".md"), p); err != nil {
				break
			}
		}
	}
	if derr := <-dlErr; err == nil {
		err = derr
	}
	if err != nil {
		return err
	}

	changes := cs.changesRows()
	catalog := newCatalog(title, description, lastmod, urls)
	var summaries []datasetSummary
	titles := map[string]string{}
	for i := range in.Datasets {
		d := &in.Datasets[i]
		name := d.Definition.Name
		page, ld, err := datasetPageOf(d, tables[i], downloads[i], in, urls, title, lastmod, i+1)
		if err != nil {
			return err
		}
		if histories[i] != nil {
			page.Params.Versions = datasetVersions(changes, name)
			page.Params.Feeds = cs.feeds(name)
			page.Params.VersionPages = integer(int64(min(len(histories[i].versions), versionPagesOf(in))))
		}
		if err := writePage(filepath.Join(dir, "content", "datasets", name+".md"), page); err != nil {
			return err
		}
		catalog.add(&page, ld, urls)
		titles[name] = d.Definition.Title
		summaries = append(summaries, datasetSummary{
			Title: d.Definition.Title, Description: d.Definition.Description,
			Path: urls.link(datasetPath(name)), Rows: page.Params.Rows,
			Version: page.Params.Version, Created: page.Params.Created, Coverage: page.Params.Coverage,
		})
	}
	// The countries that have a page, by the name it carries.
	countryNames := map[string]string{}
	for _, p := range pages {
		countryNames[p.Params.ISO3] = p.Title
	}
	cs.pages = countryNames
	if err := writeSections(dir, pub, fam, names, urls, countryNames, lastmod); err != nil {
		return err
	}
	home := homePageOf(in, summaries, len(pages), title, description, lastmod)
	home.Params.Changes = changes[:min(len(changes), homeChanges)]
	home.Params.Feeds = cs.feeds("")
	if pub.cbm != nil {
		home.Params.Participation = pub.cbm.participations(urls)
		home.Params.TrackerPath = urls.link("cbm/")
	}
	if pub.audits != nil {
		home.Params.AuditsPath = urls.link("audits/")
		home.Params.Audits = plural(len(fam.audits), "report", "reports") + " from " + plural(len(pub.audits.auditors), "auditor", "auditors")
	}
	sections := []struct {
		path string
		page any
	}{
		{"content/_index.md", home},
		{"content/changes/_index.md", changesPageOf(cs, changes, in, lastmod)},
		{"content/datasets/_index.md", map[string]any{
			"title": "Datasets", "lastmod": lastmod,
			"description": "The datasets this site publishes, with their schema, licence and downloads in CSV and Parquet.",
		}},
		{"content/countries/_index.md", map[string]any{
			"title": "Countries", "lastmod": lastmod,
			"description": "A page for every country and former state in the datasets: its military spending, its reporting to the UN instruments, audits of its defence and its risk context, as far as the sources cover it.",
		}},
		{"content/sources.md", sourcesPageOf(in, titles, urls, lastmod)},
	}
	for _, s := range sections {
		if err := writePage(filepath.Join(dir, filepath.FromSlash(s.path)), s.page); err != nil {
			return err
		}
	}
	for _, vp := range cs.versionPages() {
		file := strings.ReplaceAll(vp.Params.Version, ".", "_") + ".md"
		if err := writePage(filepath.Join(dir, "content", "changes", vp.Params.Dataset, file), vp); err != nil {
			return err
		}
	}
	if err := cs.writeFeeds(filepath.Join(dir, "static"), sample); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "data", "countries.json"), map[string]any{"groups": groups}); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, "static", "catalog.json"), catalog)
}

// homeChanges is how many of the newest versions the home page lists.
const homeChanges = 6

// writeSections writes the pages of the CBM tracker and of the audits.
func writeSections(dir string, ex *countrySections, fam *families, names *sourceNames, urls siteURLs, countryNames map[string]string, lastmod string) error {
	content := filepath.Join(dir, "content")
	if ex.cbm != nil {
		if err := writePage(filepath.Join(content, "cbm", "_index.md"), ex.cbm.overview(urls, fam.cbmDataset, lastmod)); err != nil {
			return err
		}
		tps, err := ex.cbm.trackerPages(names, urls, countryNames, fam.cbmDataset, lastmod)
		if err != nil {
			return err
		}
		for _, p := range tps {
			if err := writePage(filepath.Join(content, filepath.FromSlash(strings.TrimSuffix(trackerPath(p.Params.Instrument), "/")+".md")), p); err != nil {
				return err
			}
		}
	}
	if ex.audits != nil {
		if err := writePage(filepath.Join(content, "audits", "_index.md"), ex.audits.overview(names, urls, countryNames, fam.auditDataset, lastmod)); err != nil {
			return err
		}
		lists := append(ex.audits.auditorPages(names, urls, lastmod), ex.audits.countryListPages(names, urls, countryNames, lastmod)...)
		for _, p := range lists {
			if err := writePage(filepath.Join(content, filepath.FromSlash(p.file)), p); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadTables checks the datasets' names and returns their rows, read from
// the Parquet file where the input holds none, and the rows of the
// military-expenditure datasets as records for the country pages.
func loadTables(in *Input) ([]*dataset.Table, []dataset.Expenditure, error) {
	tables := make([]*dataset.Table, len(in.Datasets))
	var recs []dataset.Expenditure
	seen := map[string]bool{}
	for i := range in.Datasets {
		d := &in.Datasets[i]
		if d.Definition == nil {
			return nil, nil, fmt.Errorf("site: generate: dataset %d has no definition", i)
		}
		name := d.Definition.Name
		if !datasetName.MatchString(name) {
			return nil, nil, fmt.Errorf("site: generate: dataset name %q is not lower-case letters, digits and hyphens", name)
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("site: generate: dataset name %q appears twice", name)
		}
		seen[name] = true
		t := d.Table
		if t == nil {
			if d.ParquetPath == "" {
				return nil, nil, fmt.Errorf("site: generate: dataset %s has neither rows nor a file", name)
			}
			var err error
			if t, err = dataset.ReadParquetFile(d.ParquetPath, d.Definition.Schema); err != nil {
				return nil, nil, fmt.Errorf("site: generate: %w", err)
			}
		}
		tables[i] = t
		if is(d, t, dataset.ExpenditureSchema) {
			// Usually the only such dataset: its records are kept, not
			// copied.
			rs := dataset.Expenditures(t)
			if recs == nil {
				recs = rs
			} else {
				recs = append(recs, rs...)
			}
		}
	}
	return tables, recs, nil
}

// baseURL checks the base URL and gives it a trailing slash.
func baseURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("site: base URL %q is not an absolute http or https URL", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// prepareDir creates dir, or empties it if Generate made it.
func prepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("site: generate: %w", err)
		}
	case err != nil:
		return fmt.Errorf("site: generate: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
			return fmt.Errorf("site: generate: %s: %w", dir, ErrNotBuildDir)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("site: generate: empty %s: %w", dir, err)
			}
		}
	}
	err = os.WriteFile(filepath.Join(dir, markerFile),
		[]byte("Made by publish (internal/site). Emptied by every site build.\n"), 0o644)
	if err != nil {
		return fmt.Errorf("site: generate: %w", err)
	}
	return nil
}

// copyProject copies the embedded Hugo project into dir.
func copyProject(dir string) error {
	err := fs.WalkDir(project.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(project.FS, path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("site: copy project: %w", err)
	}
	return nil
}

// writeConfig writes the project's hugo.toml with the base URL and the
// generated params, and returns the site's title and description.
func writeConfig(dir string, in *Input, base string, sample bool, fam *families) (title, description string, err error) {
	b, err := fs.ReadFile(project.FS, "hugo.toml")
	if err != nil {
		return "", "", fmt.Errorf("site: config: %w", err)
	}
	var cfg map[string]any
	if err := toml.Unmarshal(b, &cfg); err != nil {
		return "", "", fmt.Errorf("site: config: %w", err)
	}
	params, _ := cfg["params"].(map[string]any)
	if params == nil {
		params = map[string]any{}
	}
	title, _ = cfg["title"].(string)
	description, _ = params["description"].(string)
	cfg["baseURL"] = "/"
	if base != "" {
		cfg["baseURL"] = base
	}
	cfg["relativeURLs"] = base == ""
	params["sample"] = sample
	params["localLinks"] = base == ""
	params["canonical"] = base != ""
	params["updated"] = dayTime(in.Generated)
	params["updatedISO"] = machineTime(in.Generated)
	// The navigation links the tracker and the audits only when they exist.
	params["cbm"] = len(fam.cbm) > 0
	params["audits"] = len(fam.audits) > 0
	cfg["params"] = params
	out, err := toml.Marshal(cfg)
	if err != nil {
		return "", "", fmt.Errorf("site: config: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hugo.toml"), out, 0o644); err != nil {
		return "", "", fmt.Errorf("site: config: %w", err)
	}
	return title, description, nil
}

// sourceNamesOf gives each source name its label and rank from the
// sources' status, then from the descriptors.
func sourceNamesOf(in *Input) *sourceNames {
	n := &sourceNames{label: map[string]string{}, rank: map[string]int{}, home: map[string]string{},
		credit: map[string]string{}, download: map[string]string{}}
	for i := range in.Sources {
		s := &in.Sources[i]
		if _, ok := n.rank[s.Name]; !ok {
			n.rank[s.Name] = len(n.rank)
			n.label[s.Name] = s.label()
			n.home[s.Name] = s.Homepage
			n.credit[s.Name] = s.Attribution
			n.download[s.Name] = s.Download
		}
	}
	for _, d := range in.Datasets {
		if d.Descriptor == nil {
			continue
		}
		for _, s := range d.Descriptor.Sources {
			if _, ok := n.rank[s.Name]; !ok && s.Name != "" {
				n.rank[s.Name] = len(n.rank)
				n.label[s.Name] = s.Title
			}
			if n.home[s.Name] == "" && s.Name != "" {
				n.home[s.Name] = s.Path
			}
		}
	}
	return n
}

// writePage writes a content file whose front matter is v as JSON, which
// Hugo reads as data: nothing in it is parsed as Markdown or HTML.
func writePage(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	return writeOut(path, buf.Bytes())
}

// writeJSON writes v as indented JSON.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	return writeOut(path, append(b, '\n'))
}

// writeOut writes a file of the build, creating its directory.
func writeOut(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("site: write %s: %w", filepath.Base(path), err)
	}
	return nil
}
