package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"

	hugocmd "github.com/gohugoio/hugo/commands"

	"github.com/defence-transparency/publish/internal/crash"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/pipeline"
	"github.com/defence-transparency/publish/internal/site"
)

const siteHelp = `Usage: publish site [flags]

Site generates the pages' data from the published datasets and the run
status into a build directory in the cache (never into the tracked tree),
then builds the static site with the embedded Hugo into --out: a home page,
a page per dataset (schema with units, CSV and Parquet downloads made at
build time, licence, how to cite, its versions), a page per country
(spending charts and figures, UN reporting, audits, risk context, the
revisions that touched it), the CBM tracker (states by years for each UN
instrument, nil reports told apart from no report), the audit lists per
auditor and per country, the changes
page and one page per version with its diff and downloads (the last ten
versions as CSV and Parquet), Atom feeds of all changes, per dataset and
per country, and the sources page (each source's status, last success and
licence, and what its terms allow). Sample data carries a banner on every
page. The rows of a source whose terms allow excerpts only appear on each
country's own page, attributed, and nowhere else: not in the downloads,
the versions or the feeds, which count them instead. Diffs of versions are
cached in the cache directory, so a new version computes one new diff.

With --base-url the sitemap, the Atom feeds, the DCAT catalogue
(catalog.json), the schema.org JSON-LD and every page's canonical link hold
absolute addresses under it; without it they are relative, which suits a
local copy, and the build and the sources page say so.
`

func runSite(ctx context.Context, m *Main, args []string) error {
	fs := flag.NewFlagSet("site", flag.ContinueOnError)
	var c common
	c.register(fs)
	var o siteOptions
	o.register(fs)
	if err := parse(m, fs, siteHelp, args); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	e, err := m.setup(ctx, &c)
	if err != nil {
		return err
	}
	defer e.close()
	return e.site(ctx, o)
}

// siteOptions are the flags of the stages that build the site.
type siteOptions struct {
	out, baseURL string
}

func (o *siteOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.out, "out", "public", "directory to build the site into (built beside it, then swapped in whole)")
	fs.StringVar(&o.baseURL, "base-url", "", "the absolute http(s) URL the site is served from, e.g. https://owner.github.io/repo/;\n"+
		"the sitemap, feeds, catalogue, JSON-LD and canonical links use it (default: relative addresses, for a local copy)")
}

// check validates the base URL before any work is done and gives it a
// trailing slash.
func (o *siteOptions) check() error {
	base, err := site.BaseURL(o.baseURL)
	if err != nil {
		return &usageError{message: err.Error(), hint: "pass the address the site is served from, such as https://example.org/portal/"}
	}
	o.baseURL = base
	return nil
}

func (e *env) site(ctx context.Context, o siteOptions) error {
	out := o.out
	if err := ctx.Err(); err != nil {
		return err
	}
	// The versions come from the data repository; a data directory that
	// is not one has no history.
	var repo dataset.Repo
	switch r, err := git.Open(e.ws.DataDir, false); {
	case errors.Is(err, dataset.ErrNoRepo):
	case err != nil:
		return err
	default:
		defer r.Close()
		repo = r
	}
	dir := e.ws.SiteBuildDir()
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	// A site swap that a killed run left half done is finished or undone
	// first, so that out is a whole site before it is compared.
	if err := site.RecoverOut(abs); err != nil {
		return err
	}
	// A site whose inputs are those of the site in out, which is as that
	// build left it, is not built again: out is left untouched.
	project, err := pipeline.SiteKey(e.ws, repo, e.cfg, definitions(), binaryVersion(), "--base-url="+o.baseURL)
	if err != nil {
		return err
	}
	key := pipeline.SiteOutKey(project, site.HugoArgs(dir, site.NewOut(abs))...)
	if pipeline.SiteUnchanged(e.ws, key, abs) {
		e.log.Info("site unchanged: its inputs are those of the site in out", "out", abs)
		fmt.Fprintf(e.m.Stdout, "site unchanged in %s\n", out)
		return nil
	}
	datasets, sources, keep, err := e.generate(repo, dir, project, o.baseURL)
	if err != nil {
		return err
	}
	crash.Point(crash.SiteGenerated)
	if e.progress != nil {
		e.progress("site: building with Hugo into " + out)
	}
	// Built beside --out, then swapped in whole (site.SwapIn): out holds
	// the old site or the new one, never a mix, whenever the run stops.
	if err := hugo(site.HugoArgs(dir, site.NewOut(abs))); err != nil {
		// The project is whole: the next build reuses it.
		if kerr := keep(); kerr != nil {
			e.log.Warn("keeping the key of the generated site project", "err", kerr)
		}
		return fmt.Errorf("site: hugo: %w", err)
	}
	crash.Point(crash.SiteBuilt)
	removed, err := site.SwapIn(abs, func() { crash.Point(crash.SiteSwapped) })
	if err != nil {
		return err
	}
	// The project's key and the site's are kept once both are on stable
	// storage: one sync of the file system, after Hugo, rather than a
	// wait for the project's files before Hugo starts. The old site is
	// removed meanwhile.
	err = keep()
	if err == nil {
		err = pipeline.SiteBuilt(e.ws, key, abs)
	}
	if rerr := removed(); err == nil {
		err = rerr
	}
	if err != nil {
		return err
	}
	e.log.Info("site built", "out", abs, "datasets", datasets, "sources", sources)
	fmt.Fprintf(e.m.Stdout, "site built in %s\n", out)
	if o.baseURL == "" {
		fmt.Fprintln(e.m.Stdout, "addresses in the sitemap, feeds and catalogue are relative: pass --base-url to publish them with absolute ones")
	} else {
		fmt.Fprintf(e.m.Stdout, "site addresses are absolute under %s\n", o.baseURL)
	}
	return nil
}

// generate writes the Hugo project of the site into dir, unless dir holds
// the project of the same inputs (project) as the last generate left it:
// a site built again into another folder, or after a failed Hugo build,
// costs Hugo's build alone. It returns the numbers of datasets and sources
// the site shows, and keep, which records that dir holds the project once
// its files are on stable storage.
func (e *env) generate(repo dataset.Repo, dir, project, baseURL string) (datasets, sources int, keep func() error, err error) {
	in, err := pipeline.SiteInput(e.ws, repo, e.cfg, definitions(), e.m.now())
	if err != nil {
		return 0, 0, nil, err
	}
	in.BaseURL = baseURL
	if len(in.Datasets) == 0 {
		return 0, 0, nil, &usageError{message: fmt.Sprintf("no dataset is published in %s: %v", e.ws.DataDir, errNothingPublished),
			hint: `run "publish run" (or collect, build and commit) first`, cause: errNothingPublished}
	}
	datasets, sources = len(in.Datasets), len(in.Sources)
	if pipeline.ProjectUnchanged(e.ws, project, dir) {
		e.log.Info("site project unchanged: its inputs are those of the project in the cache", "dir", dir)
		return datasets, sources, func() error { return nil }, nil
	}
	if e.progress != nil {
		e.progress("site: generating pages")
	}
	if err := site.Generate(dir, in); err != nil {
		return 0, 0, nil, err
	}
	// The project's files start on their way to the disk while Hugo
	// builds, so that keeping its key later waits for little.
	flushed := make(chan struct{})
	go func() {
		dataset.SyncFS(dir) // keep syncs again, and reports its errors
		close(flushed)
	}()
	return datasets, sources, sync.OnceValue(func() error {
		<-flushed
		return pipeline.ProjectGenerated(e.ws, project, dir)
	}), nil
}

// errNothingPublished is why there is no site to build.
var errNothingPublished = errors.New("nothing to show")

// hugo runs the embedded Hugo. It sets global log state, which is why it
// is called here, in the CLI, and one build at a time.
func hugo(args []string) error {
	// Hugo writes its own summary to stdout; keep ours readable.
	stdout := os.Stdout
	devnull, err := os.Open(os.DevNull)
	if err == nil {
		os.Stdout = devnull
		defer func() { os.Stdout = stdout; devnull.Close() }()
	}
	err = hugocmd.Execute(args)
	// Hugo points the standard logger at the stdout it saw, which is
	// about to be closed.
	log.SetOutput(os.Stderr)
	return err
}
