package h2o

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// CacheDir returns the directory where benchmarks keep generated tables, creating
// it if needed: $GASK_BENCH_DATA if set, else gask/h2o under os.UserCacheDir
// (~/.cache/gask/h2o on Linux).
func CacheDir() (string, error) {
	dir := os.Getenv("GASK_BENCH_DATA")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("h2o: no cache directory (set GASK_BENCH_DATA): %w", err)
		}
		dir = filepath.Join(base, "gask", "h2o")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("h2o: %w", err)
	}
	return dir, nil
}

// WriteGroupByFile writes the groupby table to dir/GroupByName(n, k, nas, sort).csv
// and returns that path, replacing any existing file. The file is written under a
// temporary name in dir and renamed when complete, so an interrupted run never
// leaves a partial file under the final name (and an old file stays in place
// until the new one is ready).
func WriteGroupByFile(dir string, n, k, nas int, sort bool) (string, error) {
	path := filepath.Join(dir, GroupByName(n, k, nas, sort)+".csv")
	if err := checkGroupBy(n, k, nas); err != nil {
		return "", fmt.Errorf("h2o: %s: %w", path, err)
	}
	err := writeFileAtomic(path, func(w io.Writer) error { return writeGroupBy(w, n, k, sort) })
	if err != nil {
		return "", fmt.Errorf("h2o: %s: %w", path, err)
	}
	return path, nil
}

// EnsureGroupBy returns the path dir/GroupByName(n, k, nas, sort).csv, first
// generating the file with WriteGroupByFile if it does not exist.
func EnsureGroupBy(dir string, n, k, nas int, sort bool) (string, error) {
	path := filepath.Join(dir, GroupByName(n, k, nas, sort)+".csv")
	if err := checkGroupBy(n, k, nas); err != nil {
		return "", fmt.Errorf("h2o: %s: %w", path, err)
	}
	ok, err := exists(path)
	if err != nil {
		return "", fmt.Errorf("h2o: %s: %w", path, err)
	}
	if ok {
		return path, nil
	}
	return WriteGroupByFile(dir, n, k, nas, sort)
}

// EnsureJoin returns the paths of the four join tables of n rows in dir, in the
// order of JoinNames, first generating them all with WriteJoin if any is missing
// (the R script draws them from one random stream, so they cannot be made one at
// a time). Like EnsureGroupBy, it never leaves a partial file under a final name.
// Checking that the files exist is all it does when they do: it does not check
// their contents.
func EnsureJoin(dir string, n, nas int) ([]string, error) {
	var paths []string
	for _, name := range JoinNames(n, nas) {
		paths = append(paths, filepath.Join(dir, name+".csv"))
	}
	if err := checkJoin(n, nas); err != nil {
		return nil, fmt.Errorf("h2o: %s: %w", paths[0], err)
	}
	for _, path := range paths {
		ok, err := exists(path)
		if err != nil {
			return nil, fmt.Errorf("h2o: %s: %w", path, err)
		}
		if !ok {
			return WriteJoin(dir, n, nas)
		}
	}
	return paths, nil
}

// exists reports whether path names an existing file.
func exists(path string) (bool, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !fi.Mode().IsRegular():
		return false, errors.New("not a regular file")
	}
	return true, nil
}

// writeFileAtomic creates the file path with the contents write writes: it writes
// to a new hidden temporary file in the same directory, syncs it, and renames it
// to path, removing the temporary file if anything fails.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close() // the error that matters is err; f may be closed already
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err = f.Sync(); err != nil { // the data must be on disk before the rename
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
