package dataframe_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
	schedsync "github.com/gask-dev/gask/sched/sync"
)

func TestWriteReadRoundTrip(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		dir := t.TempDir()
		src := dataframe.ReadCSV(writeFile(t, dir, "tricky.csv", tricky), dataframe.Blocksize(40))
		want, err := src.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer want.Release()

		csvs, err := src.ToCSV(ctx, filepath.Join(dir, "out", "part-*.csv"), opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(csvs) != src.NPartitions() || !strings.HasSuffix(csvs[1], "part-1.csv") {
			t.Fatalf("wrote %v", csvs)
		}
		first, _ := os.ReadFile(csvs[0])
		if !strings.HasPrefix(string(first), "id,name,score,ok,note\n1,alice,1.5,True,plain\n") {
			t.Fatalf("csv:\n%s", first)
		}
		back, err := dataframe.ReadCSV(filepath.Join(dir, "out", "part-*.csv")).Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer back.Release()
		if a, b := tableString(t, want), tableString(t, back); a != b {
			t.Fatalf("csv round trip\n%s\nwant\n%s", b, a)
		}

		ipcs, err := src.ToIPC(ctx, filepath.Join(dir, "ipc", "*.arrow"), opt)
		if err != nil || len(ipcs) != src.NPartitions() {
			t.Fatal(ipcs, err)
		}
		rd := dataframe.ReadIPC(filepath.Join(dir, "ipc", "*.arrow"))
		if rd.NPartitions() != src.NPartitions() {
			t.Fatalf("%d partitions", rd.NPartitions())
		}
		back2, err := rd.Filter(dataframe.Col("id").Ge(dataframe.Lit(0))).Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer back2.Release()
		if a, b := tableString(t, want), tableString(t, back2); a != b {
			t.Fatalf("ipc round trip\n%s\nwant\n%s", b, a)
		}
		entries, _ := os.ReadDir(filepath.Join(dir, "ipc"))
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Fatalf("temporary file left: %s", e.Name())
			}
		}
	})
}

func TestWriteErrors(t *testing.T) {
	ctx := checked(t)
	dir := t.TempDir()
	df := dataframe.FromRecords(trips, 2)
	if _, err := df.ToCSV(ctx, filepath.Join(dir, "no-star.csv")); err == nil || !strings.Contains(err.Error(), "needs one *") {
		t.Fatalf("pattern: %v", err)
	}
	// A directory where the file should go: the error names the file.
	target := filepath.Join(dir, "x-0.csv")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := df.ToCSV(ctx, filepath.Join(dir, "x-*.csv")); err == nil || !strings.Contains(err.Error(), "x-0.csv") {
		t.Fatalf("write over a directory: %v", err)
	}
	if err := dataframe.ReadIPC(filepath.Join(dir, "missing.arrow")).Err(); err == nil || !strings.Contains(err.Error(), "missing.arrow") {
		t.Fatalf("missing ipc: %v", err)
	}
	bad := writeFile(t, dir, "bad.arrow", "not arrow at all")
	if err := dataframe.ReadIPC(bad).Err(); err == nil || !strings.Contains(err.Error(), "bad.arrow") {
		t.Fatalf("corrupt ipc: %v", err)
	}
}

// FuzzReadIPC feeds arbitrary bytes to ReadIPC: an error is fine, a panic is not.
func FuzzReadIPC(f *testing.F) {
	dir := f.TempDir()
	ctx := context.Background()
	paths, err := dataframe.FromRecords(trips, 1).ToIPC(ctx, filepath.Join(dir, "seed-*.arrow"))
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(paths[0])
	f.Add(seed)
	f.Add([]byte("ARROW1\x00\x00garbage"))
	f.Fuzz(func(t *testing.T, body []byte) {
		path := filepath.Join(t.TempDir(), "f.arrow")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		df := dataframe.ReadIPC(path)
		if df.Err() != nil {
			return
		}
		if tbl, err := df.Compute(ctx, gask.WithScheduler(schedsync.New())); err == nil {
			tbl.Release()
		}
	})
}
