package dataset

import (
	"fmt"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// SchemaOfParquet derives a schema from a Parquet file's own columns, for
// reading a file whose dataset is not known (publish textconv). Its primary
// key is every required column, in file order.
func SchemaOfParquet(r parquet.ReaderAtSeeker) (s *Schema, err error) {
	defer func() {
		if p := recover(); p != nil { // a malformed footer can panic in arrow-go
			err = fmt.Errorf("dataset: read parquet schema: %v", p)
		}
	}()
	f, err := file.NewParquetReader(r)
	if err != nil {
		return nil, fmt.Errorf("dataset: read parquet schema: %w", err)
	}
	fs := f.MetaData().Schema
	s = &Schema{}
	for i := 0; i < fs.NumColumns(); i++ {
		c := fs.Column(i)
		if c.MaxRepetitionLevel() > 0 || c.ColumnPath().String() != c.Name() {
			return nil, fmt.Errorf("dataset: read parquet schema: column %q is nested or repeated", c.ColumnPath().String())
		}
		var typ Type
		switch name := parquetTypeName(c); name {
		case parquetTypeOf(String):
			typ = String
		case parquetTypeOf(Integer):
			typ = Integer
		case parquetTypeOf(Number):
			typ = Number
		case parquetTypeOf(Boolean):
			typ = Boolean
		case parquetTypeOf(Date):
			typ = Date
		default:
			return nil, fmt.Errorf("dataset: read parquet schema: column %q has type %s, which publish does not write", c.Name(), name)
		}
		req := c.SchemaNode().RepetitionType() == parquet.Repetitions.Required
		s.Fields = append(s.Fields, Field{Name: c.Name(), Type: typ, Required: req})
		if req {
			s.PrimaryKey = append(s.PrimaryKey, c.Name())
		}
	}
	if len(s.PrimaryKey) == 0 {
		return nil, fmt.Errorf("dataset: read parquet schema: no required column, so no key to sort by")
	}
	return s, nil
}
