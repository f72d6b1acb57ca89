package dataframe_test

import (
	"context"
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
		ctx := checked(t)
		sync := gask.WithScheduler(schedsync.New())
		read := func(blocksize int64) (string, error) {
			df := dataframe.ReadCSV(path, dataframe.Blocksize(blocksize))
			if err := df.Err(); err != nil {
				return "", err
			}
			tbl, err := df.Compute(ctx, sync)
			if err != nil {
				return "", err
			}
			defer tbl.Release()
			return tableString(t, tbl), nil
		}
		whole, errWhole := read(1 << 20)
		cut, errCut := read(int64(bs%16) + 1)
		if (errWhole == nil) != (errCut == nil) {
			t.Fatalf("whole file: %v; in blocks: %v", errWhole, errCut)
		}
		if errWhole == nil && whole != cut {
			t.Fatalf("blocks change the result:\nwhole:\n%s\nblocks:\n%s", whole, cut)
		}
		_ = context.Background
	})
}
