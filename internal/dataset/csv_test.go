package dataset

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteCSV(t *testing.T) {
	tab := tableOf(t, allTypes, allTypesRows())
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tab); err != nil {
		t.Fatal(err)
	}
	want := "id,name,label,note,count,amount,flag,day,due,ok\n" +
		"-3,,,,,,,,1970-01-01,false\n" +
		"1,Türkiye,a,†‡§¶‖,-9223372036854775808,0.30000000000000004,true,2024-02-29,1969-12-31,true\n" +
		"2,\"comma, \"\"quote\"\"\nnewline\",b,,9223372036854775807,0.3333333333333333,false,0001-01-01,9999-12-31,false\n" +
		"3,Côte d’Ivoire,a,\" leading space\",0,17976931348623157" + strings.Repeat("0", 292) + ",,1969-12-31,1970-01-01,true\n" +
		"4,日本,,x,-1,0." + strings.Repeat("0", 323) + "5,true,,2000-01-01,false\n" +
		"5,e,,,42,1000000000000000000000,false,1900-03-01,2000-01-01,true\n" +
		"6,f,b,y,7,0.0000001,true,2100-12-31,2000-01-01,false\n" +
		"7,g,a,z,8,-123456789.12345679,false,2026-11-25,2000-01-02,true\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("WriteCSV() differs (-want +got):\n%s", diff)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	// In CSV the empty string and null are one: nullable fields of these
	// tables hold no empty strings.
	rows := allTypesRows()
	rows[0][3] = null
	rows[5][2] = null
	tests := []struct {
		name string
		tab  *Table
	}{
		{"all types", tableOf(t, allTypes, rows)},
		{"expenditure", ExpenditureTable(sampleExpenditures())},
		{"synthetic", ExpenditureTable(syntheticExpenditures(5000))},
		{"no rows", NewTable(ExpenditureSchema, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, tt.tab); err != nil {
				t.Fatal(err)
			}
			got, err := ReadCSV(&buf, tt.tab.Schema)
			if err != nil {
				t.Fatalf("ReadCSV: %v", err)
			}
			if diff := tableDiff(tt.tab, got); diff != "" {
				t.Errorf("ReadCSV(WriteCSV(t)) differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteCSVOneColumn(t *testing.T) {
	s := &Schema{PrimaryKey: []string{"k"}, Fields: []Field{{Name: "k", Type: String, Required: true}}}
	tab := tableOf(t, s, []Row{{str("")}, {str("a")}})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tab); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "k\n\"\"\na\n"; got != want {
		t.Errorf("WriteCSV() = %q, want %q", got, want)
	}
	got, err := ReadCSV(&buf, s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := tableDiff(tab, got); diff != "" {
		t.Errorf("round trip differs (-want +got):\n%s", diff)
	}
}

func TestReadCSV(t *testing.T) {
	s := &Schema{
		PrimaryKey: []string{"id"},
		Fields: []Field{
			{Name: "id", Type: Integer, Required: true},
			{Name: "x", Type: Number},
			{Name: "b", Type: Boolean},
			{Name: "d", Type: Date},
			{Name: "s", Type: String},
		},
	}
	tests := []struct {
		name string
		in   string
		want []Row  // when no error
		err  string // part of the error
	}{
		{"typed", "id,x,b,d,s\n1,2.5,true,2020-01-31,a\n", []Row{{integer(1), num(2.5), boolean(true), str("2020-01-31"), str("a")}}, ""},
		{"nulls", "id,x,b,d,s\n1,,,,\n", []Row{{integer(1), null, null, null, null}}, ""},
		{"any column order", "s,d,b,x,id\na,2020-01-31,false,-0.5,7\n", []Row{{integer(7), num(-0.5), boolean(false), str("2020-01-31"), str("a")}}, ""},
		{"byte-order mark", "\uFEFFid,x,b,d,s\n1,,,,\n", []Row{{integer(1), null, null, null, null}}, ""},
		{"crlf", "id,x,b,d,s\r\n1,,,,\r\n", []Row{{integer(1), null, null, null, null}}, ""},
		{"empty", "", nil, "no header"},
		{"unknown column", "id,x,b,d,s,z\n", nil, `column "z" is not in the schema`},
		{"missing column", "id,x,b,d\n", nil, `no column "s"`},
		{"duplicate column", "id,x,b,d,s,x\n", nil, `column "x" appears twice`},
		{"bad integer", "id,x,b,d,s\n1.5,,,,\n", nil, `line 2: field "id": "1.5" is not an integer`},
		{"bad number", "id,x,b,d,s\n1,1,5,,,\n", nil, "wrong number of fields"},
		{"bad boolean", "id,x,b,d,s\n1,,yes,,\n", nil, `field "b": "yes" is not true or false`},
		{"bad date", "id,x,b,d,s\n1,,,2020-02-30,\n", nil, `"2020-02-30" is not YYYY-MM-DD`},
		{"required empty", "id,x,b,d,s\n,,,,\n", nil, `field "id": required value is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCSV(strings.NewReader(tt.in), s)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ReadCSV(%q) = %v, want an error containing %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadCSV(%q) = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, rowsOf(got)); diff != "" {
				t.Errorf("ReadCSV(%q) rows differ (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// WriteCSVFrom, which reads a row group at a time, writes what WriteCSV
// writes for the whole table.
func TestWriteCSVFrom(t *testing.T) {
	tab := syntheticTable(2*ParquetRowGroupRows + 17)
	var pq, want, got bytes.Buffer
	if err := WriteParquet(&pq, tab); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&want, tab); err != nil {
		t.Fatal(err)
	}
	r, err := NewParquetReader(bytes.NewReader(pq.Bytes()), tab.Schema)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteCSVFrom(&got, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("WriteCSVFrom wrote %d bytes unlike WriteCSV's %d", got.Len(), want.Len())
	}
}
