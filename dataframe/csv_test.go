package dataframe_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

const tricky = `id,name,score,ok,note
1,alice,1.5,true,plain
2,"bob, jr",NA,false,"has ""quotes"""
3,carol,2,True,"two
lines"
4,,3.25,,
5,"eve
with
newlines",-1e3,FALSE,end` + "\r\n" + `6,frank,,true,last`

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const trickyWant = `id,name,score,ok,note
1,alice,1.5,true,plain
2,bob, jr,(null),false,has "quotes"
3,carol,2,true,two
lines
4,(null),3.25,(null),(null)
5,eve
with
newlines,-1000,false,end
6,frank,(null),true,last
`

// TestReadCSVBlocksizes reads a file with quoted delimiters, quotes and newlines at
// every blocksize from 1 byte up: cutting it anywhere must not change the result.
func TestReadCSVBlocksizes(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "tricky.csv", tricky)
	for _, bs := range []int64{1, 7, 13, 40, 64, 1 << 20} {
		eachScheduler(t, func(t *testing.T, opt gask.Option) {
			ctx := checked(t)
			df := dataframe.ReadCSV(path, dataframe.Blocksize(bs))
			if err := df.Err(); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(df.Schema()); !strings.Contains(got, "id: type=int64") || !strings.Contains(got, "score: type=float64") || !strings.Contains(got, "ok: type=bool") || !strings.Contains(got, "note: type=utf8") {
				t.Fatalf("schema %s", got)
			}
			tbl, err := df.Compute(ctx, opt)
			if err != nil {
				t.Fatalf("blocksize %d: %v", bs, err)
			}
			defer tbl.Release()
			if got := tableString(t, tbl); got != trickyWant {
				t.Fatalf("blocksize %d (%d partitions):\n%s\nwant\n%s", bs, df.NPartitions(), got, trickyWant)
			}
		})
	}
}

func TestReadCSVProjectionAndFilter(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "tricky.csv", tricky)
	ctx := checked(t)
	df := dataframe.ReadCSV(path, dataframe.Blocksize(20)).
		Filter(dataframe.Col("score").Gt(dataframe.Lit(0))).
		Select("name")
	plan := df.Explain()
	if !strings.Contains(plan, "ReadCSV tricky.csv columns=[name, score]") {
		t.Fatalf("projection not pushed into the reader:\n%s", plan)
	}
	tbl, err := df.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if got := tableString(t, tbl); got != "name\nalice\ncarol\n(null)\n" {
		t.Fatalf("got\n%s", got)
	}
}

func TestReadCSVGlobAndGzip(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "part-0.csv", "a,b\n1,x\n2,y\n")
	var gz strings.Builder
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("a,b\n3,z\n"))
	zw.Close()
	writeFile(t, dir, "part-1.csv.gz", gz.String())
	ctx := checked(t)
	df := dataframe.ReadCSV(filepath.Join(dir, "part-*"))
	if df.NPartitions() != 2 {
		t.Fatalf("%d partitions", df.NPartitions())
	}
	tbl, err := df.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if got := tableString(t, tbl); got != "a,b\n1,x\n2,y\n3,z\n" {
		t.Fatalf("got\n%s", got)
	}
}

func TestReadCSVErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, body string
		opts       []dataframe.CSVOption
		want       string
	}{
		{"short.csv", "a,b\n1,2\n3\n", nil, `short.csv line 3: 1 fields, want 2`},
		{"badint.csv", "a,b\n1,2\n3,4\nx5,6\n", []dataframe.CSVOption{dataframe.SampleBytes(12)}, `badint.csv line 4 column "a": cannot parse "x5" as int64 (the type was inferred from a sample; set it with dataframe.ColumnTypes)`},
		{"typed.csv", "a,b\n1,2\n", []dataframe.CSVOption{dataframe.ColumnTypes(map[string]string{"b": "bool"})}, `typed.csv line 2 column "b": cannot parse "2" as bool`},
		{"open.csv", "a,b\n1,\"unterminated\n", nil, `open.csv line 2: a quoted field is not closed`},
		{"coltype.csv", "a\n1\n", []dataframe.CSVOption{dataframe.ColumnTypes(map[string]string{"zz": "int64"})}, `ColumnTypes names column "zz", which is not in the file`},
		{"empty.csv", "", nil, `empty.csv: the file is empty`},
		{"dup.csv", "a,a\n1,2\n", nil, `duplicate column name "a"`},
	}
	for _, tt := range tests {
		path := writeFile(t, dir, tt.name, tt.body)
		ctx := checked(t)
		df := dataframe.ReadCSV(path, tt.opts...)
		err := df.Err()
		if err == nil {
			var tbl interface{ Release() }
			tbl, err = df.Compute(ctx)
			if err == nil {
				tbl.Release()
			}
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v\nwant %s", tt.name, err, tt.want)
		}
	}
	if err := dataframe.ReadCSV(filepath.Join(dir, "missing.csv")).Err(); err == nil || !strings.Contains(err.Error(), "missing.csv: no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := dataframe.ReadCSV(filepath.Join(dir, "missing.csv")).Compute(context.Background()); err == nil {
		t.Error("missing file computed")
	}
}

// TestExplainGolden asserts the optimized plan: unused columns are never read, and a
// projection's unused outputs are pruned.
func TestExplainGolden(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "tricky.csv", tricky)
	df := dataframe.ReadCSV(path, dataframe.Blocksize(40)).
		WithColumn("adj", dataframe.Col("score").Mul(dataframe.Lit(2))).
		Filter(dataframe.Col("ok")).
		GroupBy("name").Sort(false).
		Agg(dataframe.Max("adj"), dataframe.Corr("adj", "id"))
	want := `GroupBy [name] Agg [max(adj) as adj, corr(adj, id) as corr_adj_id] split_every=8 unsorted npartitions=1
  Project [name, adj, id]
    Filter ok
      Project [id, name, ok, (score * 2) as adj]
        ReadCSV tricky.csv columns=[id, name, score, ok] npartitions=5
`
	if got := df.Explain(); got != want {
		t.Fatalf("plan\n%s\nwant\n%s", got, want)
	}
}

func TestReadCSVHeaderMismatch(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.csv", "x,y\n1,2\n")
	writeFile(t, dir, "b.csv", "x,z\n3,4\n")
	err := dataframe.ReadCSV(filepath.Join(dir, "*.csv")).Err()
	if err == nil || !strings.Contains(err.Error(), "b.csv has columns x,z, but") || !strings.Contains(err.Error(), "a.csv has x,y") {
		t.Fatalf("got %v", err)
	}
}

// TestReadCSVSkipBadLines skips malformed rows: on every scheduler without a report
// function, and with one (a closure) in process, which the procs scheduler refuses.
func TestReadCSVSkipBadLines(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "bad.csv", "a,b,c\n1,x,2.5\n2,y\n3,z,oops\nbad,w,1\n4,v,4.5\n")
	read := func(report func(dataframe.BadLines)) *dataframe.DataFrame {
		return dataframe.ReadCSV(p, dataframe.Blocksize(12), dataframe.ColumnTypes(map[string]string{"a": "int64", "c": "float64"}),
			dataframe.SkipBadLines(report))
	}
	check := func(t *testing.T, opt gask.Option, df *dataframe.DataFrame) {
		ctx := checked(t)
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		if got := tableString(t, tbl); got != "a,b,c\n1,x,2.5\n4,v,4.5\n" {
			t.Fatalf("got\n%s", got)
		}
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) { check(t, opt, read(nil)) })
	t.Run("report", func(t *testing.T) {
		eachLocal(t, func(t *testing.T, opt gask.Option) {
			var mu sync.Mutex
			var reports []dataframe.BadLines
			check(t, opt, read(func(b dataframe.BadLines) { mu.Lock(); reports = append(reports, b); mu.Unlock() }))
			total := 0
			for _, r := range reports {
				total += r.Count
				if r.Path != p || r.Err == nil || r.First < 3 {
					t.Fatalf("report %+v", r)
				}
			}
			if total != 3 {
				t.Fatalf("%d bad lines reported, want 3: %+v", total, reports)
			}
		})
		refused(t, read(func(dataframe.BadLines) {}), "SkipBadLines")
	})
}
