package site

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pelletier/go-toml/v2"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/catalog"
	project "github.com/defence-transparency/publish/site"
)

// ErrNotBuildDir is returned by Generate for a directory that holds files
// but was not made by Generate: it is never written into.
var ErrNotBuildDir = errors.New("directory is not empty and is not a site build directory")

// markerFile marks a directory made by Generate, which the next Generate
// writes over.
const markerFile = ".publish-site"

// Generate writes a complete Hugo project into dir: a copy of the project
// in the top-level site directory, the content and data made from in, and
// the files offered for download. It creates dir, or writes over the
// project an earlier Generate made there and removes what this one did
// not write; it refuses any other non-empty directory with
// ErrNotBuildDir, and writes nowhere else.
func Generate(dir string, in *Input) error {
	g, err := newGenerator(dir, in)
	if err != nil {
		return err
	}
	return g.generate()
}

// generate writes the build directory.
func (g *generator) generate() (err error) {
	removed, err := prepareDir(g.dir)
	if err != nil {
		return err
	}
	defer func() {
		if rerr := removed(); err == nil {
			err = rerr
		}
	}()
	g.out = newProjectFiles(g.dir)
	defer func() {
		// What the last build wrote and this one did not goes, once the
		// project is whole.
		if err == nil {
			err = g.out.prune()
		}
	}()
	if err := g.out.copyProject(); err != nil {
		return err
	}
	in, dir, fam, urls, names, lastmod := g.in, g.dir, g.fam, g.urls, g.names, g.lastmod

	// Write the downloads in the background while the country pages are
	// made: both take a good share of the time.
	downloads := make([][]downloadItem, len(in.Datasets))
	dlErr := make(chan error, 1)
	go func() {
		for i := range in.Datasets {
			d := &in.Datasets[i]
			items, err := g.writeDownloads(filepath.Join(dir, "static", "datasets", d.Definition.Name), d, g.tables[i], &g.sums[i])
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
		ex := &countrySections{g: g, names: fam.names()}
		if len(fam.cbm) > 0 {
			ex.cbm = newCBMIndex(fam.cbm)
		}
		if len(fam.audits) > 0 {
			ex.audits = g.newAuditIndex(fam.audits)
		}
		if len(fam.risk) > 0 {
			ex.risk = g.newRiskIndex(fam.risk)
		}
		return ex
	}
	pub := sectionsOf(fam)
	ex := pub
	if g.xs.fam != fam {
		ex = sectionsOf(g.xs.fam)
	}

	// The histories first: the country pages list their revisions.
	shares := g.shares() // the comparisons' figures
	histories, err := g.loadHistories(filepath.Join(dir, "static"))
	cs := &changeSite{g: g, urls: urls, names: names, hist: histories, siteTitle: g.title, lastmod: lastmod}
	var pages []countryPage
	var groups []letterGroup
	if err == nil {
		pages, groups, err = g.countryPages(ex, cs)
	}
	if err == nil {
		reported := g.reportedRows(g.xs.fam.cbm, newReportedIndex(g.recs))
		pageNames := map[string]string{}
		for _, p := range pages {
			pageNames[p.Params.ISO3] = p.Title
		}
		for i := range pages {
			if c := g.neighboursChart(shares, pages[i].Params.ISO3, pageNames); c != nil {
				pages[i].Params.Neighbours = c
				pages[i].Params.Contents = contentsOf(&pages[i].Params)
			}
			pages[i].Params.Excerpts = g.xs.notes(pages[i].Params.ISO3, names)
			if r := g.reportedSection(reported[pages[i].Params.ISO3]); r != nil {
				pages[i].Params.Reported = r
				pages[i].Params.Contents = contentsOf(&pages[i].Params)
			}
		}
		err = parallel(len(pages), func(k int) error {
			return g.out.putPage(filepath.Join(dir, "content", "countries", strings.ToLower(pages[k].Params.ISO3)+".md"), pages[k])
		})
	}
	if derr := <-dlErr; err == nil {
		err = derr
	}
	if err != nil {
		return err
	}

	changes := cs.changesRows()
	cat := catalog.New(g.title, g.description, lastmod, urls.base)
	var summaries []datasetSummary
	titles := map[string]string{}
	for i := range in.Datasets {
		d := &in.Datasets[i]
		name := d.Definition.Name
		page, cd, err := g.datasetPage(d, &g.sums[i], downloads[i], i+1)
		if err != nil {
			return err
		}
		if histories[i] != nil {
			page.Params.Versions = datasetVersions(changes, name)
			page.Params.Feeds = cs.feeds(name)
			page.Params.VersionPages = g.count(min(len(histories[i].versions), versionPagesOf(in)))
		}
		if err := g.out.putPage(filepath.Join(dir, "content", "datasets", name+".md"), page); err != nil {
			return err
		}
		cat.Add(cd)
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

	// What is left are parts that each write their own files from what
	// is made by now: they are made on every core, the longest first.
	writeIndexes := func() error {
		ranked, err := g.writeRankings(countryNames)
		if err != nil {
			return err
		}
		docs, err := g.searchDocs(countryNames, pub.audits)
		if err != nil {
			return err
		}
		if rp := g.riskOverviewOf(countryNames); rp != nil {
			if err := g.out.putPage(filepath.Join(dir, "content", "risk.md"), rp); err != nil {
				return err
			}
			title, err := g.words.get("riskpage_title", nil)
			if err != nil {
				return err
			}
			docs = append(docs, searchDoc{Kind: "page", Title: title, Path: g.urls.link("risk/")})
		}
		if ranked {
			title, err := g.words.get("rank_title", nil)
			if err != nil {
				return err
			}
			docs = append(docs, searchDoc{Kind: "page", Title: title, Path: g.urls.link(rankingsPath(""))})
		}
		if err := g.writeSearch(docs); err != nil {
			return err
		}
		home := g.homePage(summaries, len(pages))
		home.Params.Changes = changes[:min(len(changes), homeChanges)]
		home.Params.Feeds = cs.feeds("")
		if pub.cbm != nil {
			home.Params.Participation = pub.cbm.participations(urls)
			home.Params.TrackerPath = urls.link("cbm/")
		}
		home.Params.Figures = g.homeFiguresOf(countryNames, pub.audits, changes, ranked)
		if pub.audits != nil {
			home.Params.AuditsPath = urls.link("audits/")
			home.Params.Reports, home.Params.Auditors = g.count(len(fam.audits)), g.count(len(pub.audits.auditors))
		}
		sections := []struct {
			path string
			page any
		}{
			{"content/_index.md", home},
			{"content/changes/_index.md", changesPageOf(cs, changes, in, lastmod)},
			{"content/datasets/_index.md", map[string]any{"lastmod": lastmod}},
			{"content/countries/_index.md", map[string]any{"lastmod": lastmod}},
			{"content/sources.md", g.sourcesPage(titles)},
		}
		if len(g.xs.fam.cbm) > 0 {
			sections = append(sections, struct {
				path string
				page any
			}{"content/reported.md", g.reportedRanking(fam.cbm, g.pubRecs, countryNames)})
		}
		for _, s := range sections {
			if err := g.out.putPage(filepath.Join(dir, filepath.FromSlash(s.path)), s.page); err != nil {
				return err
			}
		}
		return nil
	}
	writeChanges := func() error {
		for _, vp := range cs.versionPages() {
			file := strings.ReplaceAll(vp.Params.Version, ".", "_") + ".md"
			if err := g.out.putPage(filepath.Join(dir, "content", "changes", vp.Params.Dataset, file), vp); err != nil {
				return err
			}
		}
		return cs.writeFeeds(filepath.Join(dir, "static"), g.sample)
	}
	var hasMaps bool // whether writeLists wrote any map
	writeLists := func() error {
		if err := g.writeSections(pub, countryNames); err != nil {
			return err
		}
		if err := g.out.putJSON(filepath.Join(dir, "data", "countries.json"), map[string]any{"groups": groups}); err != nil {
			return err
		}
		var err error
		hasMaps, err = g.writeMaps(countryNames)
		return err
	}
	tasks := []func() error{
		func() error { return g.writeCompare(shares, countryNames) },
		writeIndexes,
		writeChanges,
		writeLists,
	}
	if err := parallel(len(tasks), func(k int) error { return tasks[k]() }); err != nil {
		return err
	}
	if err := g.words.failed(); err != nil {
		// A sentence Go wrote lacked its words.
		return err
	}
	// The configuration last: its navigation names the sections written.
	if err := g.writeConfig(hasMaps); err != nil {
		return err
	}
	b, err := cat.Marshal()
	if err != nil {
		return err
	}
	return g.out.put(filepath.Join(dir, "static", "catalog.json"), b)
}

// writeSections writes the pages of the CBM tracker and of the audits.
func (g *generator) writeSections(ex *countrySections, countryNames map[string]string) error {
	content := filepath.Join(g.dir, "content")
	if ex.cbm != nil {
		if err := g.out.putPage(filepath.Join(content, "cbm", "_index.md"), g.cbmOverview(ex.cbm)); err != nil {
			return err
		}
		for _, p := range g.trackerPages(ex.cbm, countryNames) {
			file := strings.TrimSuffix(trackerPath(p.Params.Instrument.Code), "/") + ".md"
			if err := g.out.putPage(filepath.Join(content, filepath.FromSlash(file)), p); err != nil {
				return err
			}
		}
	}
	if ex.audits != nil {
		if err := g.out.putPage(filepath.Join(content, "audits", "_index.md"), g.auditsOverview(ex.audits, countryNames)); err != nil {
			return err
		}
		lists := append(g.auditorPages(ex.audits), g.countryListPages(ex.audits, countryNames)...)
		for _, p := range lists {
			if err := g.out.putPage(filepath.Join(content, filepath.FromSlash(p.file)), p); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadTables checks the datasets' names and returns their rows, read from
// the Parquet file where the input holds none, what the pages need of each
// table, and the rows of the military-expenditure datasets as records for
// the country pages. The records are all the pages need of such a dataset
// read from its file, so its table is read a row group at a time and not
// kept: its entry in tables is nil (a table and the records of 2M rows
// would take 800 MB).
//
// The rows of the family datasets (cbm-reports, audit-outcomes,
// risk-reports) are made records in the same pass, each by the worker that
// read them, and returned as fam.
func (g *generator) loadTables() ([]*dataset.Table, []tableSum, []dataset.Expenditure, *families, error) {
	in := g.in
	tables := make([]*dataset.Table, len(in.Datasets))
	sums := make([]tableSum, len(in.Datasets))
	seen := map[string]bool{}
	for i := range in.Datasets {
		d := &in.Datasets[i]
		if d.Definition == nil {
			return nil, nil, nil, nil, fmt.Errorf("site: generate: dataset %d has no definition", i)
		}
		name := d.Definition.Name
		if !datasetName.MatchString(name) {
			return nil, nil, nil, nil, fmt.Errorf("site: generate: dataset name %q is not lower-case letters, digits and hyphens", name)
		}
		if seen[name] {
			return nil, nil, nil, nil, fmt.Errorf("site: generate: dataset name %q appears twice", name)
		}
		seen[name] = true
		if d.Table == nil && d.ParquetPath == "" {
			return nil, nil, nil, nil, fmt.Errorf("site: generate: dataset %s has neither rows nor a file", name)
		}
	}
	// The datasets are read on every core: each reads its own files. The
	// data repository's history is read by one at a time.
	recsOf := make([][]dataset.Expenditure, len(in.Datasets))
	famOf := make([]*families, len(in.Datasets))
	var history sync.Mutex
	err := parallel(len(in.Datasets), func(i int) error {
		d := &in.Datasets[i]
		// The file is hashed once, here, for every download made of it,
		// and its sum kept with the table's.
		var fileN int64
		var fileSum string
		if d.ParquetPath != "" {
			var err error
			if fileN, fileSum, err = hashFile(d.ParquetPath); err != nil {
				return err
			}
		}
		setSum := func(s tableSum) {
			s.fileN, s.fileSum = fileN, fileSum
			sums[i] = s
		}
		t := d.Table
		if t == nil && d.Definition.Schema == dataset.ExpenditureSchema {
			if err := g.deriveDownloads(d, fileSum); err != nil {
				return err
			}
			history.Lock()
			err := g.warmDiffs(d)
			history.Unlock()
			if err != nil {
				return err
			}
			rs, sum, err := readExpenditures(d)
			if err != nil {
				return fmt.Errorf("site: generate: %w", err)
			}
			recsOf[i] = rs
			setSum(sum)
			return nil
		}
		if t == nil {
			var err error
			if t, err = dataset.ReadParquetFile(d.ParquetPath, d.Definition.Schema); err != nil {
				return fmt.Errorf("site: generate: %w", err)
			}
		}
		tables[i] = t
		setSum(sumOf(t, d.Definition))
		if is(d, t, dataset.ExpenditureSchema) {
			recsOf[i] = dataset.Expenditures(t)
		}
		famOf[i] = &families{}
		return famOf[i].addDataset(d, t)
	})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	// Usually one dataset has expenditure records: they are kept, not
	// copied.
	var recs []dataset.Expenditure
	for _, rs := range recsOf {
		recs = appendAll(recs, rs)
	}
	fam := &families{}
	fam.join(famOf)
	return tables, sums, recs, fam, nil
}

// readExpenditures reads the records of a military-expenditure dataset
// from its Parquet file a row group at a time, and the sum of its table.
func readExpenditures(d *Dataset) ([]dataset.Expenditure, tableSum, error) {
	r, err := dataset.OpenParquet(d.ParquetPath, d.Definition.Schema)
	if err != nil {
		return nil, tableSum{}, err
	}
	defer r.Close()
	r.ReuseTables() // each row group is made records before the next is read
	sum := tableSum{schema: d.Definition.Schema, cover: newCoverCounter(d.Definition.Schema, d.Definition)}
	recs := make([]dataset.Expenditure, 0, r.Rows())
	err = dataset.EachBatch(r, func(t *dataset.Table) error {
		sum.add(t)
		recs = append(recs, dataset.Expenditures(t)...)
		return nil
	})
	if err != nil {
		return nil, tableSum{}, err
	}
	return recs, sum, nil
}

// BaseURL checks that s, the address the site is served from, is an
// absolute http or https URL, and returns it with a trailing slash, so that
// every address of the site is the base URL and a path. Empty stays empty:
// a site without a base URL has relative addresses.
func BaseURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("site: base URL %q is not an absolute http or https URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("site: base URL %q has a query, a fragment or a user: a page's address could not be made by adding its path", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// prepareDir creates dir, or checks that Generate made it: the new
// project is written over the old one (see projectFiles). Builds before
// that moved the old project aside (to dir.old-N beside it); such a
// folder is removed in the background, and done waits for that removal.
func prepareDir(dir string) (done func() error, err error) {
	done = func() error { return nil }
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("site: generate: %w", err)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
			return nil, fmt.Errorf("site: generate: %s: %w", dir, ErrNotBuildDir)
		}
	}
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), filepath.Base(dir)+".old-*"))
	if len(old) > 0 {
		removed := make(chan error, 1)
		go func() {
			var err error
			for _, o := range old {
				if rerr := os.RemoveAll(o); rerr != nil && err == nil {
					err = fmt.Errorf("site: generate: remove the last build: %w", rerr)
				}
			}
			removed <- err
		}()
		done = sync.OnceValue(func() error { return <-removed })
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("site: generate: %w", err)
	}
	err = os.WriteFile(filepath.Join(dir, markerFile),
		[]byte("Made by publish (internal/site). Written over by every site build.\n"), 0o644)
	if err != nil {
		return nil, fmt.Errorf("site: generate: %w", err)
	}
	return done, nil
}

// copyProject copies the embedded Hugo project into the project, all but
// its hugo.toml, which writeConfig writes.
func (p *projectFiles) copyProject() error {
	err := fs.WalkDir(project.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == "hugo.toml" {
			return err
		}
		b, err := fs.ReadFile(project.FS, path)
		if err != nil {
			return err
		}
		return p.put(filepath.Join(p.root, filepath.FromSlash(path)), b)
	})
	if err != nil {
		return fmt.Errorf("site: copy project: %w", err)
	}
	return nil
}

// writeConfig writes the project's hugo.toml: the embedded one with the
// base URL and the generated params, among them whether the site has maps
// (hasMaps).
func (g *generator) writeConfig(hasMaps bool) error {
	cfg := maps.Clone(g.config)
	params := maps.Clone(g.params)
	cfg["baseURL"] = "/"
	if g.urls.base != "" {
		cfg["baseURL"] = g.urls.base
	}
	cfg["relativeURLs"] = g.urls.base == ""
	params["sample"] = g.sample
	params["localLinks"] = g.urls.base == ""
	params["canonical"] = g.urls.base != ""
	params["updated"] = machineTime(g.in.Generated)
	// The navigation links the tracker and the audits only when they exist.
	params["cbm"] = len(g.fam.cbm) > 0
	params["audits"] = len(g.fam.audits) > 0
	params["maps"] = hasMaps
	params["rankings"] = len(g.pubRecs) > 0 || len(g.fam.cbm) > 0 || g.pubGPI()
	params["risk"] = g.riskShown()
	cfg["params"] = params
	out, err := toml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("site: config: %w", err)
	}
	if err := g.out.put(filepath.Join(g.dir, "hugo.toml"), out); err != nil {
		return fmt.Errorf("site: config: %w", err)
	}
	return nil
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

// parallel calls f(0) to f(n-1) on as many goroutines as there are cores
// and returns the error of the lowest k that failed, so that a failing
// build reports the same error every time.
func parallel(n int, f func(k int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
				errs[k] = f(k)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
