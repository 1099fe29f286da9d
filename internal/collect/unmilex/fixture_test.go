package unmilex

// The bundled offline mirror's UN Milex pages are generated here:
//
//	go test ./internal/collect/unmilex -run TestMirrorFixtures -update
//
// writes the states index and eighteen state-year pages under
// internal/mirror/files/milex-reporting.unoda.org/en/states, and
// TestMirrorGolden then rewrites testdata/golden/mirror-rows.csv. Without
// -update the test checks that the committed files are exactly what the
// generator makes.
//
// The pages follow the layout of the rendered report as the public scraper
// of the site reads it (see the package documentation): div.report.loaded,
// div.currency-and-unit paragraph pairs, an h3 "Total expenditure" before an
// h1 figure, the matrix with force groups across and the form's lines down,
// the explanatory remarks after an h4, the statements in the site's wording.
// The figures are made up for the sample; the index's layout is a guess (the
// real index has never been seen), a list of state links each followed by
// links to its year pages.

import (
	"bytes"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the mirror fixtures and golden files")

// mirrorDir is the bundled mirror's folder of the site.
var mirrorDir = filepath.Join("..", "..", "mirror", "files", "milex-reporting.unoda.org")

// Force groups and lines of the standardized form, as the site labels them.
var (
	fixtureColumns = []string{"Strategic forces", "Land forces", "Naval forces", "Air forces", "Other Military Forces",
		"Central Support Administration and Command", "UN Peace Keeping", "Military Assistance and Cooperation",
		"Emergency Aid to Civilians", "Undistributed", "Total Expenditure"}
	fixtureLines = []string{"1. Personnel", "1.1 Conscripts", "1.2 Active Military Personnel", "1.3 Reserves",
		"1.4 Civilian Personnel", "1.5 Military Pensions", "2. Operations and maintenance",
		"2.1 Materials for Current Use", "2.2 Maintenance and Repair", "2.3 Purchased Services", "2.4 Other",
		"3. Procurement and Construction (investments)", "3.1 Procurement", "3.1.1 Aircraft and Engines",
		"3.1.2 Missiles, Including Conventional Warheads", "3.1.3 Nuclear Warheads and Bombs", "3.1.4 Ships and Boats",
		"3.1.5 Armoured Vehicles", "3.1.6 Artillery", "3.1.7 Other Ordance and Ground Force Weapons", "3.1.8 Ammunition",
		"3.1.9 Electronics and Communications", "3.1.10 Non-Armoured Vehicles", "3.1.11 Other", "3.2 Construction",
		"3.2.1 Air Bases, Airfields", "3.2.2 Naval Bases and Facilities", "3.2.3 Electronics Facilities",
		"3.2.4 Personnel Facilities", "3.2.5 Training Facilities", "3.2.6 Other", "4. Research and Development",
		"4.1 Basic and Applied Reserach", "4.2 Development, Testing and Evaluation", "5. Total (1+2+3+4)"}
)

// fixturePage is one state's page for one year.
type fixturePage struct {
	iso3, name string
	year       int
	// statement is a nil or single-figure report; a nil report's page
	// shows nothing else.
	statement string
	currency  string // as the page shows it: "Euro (EUR)", "()", "error ()"
	unit      string
	total     string // the h1 under "Total expenditure", as shown
	// cells are the matrix's figures: line number ("1.2", "5.") to
	// column (index in fixtureColumns) to text. A page with cells, or
	// with matrix set, shows the matrix.
	cells   map[string]map[int]string
	matrix  bool
	remarks string // lines separated by \n, shown with <br>
}

const (
	resolution74 = "A/RES/74/24"
	resolution77 = "A/RES/77/33"
)

func singleFigureText(state, res string, year int, amount string) string {
	return "The Government of " + state + ", with reference to General Assembly resolution " + res +
		", hereby informs the United Nations that its total military expenditures in the fiscal year " +
		strconv.Itoa(year) + " were " + amount
}

func nilText(state, res string, year int) string {
	return "The Goverment of " + state + ", with reference to General Assembly resolution " + res +
		", hereby informs the United Nations that is possesses neither armed nor military forces, and had no military expenditures in the fiscal year " +
		strconv.Itoa(year) + "."
}

const (
	land, naval, air, other, central, peacekeeping, total = 1, 2, 3, 4, 5, 6, 10
)

// fixturePages are the sample pages: six states, 2022 to 2024, every kind
// of page and the quirks of the real ones.
var fixturePages = []fixturePage{
	// No report: the empty form.
	{iso3: "AFG", name: "Afghanistan", year: 2022, currency: "()", unit: "No Multiplier", matrix: true},
	{iso3: "AFG", name: "Afghanistan", year: 2023, currency: "()", unit: "No Multiplier", matrix: true},
	{iso3: "AFG", name: "Afghanistan", year: 2024, currency: "()", unit: "No Multiplier", matrix: true},
	// Single-figure reports, in each unit and grouping.
	{iso3: "ARM", name: "Armenia", year: 2022, statement: singleFigureText("Armenia", resolution74, 2022, "512,300.4 million AMD"),
		currency: "Armenian Dram (AMD)", unit: "Million", total: "512,300.4"},
	{iso3: "ARM", name: "Armenia", year: 2023, statement: singleFigureText("Armenia", resolution77, 2023, "601,250,000.5 thousand AMD"),
		currency: "Armenian Dram (AMD)", unit: "Thousand", total: "601,250,000.5", remarks: "N/A"},
	{iso3: "ARM", name: "Armenia", year: 2024, statement: singleFigureText("Armenia", resolution77, 2024, "648,900,120,000  AMD"),
		currency: "Armenian Dram (AMD)", unit: "No Multiplier", total: "648,900,120,000"},
	// The quirks: "error ()" in place of the currency, with figures and
	// without; a currency named and no figure.
	{iso3: "CYP", name: "Cyprus", year: 2022, currency: "error ()", unit: "Million", total: "412.6",
		cells: map[string]map[int]string{"1.": {total: "221.3"}, "2.": {total: "98.1"}, "3.": {total: "93.2"}, "5.": {total: "412.6"}}},
	{iso3: "CYP", name: "Cyprus", year: 2023, currency: "error ()", unit: "No Multiplier", matrix: true},
	{iso3: "CYP", name: "Cyprus", year: 2024, currency: "Euro (EUR)", unit: "Million", matrix: true, remarks: "undefined"},
	// Standardized returns with sub-lines; 2024 has remarks with
	// characters HTML escapes, and line breaks.
	{iso3: "DEU", name: "Germany", year: 2022, currency: "Euro (EUR)", unit: "Million", total: "50,120.3",
		cells: map[string]map[int]string{
			"1.":  {land: "5,102.4", naval: "1,401.1", air: "2,398.0", central: "12,010.5", total: "20,912.0"},
			"1.2": {land: "2,990.3", naval: "790.0", air: "1,350.2", central: "3,960.0", total: "9,090.5"},
			"1.4": {land: "60.1", naval: "31.5", air: "58.8", central: "5,870.5", total: "6,020.9"},
			"1.5": {land: "2,052.0", naval: "579.6", air: "989.0", central: "2,180.0", total: "5,800.6"},
			"2.":  {total: "15,330.1"}, "3.": {total: "11,877.9"}, "3.1.1": {air: "2,904.7", total: "3,301.2"},
			"4.": {total: "2,000.3"}, "5.": {total: "50,120.3"}}},
	{iso3: "DEU", name: "Germany", year: 2023, currency: "Euro (EUR)", unit: "Million", total: "58,400.7",
		cells: map[string]map[int]string{
			"1.": {total: "22,440.6"}, "1.1": {land: "0"}, "2.": {total: "17,980.2"}, "3.": {total: "15,601.4"},
			"3.1.4": {naval: "2,301.6", total: "2,301.6"}, "4.": {total: "2,378.5"}, "5.": {total: "58,400.7"}}},
	{iso3: "DEU", name: "Germany", year: 2024, currency: "Euro (EUR)", unit: "Million", total: "70,105.6",
		cells: map[string]map[int]string{
			"1.": {total: "24,932.2"}, "2.": {total: "20,861.9"}, "3.": {total: "21,394.1"},
			"3.1.8": {land: "1,136.5", naval: "294.4", air: "516.3", total: "3,227.6"}, "4.": {total: "2,917.4"},
			"5.": {peacekeeping: "767.1", total: "70,105.6"}},
		remarks: "Federal budget, Einzelplan 14 & special fund \"Sondervermögen Bundeswehr\" <as adopted>.\n" +
			"Specific financing expenditures: Land forces 65.6 / Naval forces 18.3 (million €)."},
	// Nil reports: the statement alone.
	{iso3: "LIE", name: "Liechtenstein", year: 2022, statement: nilText("Liechtenstein", resolution74, 2022)},
	{iso3: "LIE", name: "Liechtenstein", year: 2023, statement: nilText("Liechtenstein", resolution77, 2023)},
	{iso3: "LIE", name: "Liechtenstein", year: 2024, statement: nilText("Liechtenstein", resolution77, 2024)},
	// Returns on the simplified form: the four resource costs by force
	// group, no sub-line, and no heading naming the form.
	{iso3: "LTU", name: "Lithuania", year: 2022, currency: "Euro (EUR)", unit: "Million", total: "1,712",
		cells: map[string]map[int]string{"1.": {land: "190", air: "40", total: "301"}, "2.": {total: "611"},
			"3.": {land: "702", total: "800"}, "5.": {total: "1,712"}}},
	{iso3: "LTU", name: "Lithuania", year: 2023, currency: "Euro (EUR)", unit: "Million", total: "2,098.5",
		cells: map[string]map[int]string{"1.": {total: "352.5"}, "2.": {total: "690"}, "3.": {total: "1,056"}, "5.": {total: "2,098.5"}}},
	{iso3: "LTU", name: "Lithuania", year: 2024, currency: "Euro (EUR)", unit: "Million", total: "2,426",
		cells: map[string]map[int]string{"1.": {total: "403"}, "2.": {total: "722"}, "3.": {total: "1,301"}, "5.": {total: "2,426"}}},
}

// The page's view of the matrix for the template.
type fixtureRow struct {
	Label string
	Cells []string
}

type fixtureView struct {
	Name, Statement, Currency, Unit, Total string
	Year                                   int
	Columns                                []string
	Rows                                   []fixtureRow
	Remarks                                []string
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Name}} {{.Year}} | United Nations Report on Military Expenditures</title>
<link rel="stylesheet" href="/assets/styles.css">
</head>
<body>
<header class="site-header">
<a class="brand" href="/en">United Nations Report on Military Expenditures</a>
<nav><a href="/en/states">States</a> <a href="/en/about">About</a> <a href="/fr/states">Français</a></nav>
</header>
<main class="container">
<div class="state-header">
<h2>{{.Name}}</h2>
<p class="report-year">{{.Year}}</p>
</div>
<div class="report loaded">
{{- if .Statement}}
<p>{{.Statement}}</p>
{{- end}}
{{- if .Currency}}
<div class="currency-and-unit"><p>National Currency</p><p>: {{.Currency}}</p></div>
<div class="currency-and-unit"><p>Unit of Measure</p><p>: {{.Unit}}</p></div>
<div class="total-expenditure"><h3>Total expenditure</h3><h1>{{.Total}}</h1></div>
{{- end}}
{{- if .Rows}}
<table class="milex-table">
<thead>
<tr><th></th><th colspan="{{len .Columns}}">Force groups</th></tr>
<tr><th>Cost category</th>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
</thead>
<tbody>
{{- range .Rows}}
<tr><th>{{.Label}}</th>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- if .Remarks}}
<div class="explanatory-remarks"><h4>Explanatory remarks</h4><div class="remarks-text">{{range $i, $l := .Remarks}}{{if $i}}<br>{{end}}{{$l}}{{end}}</div></div>
{{- end}}
</div>
</main>
<footer class="site-footer"><p>United Nations Office for Disarmament Affairs</p></footer>
</body>
</html>
`))

// render writes a page as the site shows it.
func (p fixturePage) render() []byte {
	v := fixtureView{Name: p.name, Year: p.year, Statement: p.statement, Currency: p.currency, Unit: p.unit, Total: p.total}
	if p.remarks != "" {
		v.Remarks = strings.Split(p.remarks, "\n")
	}
	if p.cells != nil || p.matrix {
		v.Columns = fixtureColumns
		for _, line := range fixtureLines {
			number, _, _ := strings.Cut(line, " ")
			row := fixtureRow{Label: line, Cells: make([]string, len(fixtureColumns))}
			for col, text := range p.cells[number] {
				row.Cells[col] = text
			}
			v.Rows = append(v.Rows, row)
		}
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, v); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// renderIndex writes the states index of the sample: each state with links
// to its pages.
func renderIndex() []byte {
	type entry struct {
		ISO3, Name string
		Years      []string
	}
	var list []entry
	for _, p := range fixturePages {
		if len(list) == 0 || list[len(list)-1].ISO3 != p.iso3 {
			list = append(list, entry{ISO3: p.iso3, Name: p.name})
		}
		e := &list[len(list)-1]
		e.Years = append(e.Years, p.iso3+"/"+strconv.Itoa(p.year))
	}
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, list); err != nil {
		panic(err)
	}
	return b.Bytes()
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>States | United Nations Report on Military Expenditures</title>
</head>
<body>
<header class="site-header">
<a class="brand" href="/en">United Nations Report on Military Expenditures</a>
<nav><a href="/en/states">States</a> <a href="/en/about">About</a></nav>
</header>
<main class="container">
<h1>Member States</h1>
<ul class="states">
{{- range .}}
<li><a href="/en/states/{{.ISO3}}">{{.Name}}</a>{{range .Years}} <a href="/en/states/{{.}}">{{slice . 4}}</a>{{end}}</li>
{{- end}}
</ul>
</main>
</body>
</html>
`))

// fixtureFiles returns the mirror's files of the site by path below
// mirrorDir.
func fixtureFiles() map[string][]byte {
	files := map[string][]byte{filepath.Join("en", "states", "index.html"): renderIndex()}
	for _, p := range fixturePages {
		files[filepath.Join("en", "states", p.iso3, strconv.Itoa(p.year))] = p.render()
	}
	return files
}

func TestMirrorFixtures(t *testing.T) {
	for name, want := range fixtureFiles() {
		path := filepath.Join(mirrorDir, name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (generate with go test -run TestMirrorFixtures -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the generator makes (regenerate with -update)", path)
		}
	}
}
