package bag

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/graph"
)

const (
	readTextName  = "bag.read-text"
	writeTextName = "bag.write-text"
)

func init() {
	graph.Register(readTextName, func(ctx context.Context, args []any) (any, error) {
		blk := args[0].(block)
		out := []string{}
		err := blk.read(ctx, func(line []byte, _ int, _ int64) error {
			out = append(out, string(line))
			return nil
		})
		return out, err
	})
	graph.Register(writeTextName, func(ctx context.Context, args []any) (any, error) {
		path, compression := args[0].(string), args[1].(string)
		return []string{path}, writeText(path, compression, args[2])
	})
}

// compressionFor resolves a compression argument: "" (or "infer") by the file's
// extension (.gz gzip, .zst or .zstd zstd), "none", "gzip" or "zstd".
func compressionFor(path, c string) (string, error) {
	switch c {
	case "", "infer":
		switch {
		case strings.HasSuffix(path, ".gz"):
			return "gzip", nil
		case strings.HasSuffix(path, ".zst"), strings.HasSuffix(path, ".zstd"):
			return "zstd", nil
		}
		return "none", nil
	case "none", "gzip", "zstd":
		return c, nil
	}
	return "", fmt.Errorf("unknown compression %q (want gzip, zstd, none or infer)", c)
}

// block is a partition of a text file: the lines whose preceding newline is at a
// byte offset in [Off, End) (the file's first line belongs to the block at 0), as
// Dask's read_bytes cuts files at line boundaries. End < 0 reads to the end.
type block struct {
	Path        string
	Compression string
	Off, End    int64
}

// read passes every line of the block to fn, without its "\n" or "\r\n". lineNo is
// the line's number in the file when known (a block at the start of the file) and 0
// otherwise; offset is its byte offset in the (decompressed) file.
func (blk block) read(ctx context.Context, fn func(line []byte, lineNo int, offset int64) error) (err error) {
	f, err := os.Open(blk.Path)
	if err != nil {
		return fmt.Errorf("bag: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	switch blk.Compression {
	case "gzip":
		z, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("bag: read %s: gzip: %w", blk.Path, err)
		}
		r = z
	case "zstd":
		z, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return fmt.Errorf("bag: read %s: zstd: %w", blk.Path, err)
		}
		defer z.Close()
		r = z
	default:
		if blk.Off > 0 {
			if _, err := f.Seek(blk.Off, io.SeekStart); err != nil {
				return fmt.Errorf("bag: read %s: %w", blk.Path, err)
			}
		}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	pos := blk.Off
	if blk.Off > 0 {
		// Skip to the line after the first newline at or after Off.
		skipped, err := br.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			pos += int64(len(skipped))
			skipped, err = br.ReadSlice('\n')
		}
		pos += int64(len(skipped))
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("bag: read %s: %w", blk.Path, err)
		}
		if blk.End >= 0 && pos-1 >= blk.End {
			return nil // that newline belongs to the next block
		}
	}
	lineNo := 0
	if blk.Off == 0 {
		lineNo = 1
	}
	var long []byte
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("bag: read %s: %w", blk.Path, err)
		}
		if len(line) == 0 && err == io.EOF {
			return nil
		}
		start := pos
		pos += int64(len(line))
		nl := bytes.HasSuffix(line, []byte{'\n'})
		text := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte{'\n'}), []byte{'\r'})
		if ferr := fn(text, lineNo, start); ferr != nil {
			return ferr
		}
		if lineNo > 0 {
			lineNo++
		}
		if !nl || err == io.EOF || blk.End >= 0 && pos-1 >= blk.End {
			return nil
		}
	}
}

// blocks lists the blocks of the files glob matches, Dask's way: a compressed file,
// or any file when blocksize <= 0, is one block; a plain file is cut into about
// size/blocksize blocks of equal size, the spare bytes spread over them.
func blocks(what, glob string, blocksize int64, compression string) ([]block, error) {
	paths, err := filepath.Glob(glob)
	if err != nil {
		return nil, fmt.Errorf("bag: %s %q: %w", what, glob, err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("bag: %s: no files match %q", what, glob)
	}
	sort.Strings(paths)
	var out []block
	for _, p := range paths {
		c, err := compressionFor(p, compression)
		if err != nil {
			return nil, fmt.Errorf("bag: %s %s: %w", what, p, err)
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("bag: %s: %w", what, err)
		}
		size := st.Size()
		if c != "none" || blocksize <= 0 || size <= blocksize {
			out = append(out, block{Path: p, Compression: c, End: -1})
			continue
		}
		bs := float64(blocksize)
		if size%blocksize != 0 {
			bs = float64(size) / float64(size/blocksize)
		}
		offs := []int64{0}
		for place := 0.0; float64(size)-place > bs*2-1; {
			place += bs
			offs = append(offs, int64(place))
		}
		for i, o := range offs {
			end := int64(-1)
			if i+1 < len(offs) {
				end = offs[i+1]
			}
			out = append(out, block{Path: p, Compression: c, Off: o, End: end})
		}
	}
	return out, nil
}

// ReadText is a bag of the lines of the files glob matches (Dask's read_text), in
// file name order, without their "\n" or "\r\n" (Dask keeps the "\n"). A plain file
// larger than blocksize bytes is cut at line boundaries into partitions of about
// blocksize bytes; blocksize <= 0 makes one partition per file. compression is ""
// (by extension: .gz, .zst), "none", "gzip" or "zstd"; a compressed file is always one
// partition. The files are listed when ReadText is called; the partitions are
// registered tasks whose arguments are plain data.
func ReadText(glob string, blocksize int64, compression string) Bag[string] {
	blks, err := blocks("ReadText", glob, blocksize, compression)
	if err != nil {
		return fail[string](err)
	}
	name := tokenFor("read-text")
	tasks := make([]graph.Task, len(blks))
	for i, blk := range blks {
		tasks[i] = graph.Task{Key: graph.K(name, i), Func: graph.Registered(readTextName), Args: []any{blk}}
	}
	return fromNode[string](taskNode(name, tasks))
}

// ReadJSON is a bag of the JSON values of the lines of the files glob matches (JSON
// Lines, Dask's read_text(...).map(json.loads)), decoded with encoding/json into T: a
// struct, a map[string]any, any. Blank lines are skipped. blocksize and compression
// are ReadText's. A line that does not decode is an error naming the file and the
// line (or, past the first block of a file, its byte offset).
func ReadJSON[T any](glob string, blocksize int64, compression string) Bag[T] {
	blks, err := blocks("ReadJSON", glob, blocksize, compression)
	if err != nil {
		return fail[T](err)
	}
	name := tokenFor("read-json")
	tasks := make([]graph.Task, len(blks))
	for i, blk := range blks {
		read := func(ctx context.Context, _ []any) (any, error) {
			out := []T{}
			err := blk.read(ctx, func(line []byte, lineNo int, off int64) error {
				if len(bytes.TrimSpace(line)) == 0 {
					return nil
				}
				var v T
				if err := json.Unmarshal(line, &v); err != nil {
					where := "line " + strconv.Itoa(lineNo)
					if lineNo == 0 {
						where = "line at byte " + strconv.FormatInt(off, 10)
					}
					return fmt.Errorf("bag: ReadJSON %s %s: %w", blk.Path, where, err)
				}
				out = append(out, v)
				return nil
			})
			return out, err
		}
		tasks[i] = graph.Task{Key: graph.K(name, i), Func: graph.Closure("read-json", read)}
	}
	return fromNode[T](taskNode(name, tasks))
}

// ToTextFiles writes every partition to its own file, one element a line, and
// returns the file names (Dask's to_textfiles). pattern names the files: its "*" is
// replaced by the partition number; a pattern without "*" is a directory, which gets
// files 0.part, 1.part, ... Parent directories are created. compression is "" (by
// extension: .gz, .zst), "none", "gzip" or "zstd". A file that cannot be written is an
// error naming it, and is removed.
func ToTextFiles(ctx context.Context, b Bag[string], pattern, compression string, opts ...gask.Option) ([]string, error) {
	if b.err != nil {
		return nil, b.err
	}
	if strings.Count(pattern, "*") > 1 {
		return nil, fmt.Errorf("bag: ToTextFiles: pattern %q has more than one *", pattern)
	}
	if !strings.Contains(pattern, "*") {
		pattern = filepath.Join(pattern, "*.part")
	}
	n := b.NPartitions()
	paths := make([]string, n)
	comps := make([]string, n)
	for i := range paths {
		paths[i] = strings.Replace(pattern, "*", strconv.Itoa(i), 1)
		c, err := compressionFor(paths[i], compression)
		if err != nil {
			return nil, fmt.Errorf("bag: ToTextFiles: %w", err)
		}
		comps[i] = c
	}
	nd := over(b, "to-textfiles", n, func(j int) []int { return []int{j} }, func(j int) (graph.Func, []any) {
		return graph.Registered(writeTextName), []any{paths[j], comps[j]}
	})
	return fromNode[string](nd).Compute(ctx, opts...)
}

func writeText(path, compression string, part any) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return fmt.Errorf("bag: ToTextFiles: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bag: ToTextFiles: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("bag: ToTextFiles: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	var w io.Writer = f
	var flush func() error
	switch compression {
	case "gzip":
		z := gzip.NewWriter(f)
		w, flush = z, z.Close
	case "zstd":
		z, err := zstd.NewWriter(f, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return fmt.Errorf("bag: ToTextFiles %s: %w", path, err)
		}
		w, flush = z, z.Close
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	err = eachOf(part, func(x any) error {
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("element is %T, not a string", x)
		}
		bw.WriteString(s)
		return bw.WriteByte('\n')
	})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && flush != nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("bag: ToTextFiles %s: %w", path, err)
	}
	return nil
}
