package dataframe_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
	schedsync "github.com/gask-dev/gask/sched/sync"
)

// FuzzReadCSV checks that any input either fails cleanly or reads the same whatever
// the blocksize: cutting a file into blocks at the boundaries the quote-aware scan
// finds must never change its records — and nothing panics or leaks.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		tricky,
		"a,b\n1,2\n3,4\n",
		"a\n\"x\ny\"\n\"\"\"\"\n",
		"a,b\n1,\"2\n",
		"x;y\n1;2\n",
		"a,b\r\n1,2\r\n",
		"",
		"\n\n\n",
		"a,a\n1,2\n",
	} {
		f.Add(seed, uint8(3))
	}
	f.Fuzz(func(t *testing.T, body string, bs uint8) {
		dir := t.TempDir()
		path := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sameInBlocks(t, func(blocksize int64) *dataframe.DataFrame {
			return dataframe.ReadCSV(path, dataframe.Blocksize(blocksize))
		}, int64(bs%16)+1)
	})
}

// sameInBlocks is the fuzz oracle of the block readers: reading the whole file and
// reading it in blocks of blocksize bytes must both fail or give the same table —
// cutting a file where the reader finds record starts never changes its records.
func sameInBlocks(t *testing.T, read func(blocksize int64) *dataframe.DataFrame, blocksize int64) {
	t.Helper()
	ctx := checked(t)
	run := func(bs int64) (string, error) {
		df := read(bs)
		if err := df.Err(); err != nil {
			return "", err
		}
		tbl, err := df.Compute(ctx, gask.WithScheduler(schedsync.New()))
		if err != nil {
			return "", err
		}
		defer tbl.Release()
		return tableString(t, tbl), nil
	}
	whole, errWhole := run(1 << 20)
	cut, errCut := run(blocksize)
	if (errWhole == nil) != (errCut == nil) {
		t.Fatalf("whole file: %v; in blocks: %v", errWhole, errCut)
	}
	if errWhole == nil && whole != cut {
		t.Fatalf("blocks change the result:\nwhole:\n%s\nblocks:\n%s", whole, cut)
	}
}
