package pipeline

import (
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site"
)

// SiteInput reads the published datasets and the run status into the site
// generator's input. Datasets with no published version are left out.
func SiteInput(ws Workspace, cfg *collect.Config, defs []*dataset.Definition, now time.Time) (*site.Input, error) {
	st, err := ws.ReadState()
	if err != nil {
		return nil, err
	}
	in := &site.Input{Generated: now.UTC()}
	for _, def := range defs {
		desc, err := readDescriptor(ws.DescriptorPath(def.Name))
		if err != nil {
			return nil, err
		}
		if desc == nil {
			continue
		}
		t, err := dataset.ReadParquetFile(ws.ParquetPath(def.Name), def.Schema)
		if err != nil {
			return nil, err
		}
		in.Sample = in.Sample || desc.Sample
		in.Datasets = append(in.Datasets, site.Dataset{
			Definition: def, Descriptor: desc, Table: t, ParquetPath: ws.ParquetPath(def.Name),
		})
	}
	for _, src := range cfg.Sources {
		s := site.SourceStatus{
			Name: src.Name, Title: src.Title, Dataset: src.Dataset, Homepage: src.Homepage,
			Licence: src.Licence, LicenceURL: src.LicenceURL, Attribution: src.Attribution,
			Status: StatusNotRun,
		}
		if ss := st.Sources[src.Name]; ss != nil {
			s.Status, s.Error, s.LastAttempt, s.LastSuccess, s.Rows = ss.Status, ss.Error, ss.LastAttempt, ss.LastSuccess, ss.Rows
		}
		in.Sources = append(in.Sources, s)
	}
	return in, nil
}
