package site

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Counts the fixture's CBM rows give, checked by the tests:
//
//	UN Milex  2022: 4 states listed, 3 reported (1 nil report)
//	          2023: 4 listed, 3 reported (1 nil)
//	          2024: 4 listed, 2 reported (1 nil)
//	UNROCA    2021: 2 listed, 2 reported (1 nil)
//	          2022: 3 listed, 1 reported
//	          2023: 2 listed, 2 reported (1 nil)
//
// Liechtenstein sends nil reports and has no spending figures; Afghanistan
// never reports; Armenia's forms vary.
func fixtureCBM() []dataset.CBMReport {
	milex := func(code, name string, year int, kind string) dataset.CBMReport {
		return dataset.CBMReport{Country: code, CountryName: name, Instrument: dataset.InstrumentMilex, Year: year, Kind: kind,
			Link: "https://milex-reporting.unoda.org/en/states/" + code + "/" + strconv.Itoa(year), Source: "unmilex"}
	}
	unroca := func(code, name string, year int, kind string) dataset.CBMReport {
		return dataset.CBMReport{Country: code, CountryName: name, Instrument: dataset.InstrumentUNROCA, Year: year, Kind: kind,
			Link: "https://www.unroca.org/" + code + "/report/" + strconv.Itoa(year) + "/", Source: "unroca"}
	}
	// Totals as the dataset holds them: whole units of the currency, the
	// state having reported in millions.
	full := func(r dataset.CBMReport, millions float64, submitted string) dataset.CBMReport {
		r.Currency, r.UnitOfMeasure, r.Total, r.HasTotal, r.Submitted = "EUR", "Million", dataset.ShiftDecimal(millions, 6), true, submitted
		return r
	}
	return []dataset.CBMReport{
		full(milex("DEU", "Germany", 2022, dataset.ReportFull), 50120.3, "2023-04-30"),
		full(milex("DEU", "Germany", 2023, dataset.ReportFull), 58400.7, ""),
		full(milex("DEU", "Germany", 2024, dataset.ReportFull), 70105.6, "2025-05-02"),
		milex("LIE", "Liechtenstein", 2022, dataset.ReportNil),
		milex("LIE", "Liechtenstein", 2023, dataset.ReportNil),
		milex("LIE", "Liechtenstein", 2024, dataset.ReportNil),
		milex("AFG", "Afghanistan", 2022, dataset.ReportNone),
		milex("AFG", "Afghanistan", 2023, dataset.ReportNone),
		milex("AFG", "Afghanistan", 2024, dataset.ReportNone),
		milex("ARM", "Armenia", 2022, dataset.ReportSingleFigure),
		milex("ARM", "Armenia", 2023, dataset.ReportSimplified),
		milex("ARM", "Armenia", 2024, dataset.ReportNone),
		unroca("DEU", "Germany", 2021, dataset.ReportSubmitted),
		unroca("DEU", "Germany", 2022, dataset.ReportSubmitted),
		unroca("DEU", "Germany", 2023, dataset.ReportSubmitted),
		unroca("LIE", "Liechtenstein", 2021, dataset.ReportNil),
		unroca("LIE", "Liechtenstein", 2022, dataset.ReportNone),
		unroca("LIE", "Liechtenstein", 2023, dataset.ReportNil),
		unroca("AFG", "Afghanistan", 2022, dataset.ReportNone),
	}
}

// fixtureAudits: two GAO reports on the United States, one NAO report on
// the United Kingdom with no recommendations, and an ECA report on the
// European Union, which concerns no single country.
func fixtureAudits() []dataset.AuditReport {
	return []dataset.AuditReport{
		{Auditor: dataset.AuditorGAO, ReportID: "GAO-24-106256", Country: "USA", Jurisdiction: "United States", Published: "2024-06-13",
			Title: "F-35 Aircraft: DOD's Sustainment Cost Goals Need Clearer Targets", Recommendations: 4, HasRecommendations: true,
			Link: "https://www.gao.gov/products/gao-24-106256", Source: "gao"},
		{Auditor: dataset.AuditorGAO, ReportID: "GAO-23-105833", Country: "USA", Jurisdiction: "United States", Published: "2023-08-30",
			Title: "Military Personnel: Services Should Clarify Who May Sit on Separation Boards", Link: "https://www.gao.gov/products/gao-23-105833", Source: "gao"},
		{Auditor: dataset.AuditorNAO, ReportID: "army-2020", Country: "GBR", Jurisdiction: "United Kingdom", Published: "2014-06-11",
			Title: "Army 2020", Subject: "National security", Recommendations: 0, HasRecommendations: true,
			Link: "https://www.nao.org.uk/reports/army-2020/", Source: "nao-defence"},
		{Auditor: dataset.AuditorECA, ReportID: "04/2025", Jurisdiction: "European Union", Published: "2025-02-05",
			Title: "EU military mobility – Not yet in the fast lane", Subject: "Security and defence", Link: "https://www.eca.europa.eu/en/publications/SR-2025-04", Source: "eca-defence"},
	}
}

// fixtureRisk: the GPI's overall score and rank of Germany, Norway and
// Afghanistan (and an indicator the pages do not show, Iceland's only row),
// INFORM for Germany, and CrisisWatch for Sudan, which has no other rows.
func fixtureRisk() []dataset.RiskReport {
	const gpiLink = "https://www.visionofhumanity.org/resources/"
	gpi := func(code, name, period, indicator string, v float64) dataset.RiskReport {
		unit := "score 1-5 (1 = most peaceful)"
		if indicator == gpiRank {
			unit = "rank"
		}
		return dataset.RiskReport{Publisher: dataset.PublisherGPI, Country: code, CountryName: name, Period: period, Indicator: indicator,
			Value: v, HasValue: true, Unit: unit, Link: gpiLink, Source: "gpi"}
	}
	inform := func(period string, v float64) dataset.RiskReport {
		return dataset.RiskReport{Publisher: dataset.PublisherINFORM, Country: "DEU", CountryName: "Germany", Period: period, Indicator: informRisk,
			Value: v, HasValue: true, Unit: "score 0-10 (10 = highest risk)", Source: "inform-risk"}
	}
	cw := func(period, indicator, category, summary, link string) dataset.RiskReport {
		return dataset.RiskReport{Publisher: dataset.PublisherCrisisGroup, Country: "SDN", CountryName: "Sudan", Period: period, Indicator: indicator,
			Category: category, Summary: summary, Link: link, Source: "crisiswatch"}
	}
	const oct = "Fighting intensified around besieged towns in the west.\nA conflict risk alert is issued for the coming month."
	return []dataset.RiskReport{
		gpi("DEU", "Germany", "2024", gpiScore, 1.5),
		gpi("DEU", "Germany", "2024", gpiRank, 2),
		gpi("DEU", "Germany", "2025", gpiScore, 1.533),
		gpi("DEU", "Germany", "2025", gpiRank, 1),
		gpi("DEU", "Germany", "2025", "gpi_militarisation", 2.25),
		gpi("ISL", "Iceland", "2025", "gpi_militarisation", 1.01), // Iceland has no other row
		gpi("NOR", "Norway", "2024", gpiScore, 1.45),
		gpi("NOR", "Norway", "2024", gpiRank, 1),
		gpi("NOR", "Norway", "2025", gpiScore, 1.6),
		gpi("NOR", "Norway", "2025", gpiRank, 2),
		gpi("AFG", "Afghanistan", "2025", gpiScore, 3.294),
		gpi("AFG", "Afghanistan", "2025", gpiRank, 3),
		inform("2023", 2.2),
		inform("2024", 2.3),
		inform("2025", 2.3),
		cw("2025-09", dataset.CrisisWatchTrend, dataset.TrendDeteriorated, "Attacks on displacement camps killed dozens.",
			"https://www.crisisgroup.org/crisiswatch/september-2025#sudan"),
		cw("2025-10", dataset.CrisisWatchTrend, dataset.TrendDeteriorated, oct, "https://www.crisisgroup.org/crisiswatch/october-2025#sudan"),
		cw("2025-10", dataset.CrisisWatchAlert, dataset.AlertConflictRisk, oct, "https://www.crisisgroup.org/crisiswatch/october-2025#sudan"),
	}
}

func cbmTable(tb testing.TB, rows []dataset.CBMReport) *dataset.Table {
	tb.Helper()
	t := dataset.CBMTable(rows)
	t.SortByKey()
	return t
}

func auditTable(tb testing.TB, rows []dataset.AuditReport) *dataset.Table {
	tb.Helper()
	t := dataset.AuditTable(rows)
	t.SortByKey()
	return t
}

func riskTable(tb testing.TB, rows []dataset.RiskReport) *dataset.Table {
	tb.Helper()
	t := dataset.RiskTable(rows)
	t.SortByKey()
	return t
}

// familyDataset makes a published dataset of t, with its Parquet file
// written and a descriptor naming its sources.
func familyDataset(tb testing.TB, def *dataset.Definition, t *dataset.Table, sources ...dataset.SourceRef) Dataset {
	tb.Helper()
	var buf bytes.Buffer
	if err := dataset.WriteParquet(&buf, t); err != nil {
		tb.Fatal(err)
	}
	pq := filepath.Join(tb.TempDir(), def.Name+".parquet")
	if err := os.WriteFile(pq, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return Dataset{
		Definition: def,
		Descriptor: &dataset.Descriptor{
			Profile: dataset.TabularDataPackage, Name: def.Name, Title: def.Title, Description: def.Description,
			Version: "2026-04-28", Created: "2026-04-28T06:30:00Z", Method: def.Method, Sources: sources,
			Licenses:  []dataset.License{{Name: "other", Title: "The publishers' terms, per source"}},
			Resources: []dataset.Resource{dataset.NewResource(def.Name, def.Name+".parquet", "parquet", buf.Bytes(), t.Len(), t.Schema)},
		},
		Table:       t,
		ParquetPath: pq,
	}
}

// familySources are the fixture's sources besides SIPRI and the World Bank.
var familySources = []struct {
	name, title, dataset, home string
}{
	{"unmilex", "UN Report on Military Expenditures", "cbm-reports", "https://milex-reporting.unoda.org/"},
	{"unroca", "UN Register of Conventional Arms", "cbm-reports", "https://www.unroca.org/"},
	{"gao", "US GAO: reports on defense", "audit-outcomes", "https://www.gao.gov/"},
	{"nao-defence", "UK NAO: reports on defence", "audit-outcomes", "https://www.nao.org.uk/"},
	{"eca-defence", "European Court of Auditors: special reports", "audit-outcomes", "https://www.eca.europa.eu/"},
	{"gpi", "Global Peace Index", "risk-reports", "https://www.visionofhumanity.org/"},
	{"inform-risk", "INFORM Risk Index", "risk-reports", "https://drmkc.jrc.ec.europa.eu/inform-index"},
	{"crisiswatch", "CrisisWatch", "risk-reports", "https://www.crisisgroup.org/crisiswatch"},
}

// Indicators of risk-reports that the default sources file shows on the
// country pages.
const (
	gpiScore   = "gpi_overall_score"
	gpiRank    = "gpi_overall_rank"
	informRisk = "inform_risk"
)

// riskPages are the country_page settings of the default sources file.
var riskPages = map[string]*CountryPage{
	"gpi":         {Indicators: []string{gpiScore, gpiRank}, Layout: "gpi"},
	"inform-risk": {Indicators: []string{informRisk}, Layout: "inform"},
	"crisiswatch": {Indicators: []string{dataset.CrisisWatchTrend, dataset.CrisisWatchAlert, dataset.CrisisWatchResolution}, Layout: "crisiswatch", Periods: 6},
}

// addFamilies adds the three datasets of the fixture to in, and their
// sources.
func addFamilies(tb testing.TB, in *Input, cbm []dataset.CBMReport, audits []dataset.AuditReport, risk []dataset.RiskReport) {
	tb.Helper()
	refs := map[string][]dataset.SourceRef{}
	for _, s := range familySources {
		refs[s.dataset] = append(refs[s.dataset], dataset.SourceRef{Name: s.name, Title: s.title, Path: s.home,
			Licence: "terms of use", LicenceURL: s.home, Attribution: s.title + ", " + s.home})
		in.Sources = append(in.Sources, SourceStatus{Name: s.name, Title: s.title, Dataset: s.dataset, Homepage: s.home,
			Licence: "terms of use", LicenceURL: s.home, Attribution: s.title, Status: dataset.SourceOK,
			LastAttempt: testTime, LastSuccess: testTime.Add(-time.Hour), CountryPage: riskPages[s.name]})
	}
	in.Datasets = append(in.Datasets,
		familyDataset(tb, dataset.CBMReports, cbmTable(tb, cbm), refs["cbm-reports"]...),
		familyDataset(tb, dataset.AuditOutcomes, auditTable(tb, audits), refs["audit-outcomes"]...),
		familyDataset(tb, dataset.RiskReports, riskTable(tb, risk), refs["risk-reports"]...),
	)
}

// familiesInput is historyInput with the three other datasets.
func familiesInput(tb testing.TB) *Input {
	tb.Helper()
	in := historyInput(tb, true)
	addFamilies(tb, in, fixtureCBM(), fixtureAudits(), fixtureRisk())
	return in
}

// commitTable writes t as a version of def into the repository's working
// tree and commits it, as the pipeline does.
func commitTable(tb testing.TB, r dataset.Repo, def *dataset.Definition, version string, when time.Time, sample bool, t *dataset.Table) {
	tb.Helper()
	var pq bytes.Buffer
	if err := dataset.WriteParquet(&pq, t); err != nil {
		tb.Fatal(err)
	}
	d := &dataset.Descriptor{Profile: dataset.TabularDataPackage, Name: def.Name, Title: def.Title,
		Version: version, Created: when.UTC().Format(time.RFC3339), Sample: sample,
		Resources: []dataset.Resource{dataset.NewResource(def.Name, def.Name+".parquet", "parquet", pq.Bytes(), t.Len(), t.Schema)}}
	desc, err := d.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	dir := filepath.Join(r.Dir(), "datasets", def.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, def.Name+".parquet"), pq.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, dataset.DescriptorFile), desc, 0o644); err != nil {
		tb.Fatal(err)
	}
	files, err := r.Changes("datasets")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := r.Commit(files, def.Name+" "+version+"\n", dataset.Signature{Name: "publish", Email: "publish@example.org", When: when}); err != nil {
		tb.Fatal(err)
	}
}
