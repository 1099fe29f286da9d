package worldbank

import (
	"context"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz targets of the bulk-download parser. `go test` runs their seeds
// and the crashers kept under testdata/fuzz; .ci/fuzz runs the fuzzer.

// mirrorZips are the bulk downloads of the bundled mirror, the seeds.
var mirrorZips = []string{
	"api.worldbank.org/v2/en/indicator/MS.MIL.XPND.CD@downloadformat=csv",
	"api.worldbank.org/v2/en/indicator/MS.MIL.XPND.GD.ZS@downloadformat=csv",
}

// FuzzParse feeds Parse whole documents: a ZIP, a bare CSV, or what a
// failing download returns instead.
func FuzzParse(f *testing.F) {
	for _, name := range mirrorZips {
		b := collecttest.ReadFile(f, mirror.FS, name)
		f.Add(b)
		parts, names := collecttest.ZipParts(f, b)
		for _, n := range names {
			f.Add(parts[n]) // the bare CSVs
		}
	}
	f.Add([]byte(`{"message":"The indicator was not found"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkParse(t, b)
	})
}

// FuzzParseMembers feeds Parse a ZIP of the three members the bulk
// download holds (data, Metadata_Country, Metadata_Indicator), each made
// by the fuzzer: the content of the members, which mutations of the
// compressed ZIP seldom reach.
func FuzzParseMembers(f *testing.F) {
	for _, name := range mirrorZips {
		parts, names := collecttest.ZipParts(f, collecttest.ReadFile(f, mirror.FS, name))
		var data, countries, ind []byte
		for _, n := range names {
			switch {
			case dataMember.MatchString(n) && !countryMember.MatchString(n) && !indicatorMember.MatchString(n):
				data = parts[n]
			case countryMember.MatchString(n):
				countries = parts[n]
			case indicatorMember.MatchString(n):
				ind = parts[n]
			}
		}
		f.Add(data, countries, ind)
	}
	f.Fuzz(func(t *testing.T, data, countries, ind []byte) {
		const (
			d = "API_MS.MIL.XPND.CD_DS2_en_csv_v2_62.csv"
			c = "Metadata_Country_API_MS.MIL.XPND.CD_DS2_en_csv_v2_62.csv"
			i = "Metadata_Indicator_API_MS.MIL.XPND.CD_DS2_en_csv_v2_62.csv"
		)
		zip := collecttest.Zip(map[string][]byte{d: data, c: countries, i: ind}, []string{i, d, c})
		checkParse(t, zip)
	})
}

// checkParse parses b and checks what came back.
func checkParse(t *testing.T, b []byte) {
	var (
		recs []dataset.Expenditure
		sum  Summary
		err  error
	)
	collecttest.Within(collecttest.FuzzDeadline, func() {
		// As Collect reads it: a document that is text decoded to
		// UTF-8 first (collect.TextFetcher).
		doc, err2 := collect.TextFetcher{Next: collecttest.FetcherFunc(func(context.Context, *collect.Request) (*collect.Document, error) {
			return collecttest.Doc("download.zip", b), nil
		})}.Fetch(context.Background(), &collect.Request{URL: "download.zip"})
		if err = err2; err == nil {
			recs, sum, err = Parse("download.zip", doc.Body)
		}
	})
	if err != nil {
		collecttest.CheckError(t, err)
		if recs != nil {
			t.Errorf("Parse returned %d records beside the error %v", len(recs), err)
		}
		return
	}
	if sum.Records != len(recs) {
		t.Errorf("Parse: the summary counts %d records, and it returned %d", sum.Records, len(recs))
	}
	collecttest.CheckTable(t, dataset.ExpenditureTable(recs), b)
}
