// Package bagdata generates the data of the bag benchmarks, deterministically, and
// caches it: text of Zipf-distributed words for the word count, and JSON Lines
// records for the JSON pipeline. Both are written as 8 files in a directory of the
// cache ($GASK_BENCH_DATA/bag, else gask/bag in the user cache directory), under a
// temporary name renamed when complete.
package bagdata

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Files is how many files a data set is written as.
const Files = 8

// CacheDir is the directory of the bag data: $GASK_BENCH_DATA/bag, else gask/bag in
// the user cache directory.
func CacheDir() (string, error) {
	base := os.Getenv("GASK_BENCH_DATA")
	if base == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("bagdata: no cache directory (set GASK_BENCH_DATA): %w", err)
		}
		base = filepath.Join(c, "gask")
	}
	dir := filepath.Join(base, "bag")
	return dir, os.MkdirAll(dir, 0o755)
}

// Vocabulary is the word list of the text: 50,000 words of 2-10 letters.
func Vocabulary() []string {
	vocab := make([]string, 50_000)
	for i := range vocab {
		n := 2 + i%9
		var sb strings.Builder
		for j := range n {
			sb.WriteByte(byte('a' + (i*7+j*13)%26))
		}
		vocab[i] = sb.String()
	}
	return vocab
}

// WriteText writes about size bytes of text to w: lines of 1-16 words drawn from
// Vocabulary with a Zipf distribution (s = 1.1), like natural text, from a PCG
// generator seeded with (1, seed).
func WriteText(w *bufio.Writer, size int64, seed uint64) error {
	r := rand.New(rand.NewPCG(1, seed))
	zipf := rand.NewZipf(r, 1.1, 1, 49_999)
	vocab := Vocabulary()
	var written int64
	for written < size {
		n := 1 + r.IntN(16)
		for j := range n {
			if j > 0 {
				w.WriteByte(' ')
				written++
			}
			word := vocab[zipf.Uint64()]
			w.WriteString(word)
			written += int64(len(word))
		}
		w.WriteByte('\n')
		written++
	}
	return w.Flush()
}

// Kinds are the values of a record's kind; the JSON pipeline drops "view".
var Kinds = []string{"buy", "view", "click", "cart"}

// Users is how many distinct users the records have (u00000 .. u09999).
const Users = 10_000

// WriteJSON writes n JSON Lines records to w, like
//
//	{"id":1234,"user":"u00042","kind":"buy","amount":123.45,"ok":true}
//
// id counts from first; user is uniform over Users, kind over Kinds, amount is
// uniform in [0, 1000) with two decimals, from a PCG generator seeded with (2, seed).
func WriteJSON(w *bufio.Writer, first, n int64, seed uint64) error {
	r := rand.New(rand.NewPCG(2, seed))
	var b []byte
	for i := first; i < first+n; i++ {
		b = append(b[:0], `{"id":`...)
		b = strconv.AppendInt(b, i, 10)
		b = append(b, `,"user":"u`...)
		u := r.IntN(Users)
		b = append(b, byte('0'+u/10000), byte('0'+u/1000%10), byte('0'+u/100%10), byte('0'+u/10%10), byte('0'+u%10))
		b = append(b, `","kind":"`...)
		b = append(b, Kinds[r.IntN(len(Kinds))]...)
		b = append(b, `","amount":`...)
		c := r.IntN(100_000)
		b = strconv.AppendInt(b, int64(c/100), 10)
		b = append(b, '.', byte('0'+c/10%10), byte('0'+c%10))
		b = append(b, `,"ok":`...)
		b = strconv.AppendBool(b, r.IntN(2) == 0)
		b = append(b, "}\n"...)
		w.Write(b)
	}
	return w.Flush()
}

// Ensure returns the glob of a cached data set's files, generating them first if
// they are missing: kind "text" (size: total bytes) or "json" (size: records).
func Ensure(kind string, size int64) (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	var name string
	switch kind {
	case "text":
		name = fmt.Sprintf("words-%d", size)
	case "json":
		name = fmt.Sprintf("records-%d", size)
	default:
		return "", fmt.Errorf("bagdata: unknown data set %q (text, json)", kind)
	}
	ext := map[string]string{"text": ".txt", "json": ".jsonl"}[kind]
	final := filepath.Join(dir, name)
	glob := filepath.Join(final, "part-*"+ext)
	if st, err := os.Stat(final); err == nil && st.IsDir() {
		return glob, nil
	}
	tmp, err := os.MkdirTemp(dir, name+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	var wg sync.WaitGroup
	errs := make([]error, Files)
	for f := range Files {
		wg.Go(func() {
			errs[f] = func() error {
				out, err := os.Create(filepath.Join(tmp, fmt.Sprintf("part-%d%s", f, ext)))
				if err != nil {
					return err
				}
				defer out.Close()
				w := bufio.NewWriterSize(out, 1<<20)
				per := size / Files
				if kind == "text" {
					err = WriteText(w, per, uint64(f))
				} else {
					first := per * int64(f)
					if f == Files-1 {
						per = size - first
					}
					err = WriteJSON(w, first, per, uint64(f))
				}
				if err != nil {
					return err
				}
				return out.Close()
			}()
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return "", fmt.Errorf("bagdata: %w", err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("bagdata: %w", err)
	}
	return glob, nil
}

// Size is the total size in bytes of the files glob matches (0 if it cannot tell).
func Size(tb interface{ Helper() }, glob string) int64 {
	tb.Helper()
	paths, _ := filepath.Glob(glob)
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}
