package h2o_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/gask-dev/gask/internal/h2o"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestGroupByMD5 checks generated tables against the md5 sums of the files that
// groupby-datagen.R writes.
func TestGroupByMD5(t *testing.T) {
	for _, tc := range []struct {
		n, k int
		md5  string
	}{
		{n: 1e5, k: 1e2, md5: "3d85bbeb2e899a82ba8b2dc8c460a77e"},
		{n: 1e6, k: 1e2, md5: "1dcc6358f725b1e8ca587a30cbba039e"}, // about 1 s
	} {
		t.Run(h2o.GroupByName(tc.n, tc.k, 0, false), func(t *testing.T) {
			h := md5.New()
			if err := h2o.WriteGroupBy(h, tc.n, tc.k, 0, false); err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != tc.md5 {
				t.Errorf("md5 %s, want %s", got, tc.md5)
			}
		})
	}
}

// TestGroupBySorted checks the sorted tables against an independent
// implementation of setkeyv(DT, paste0("id", 1:6)): a stable sort of the unsorted
// table's rows by id1..id3 as strings and id4..id6 as integers. With k = 1000 the
// id1 and id2 labels have different widths ("id1000" sorts before "id101").
func TestGroupBySorted(t *testing.T) {
	for _, tc := range []struct{ n, k int }{{3e4, 10}, {4000, 1000}} {
		t.Run(h2o.GroupByName(tc.n, tc.k, 0, true), func(t *testing.T) {
			var unsorted, sorted bytes.Buffer
			if err := h2o.WriteGroupBy(&unsorted, tc.n, tc.k, 0, false); err != nil {
				t.Fatal(err)
			}
			if err := h2o.WriteGroupBy(&sorted, tc.n, tc.k, 0, true); err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitAfter(unsorted.String(), "\n")
			rows := lines[1 : len(lines)-1] // after the header, before the final ""
			key := func(row string) []string { return strings.SplitN(row, ",", 7)[:6] }
			slices.SortStableFunc(rows, func(a, b string) int {
				ka, kb := key(a), key(b)
				for c := range 6 {
					if c < 3 {
						if d := strings.Compare(ka[c], kb[c]); d != 0 {
							return d
						}
						continue
					}
					ia, _ := strconv.Atoi(ka[c])
					ib, _ := strconv.Atoi(kb[c])
					if ia != ib {
						return ia - ib
					}
				}
				return 0
			})
			want := lines[0] + strings.Join(rows, "")
			if sorted.String() != want {
				t.Error("sorted table differs from the stably sorted unsorted table")
			}
		})
	}
}

// TestEnsureGroupBy checks that EnsureGroupBy generates the file once, under its
// final name only, and then reuses it.
func TestEnsureGroupBy(t *testing.T) {
	dir := t.TempDir()
	path, err := h2o.EnsureGroupBy(dir, 1e4, 1e2, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "G1_1e4_1e2_0_0.csv"); path != want {
		t.Fatalf("path %s, want %s", path, want)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := h2o.WriteGroupBy(&want, 1e4, 1e2, 0, false); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("file differs from WriteGroupBy's output")
	}
	if fi, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}

	// Backdate the file so that a rewrite would show in its mtime whatever the
	// file system's timestamp resolution.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	again, err := h2o.EnsureGroupBy(dir, 1e4, 1e2, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if again != path {
		t.Errorf("second call: path %s, want %s", again, path)
	}
	if fi, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if !fi.ModTime().Equal(old) {
		t.Errorf("second call rewrote the file: mtime %v, want %v", fi.ModTime(), old)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("dir holds %q, want only %s", names, filepath.Base(path))
	}
}

// TestBadArguments checks that invalid or unsupported arguments fail before
// anything is written, with errors naming the file.
func TestBadArguments(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		call func() error
		file string // the error must name it
	}{
		{"groupby nas=5", func() error { return h2o.WriteGroupBy(io.Discard, 1e5, 1e2, 5, false) }, "G1_1e5_1e2_5_0.csv"},
		{"groupby n=0", func() error { return h2o.WriteGroupBy(io.Discard, 0, 1e2, 0, false) }, "G1_0e0_1e2_0_0.csv"},
		{"groupby k=0", func() error { return h2o.WriteGroupBy(io.Discard, 1e5, 0, 0, false) }, "G1_1e5_0e0_0_0.csv"},
		{"groupby n%k", func() error { return h2o.WriteGroupBy(io.Discard, 1e5, 3, 0, false) }, "G1_1e5_3e0_0_0.csv"},
		{"ensure groupby nas=5", func() error {
			_, err := h2o.EnsureGroupBy(dir, 1e5, 1e2, 5, false)
			return err
		}, filepath.Join(dir, "G1_1e5_1e2_5_0.csv")},
		{"ensure groupby n=0", func() error {
			_, err := h2o.EnsureGroupBy(dir, 0, 1e2, 0, false)
			return err
		}, filepath.Join(dir, "G1_0e0_1e2_0_0.csv")},
		{"join nas=5", func() error {
			_, err := h2o.WriteJoin(dir, 1e7, 5)
			return err
		}, filepath.Join(dir, "J1_1e7_NA_5_0.csv")},
		{"join n=1e6", func() error {
			_, err := h2o.WriteJoin(dir, 1e6, 0)
			return err
		}, filepath.Join(dir, "J1_1e6_NA_0_0.csv")},
		{"join n=0", func() error {
			_, err := h2o.WriteJoin(dir, 0, 0)
			return err
		}, filepath.Join(dir, "J1_0e0_NA_0_0.csv")},
		{"ensure join nas=5", func() error {
			_, err := h2o.EnsureJoin(dir, 1e7, 5)
			return err
		}, filepath.Join(dir, "J1_1e7_NA_5_0.csv")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "h2o: ") || !strings.Contains(msg, tc.file) {
				t.Errorf("error %q: want prefix %q naming %s", msg, "h2o: ", tc.file)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed calls left %d files in %s", len(entries), dir)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	err := h2o.WriteGroupBy(&failWriter{n: 3 << 20}, 1e5, 1e2, 0, false)
	if err == nil || !strings.HasPrefix(err.Error(), "h2o: G1_1e5_1e2_0_0.csv: ") || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v, want the writer's error wrapped with the file name", err)
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{h2o.GroupByName(1e7, 1e2, 0, false), "G1_1e7_1e2_0_0"},
		{h2o.GroupByName(1e8, 1e1, 5, true), "G1_1e8_1e1_5_1"},
		{h2o.GroupByName(1e9, 2, 0, false), "G1_1e9_2e0_0_0"},
		{strings.Join(h2o.JoinNames(1e7, 0), " "), "J1_1e7_NA_0_0 J1_1e7_1e1_0_0 J1_1e7_1e4_0_0 J1_1e7_1e7_0_0"},
		{strings.Join(h2o.JoinNames(1e9, 0), " "), "J1_1e9_NA_0_0 J1_1e9_1e3_0_0 J1_1e9_1e6_0_0 J1_1e9_1e9_0_0"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func TestCacheDir(t *testing.T) {
	want := filepath.Join(t.TempDir(), "a", "b")
	t.Setenv("GASK_BENCH_DATA", want)
	dir, err := h2o.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if dir != want {
		t.Errorf("CacheDir() = %s, want %s", dir, want)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Errorf("CacheDir did not create %s: %v", dir, err)
	}
}

// The first lines of a ten-row table with two groups.
func ExampleWriteGroupBy() {
	var buf bytes.Buffer
	if err := h2o.WriteGroupBy(&buf, 10, 2, 0, false); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h2o.GroupByName(10, 2, 0, false))
	lines := strings.Split(buf.String(), "\n")
	fmt.Println(strings.Join(lines[:3], "\n"))
	// Output:
	// G1_1e1_2e0_0_0
	// id1,id2,id3,id4,id5,id6,v1,v2,v3
	// id001,id001,id0000000004,1,1,1,1,1,62.6975
	// id002,id001,id0000000005,1,1,1,4,5,1.1454
}
