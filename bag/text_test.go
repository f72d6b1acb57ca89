package bag_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bag"
)

const textDir = "../testdata/bag/"

func TestGoldenText(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		b := bag.ReadText(textDir+"words.txt", 300, "")
		equal(t, "npartitions", b.NPartitions(), golden[int](t, "text_npartitions"))
		equal(t, "lines", val(bag.Count(b).Compute(ctx, opt)).must(t), golden[int](t, "text_lines"))
		words := bag.FlatMap(b, strings.Fields)
		wc := val(bag.Frequencies(words, true).Compute(ctx, opt)).must(t)
		equal(t, "wordcount", toJSON[[][]any](t, pairs(wc)), golden[[][]any](t, "wordcount"))
		top := val(bag.TopK(bag.Frequencies(words, false), 3, count).Compute(ctx, opt)).must(t)
		equal(t, "top 3", toJSON[[][]any](t, pairs(top)), golden[[][]any](t, "wordcount_top3"))
		gz := bag.ReadText(textDir+"words.txt.gz", 100, "")
		equal(t, "gzip is one partition", gz.NPartitions(), 1)
		equal(t, "gzip lines", val(bag.Count(gz).Compute(ctx, opt)).must(t), golden[int](t, "gzip_lines"))

		j := bag.ReadJSON[record](textDir+"records.jsonl", 200, "")
		equal(t, "json npartitions", j.NPartitions(), golden[int](t, "json_npartitions"))
		equal(t, "json sum", val(bag.Sum(bag.Map(j, amount)).Compute(ctx, opt)).must(t), golden[int](t, "json_amount_sum"))
		m := bag.ReadJSON[map[string]any](textDir+"records.jsonl", 0, "none")
		amounts := val(bag.Pluck(m, "amount").Compute(ctx, opt)).must(t)
		equal(t, "json maps", toJSON[[]int](t, amounts), golden[[]int](t, "pluck"))
	})
}

// TestBlocksCutAtLineBoundaries reads a file with lines of many lengths (a long one
// too) at every block size: the lines, in order, are always the file's.
func TestBlocksCutAtLineBoundaries(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 60 {
		lines = append(lines, strings.Repeat(string(rune('a'+i%26)), (i*7)%23))
	}
	lines = append(lines, "", "end\r")
	long := append([]string{strings.Repeat("x", 70000)}, lines...)
	for n, c := range []struct {
		lines []string
		sizes []int64
	}{{lines, []int64{0, 1, 2, 3, 5, 8, 13, 64, 100}}, {long, []int64{0, 999, 30000, 70001}}} {
		for _, trailing := range []string{"\n", ""} {
			path := filepath.Join(dir, fmt.Sprint(n, len(trailing))+".txt")
			if err := os.WriteFile(path, []byte(strings.Join(c.lines, "\n")+trailing), 0o666); err != nil {
				t.Fatal(err)
			}
			want := append(append([]string{}, c.lines[:len(c.lines)-1]...), "end")
			for _, bs := range c.sizes {
				b := bag.ReadText(path, bs, "")
				got := val(b.Compute(ctx)).must(t)
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Fatalf("%s blocksize %d, %d partitions: %d lines, want %d", path, bs, b.NPartitions(), len(got), len(want))
				}
			}
		}
	}
}

func TestTextFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	b := bag.Map(bag.FromSlice(nums(), 4), strconv.Itoa)
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		for _, ext := range []string{".txt", ".txt.gz", ".txt.zst"} {
			pattern := filepath.Join(dir, t.Name(), "out-*"+ext)
			paths := val(bag.ToTextFiles(ctx, b, pattern, "", opt)).must(t)
			equal(t, "files", len(paths), 4)
			equal(t, "file 2", paths[2], filepath.Join(dir, t.Name(), "out-2"+ext))
			back := val(bag.ReadText(filepath.Join(dir, t.Name(), "out-*"+ext), 0, "").Compute(ctx, opt)).must(t)
			equal(t, "round trip "+ext, back, val(b.Compute(ctx, opt)).must(t))
		}
		paths := val(bag.ToTextFiles(ctx, b, filepath.Join(dir, t.Name(), "parts"), "none", opt)).must(t)
		equal(t, "directory", filepath.Base(paths[3]), "3.part")
	})
}

func TestTextErrors(t *testing.T) {
	dir := t.TempDir()
	if err := bag.ReadText(filepath.Join(dir, "*.nope"), 0, "").Err(); err == nil || !strings.Contains(err.Error(), "no files match") {
		t.Errorf("no files: %v", err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"id\": 1}\n\n{\"id\": 2}\n{\"id\": oops}\n"), 0o666)
	_, err := bag.ReadJSON[record](bad, 0, "").Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), "bag: ReadJSON "+bad+" line 4: invalid character") {
		t.Errorf("bad json: %v", err)
	}
	_, err = bag.ReadJSON[record](bad, 12, "").Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), "line at byte 21") {
		t.Errorf("bad json in a later block: %v", err)
	}
	notgz := filepath.Join(dir, "plain.gz")
	os.WriteFile(notgz, []byte("not gzip\n"), 0o666)
	_, err = bag.ReadText(notgz, 0, "").Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), "bag: read "+notgz+": gzip:") {
		t.Errorf("bad gzip: %v", err)
	}
	if err := bag.ReadText(notgz, 0, "lz9").Err(); err == nil || !strings.Contains(err.Error(), `unknown compression "lz9"`) {
		t.Errorf("bad compression: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o666)
	_, err = bag.ToTextFiles(ctx, bag.FromSlice([]string{"a"}, 1), filepath.Join(dir, "file", "*.txt"), "")
	if err == nil || !strings.Contains(err.Error(), "bag: ToTextFiles") {
		t.Errorf("unwritable: %v", err)
	}
}

// rec is a record of TestReadJSONLarge.
type rec struct {
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Amount int      `json:"amount"`
	Tags   []string `json:"tags"`
}

func init() { gask.RegisterType[rec]() }

// TestReadJSONLarge decodes a file of several read chunks, as structs and as maps,
// and compares every value with encoding/json's decoding of the line: the values
// must not share memory with the reader's buffer, which later chunks overwrite.
func TestReadJSONLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.jsonl")
	var sb strings.Builder
	var lines []string
	for i := range 20000 {
		l := fmt.Sprintf(`{"id": %d, "name": "n\u00e9%d\\t", "amount": %d, "tags": ["x%d"]}`, i, i%97, i%1000-400, i%3)
		lines = append(lines, l)
		sb.WriteString(l + "\n")
		if i%1000 == 0 {
			sb.WriteString("  \n")
		}
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o666); err != nil {
		t.Fatal(err)
	}
	var wantRecs []rec
	var wantMaps []map[string]any
	for _, l := range lines {
		var r rec
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		wantRecs, wantMaps = append(wantRecs, r), append(wantMaps, m)
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		for _, bs := range []int64{0, 300 << 10} {
			recs := val(bag.ReadJSON[rec](path, bs, "").Compute(ctx, opt)).must(t)
			if !reflect.DeepEqual(recs, wantRecs) {
				t.Fatalf("blocksize %d: structs differ from encoding/json's", bs)
			}
			maps := val(bag.ReadJSON[map[string]any](path, bs, "").Compute(ctx, opt)).must(t)
			if !reflect.DeepEqual(maps, wantMaps) {
				t.Fatalf("blocksize %d: maps differ from encoding/json's", bs)
			}
		}
	})
}
