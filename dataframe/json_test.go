package dataframe_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

func TestReadJSONGolden(t *testing.T) {
	path := filepath.Join("..", "testdata", "dataframe", "events.jsonl")
	want := readGolden(t, filepath.Join("..", "testdata", "dataframe", "golden", "json_read.csv"))
	for _, bs := range []int64{300, 64 << 20} {
		eachScheduler(t, func(t *testing.T, opt gask.Option) {
			ctx := checked(t)
			df := dataframe.ReadJSON(path, dataframe.Blocksize(bs))
			if err := df.Err(); err != nil {
				t.Fatal(err)
			}
			tbl, err := df.Select("id", "kind", "amount", "user", "ok", "note").Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			compareRows(t, "json_read", tableRows(tbl), want)
		})
	}
}

func TestReadJSONNestedAndErrors(t *testing.T) {
	dir := t.TempDir()
	ctx := checked(t)
	p := writeFile(t, dir, "n.jsonl", `{"a": 1, "tags": ["x", "y"], "m": {"k": 2}}`+"\n"+`{"a": 2}`+"\n")
	tbl, err := dataframe.ReadJSON(p).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if got := tableString(t, tbl); got != "a,tags,m\n1,[\"x\", \"y\"],{\"k\": 2}\n2,(null),(null)\n" {
		t.Fatalf("got\n%s", got)
	}
	bad := writeFile(t, dir, "bad.jsonl", `{"a": 1}`+"\n"+`{"a": 2}`+"\n"+`{"a": oops}`+"\n")
	if _, err := dataframe.ReadJSON(bad, dataframe.SampleBytes(20)).Compute(ctx); err == nil || !strings.Contains(err.Error(), "bad.jsonl line 3") {
		t.Fatalf("malformed line: %v", err)
	}
	typed := writeFile(t, dir, "typed.jsonl", `{"a": 1}`+"\n"+`{"a": 2.5}`+"\n")
	if _, err := dataframe.ReadJSON(typed, dataframe.SampleBytes(9)).Compute(ctx); err == nil || !strings.Contains(err.Error(), `typed.jsonl line 2 key "a": 2.5 is not an int64`) {
		t.Fatalf("type: %v", err)
	}
	if err := dataframe.ReadJSON(filepath.Join(dir, "nope.jsonl")).Err(); err == nil || !strings.Contains(err.Error(), "nope.jsonl") {
		t.Fatalf("missing: %v", err)
	}
}

// FuzzReadJSON checks that any JSON lines input reads the same whatever the blocksize.
func FuzzReadJSON(f *testing.F) {
	for _, seed := range []string{
		"{\"a\":1,\"b\":\"x\"}\n{\"a\":2}\n",
		"{\"s\":\"a,\\\"b\\\"\"}\n\n{\"s\":null}",
		"{}\n",
		"not json\n",
	} {
		f.Add(seed, uint8(5))
	}
	f.Fuzz(func(t *testing.T, body string, bs uint8) {
		path := filepath.Join(t.TempDir(), "f.jsonl")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sameInBlocks(t, func(blocksize int64) *dataframe.DataFrame {
			return dataframe.ReadJSON(path, dataframe.Blocksize(blocksize))
		}, int64(bs%16)+1)
	})
}
