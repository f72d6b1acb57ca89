// Command h2o-datagen writes the H2O.ai db-benchmark "groupby" (G1_*) and "join"
// (J1_*) CSV files, byte for byte what the published R generators write, using
// package internal/h2o.
//
// Usage:
//
//	h2o-datagen groupby N K NAS SORT [DIR]       # write DIR/G1_N_K_NAS_SORT.csv
//	h2o-datagen join N NAS SORT [DIR]            # write the four DIR/J1_N_*_NAS_SORT.csv
//	h2o-datagen ensure-groupby N K NAS SORT [DIR]
//	h2o-datagen ensure-join N NAS SORT [DIR]
//	h2o-datagen cache-dir
//
// Numbers may be written as R reads them: 1e7, 1e2, 100. Only NAS = 0 is
// supported; SORT is 0 or 1 for groupby and must be 0 for join. DIR is created if
// needed. groupby and join (re)generate their files in DIR, by default the current
// directory; each file is written under a temporary name and renamed over any old
// one only when complete.
//
// The ensure- forms are what scripts call: they print the path of the table (the
// four paths of the join tables, one per line) in DIR, by default the benchmark
// cache directory ($GASK_BENCH_DATA, else gask/h2o in the user cache directory,
// which cache-dir prints), after generating it if it is not there yet:
//
//	data=$(go run ./bench/cmd/h2o-datagen ensure-groupby 1e7 1e2 0 0)
//
// Only paths go to standard output; progress goes to standard error.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gask-dev/gask/internal/h2o"
)

const usage = `usage:
  h2o-datagen groupby N K NAS SORT [DIR]         write DIR/G1_N_K_NAS_SORT.csv (DIR: .)
  h2o-datagen join N NAS SORT [DIR]              write the four DIR/J1_N_*_NAS_SORT.csv (DIR: .)
  h2o-datagen ensure-groupby N K NAS SORT [DIR]  print the path in DIR (DIR: cache-dir),
                                                 generating the file first if it is missing
  h2o-datagen ensure-join N NAS SORT [DIR]       print the four paths, same rules
  h2o-datagen cache-dir                          print the cache directory
Numbers may be written 1e7; NAS must be 0; SORT is 0 or 1 (0 for join).
`

// errUsage reports bad command-line arguments.
var errUsage = errors.New("bad arguments")

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "h2o-datagen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errUsage
	}
	mode, args := args[0], args[1:]
	ensure := strings.HasPrefix(mode, "ensure-")
	switch mode {
	case "groupby", "ensure-groupby":
		if len(args) < 4 || len(args) > 5 {
			return errUsage
		}
		v, err := parseInts(args[:4])
		if err != nil {
			return err
		}
		sort, err := parseSort(v[3])
		if err != nil {
			return err
		}
		dir, err := dirArg(args[4:], ensure)
		if err != nil {
			return err
		}
		return groupBy(dir, v[0], v[1], v[2], sort, ensure)
	case "join", "ensure-join":
		if len(args) < 3 || len(args) > 4 {
			return errUsage
		}
		v, err := parseInts(args[:3])
		if err != nil {
			return err
		}
		if sort, err := parseSort(v[2]); err != nil {
			return err
		} else if sort {
			return errors.New("SORT = 1: only unsorted join tables (SORT = 0) are supported")
		}
		dir, err := dirArg(args[3:], ensure)
		if err != nil {
			return err
		}
		return join(dir, v[0], v[1], ensure)
	case "cache-dir":
		if len(args) != 0 {
			return errUsage
		}
		dir, err := h2o.CacheDir()
		if err != nil {
			return err
		}
		fmt.Println(dir)
		return nil
	}
	return errUsage
}

// parseInts parses non-negative integers written as R's as.integer reads them
// (1e7, 100).
func parseInts(args []string) ([]int, error) {
	v := make([]int, len(args))
	for i, s := range args {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != math.Trunc(f) || f < 0 || f > math.MaxInt32 {
			return nil, fmt.Errorf("%q is not an integer in 0..%d", s, math.MaxInt32)
		}
		v[i] = int(f)
	}
	return v, nil
}

// parseSort parses SORT.
func parseSort(v int) (bool, error) {
	if v > 1 {
		return false, fmt.Errorf("SORT = %d, want 0 or 1", v)
	}
	return v == 1, nil
}

// dirArg returns the output directory: the optional argument, else the cache
// directory for the ensure- forms and the current directory for the others.
func dirArg(args []string, ensure bool) (string, error) {
	if len(args) == 1 {
		return args[0], os.MkdirAll(args[0], 0o755)
	}
	if ensure {
		return h2o.CacheDir()
	}
	return ".", nil
}

func groupBy(dir string, n, k, nas int, sort, ensure bool) error {
	name := h2o.GroupByName(n, k, nas, sort) + ".csv"
	path := filepath.Join(dir, name)
	if ensure && !missing(path) {
		fmt.Println(path)
		return nil
	}
	fmt.Fprintf(os.Stderr, "h2o-datagen: generating %s in %s (about 1 s per 1e6 rows)\n", name, dir)
	t0 := time.Now()
	write := h2o.WriteGroupByFile
	if ensure {
		write = h2o.EnsureGroupBy // in case another process made it meanwhile
	}
	if _, err := write(dir, n, k, nas, sort); err != nil {
		return err
	}
	reportWritten(path, time.Since(t0))
	fmt.Println(path)
	return nil
}

func join(dir string, n, nas int, ensure bool) error {
	names := h2o.JoinNames(n, nas)
	generating := !ensure || slices.ContainsFunc(names, func(name string) bool {
		return missing(filepath.Join(dir, name+".csv"))
	})
	write := h2o.WriteJoin
	if ensure {
		write = h2o.EnsureJoin
	}
	if generating {
		fmt.Fprintf(os.Stderr, "h2o-datagen: generating %s.csv and its three right tables in %s (about 2 s per 1e6 rows)\n", names[0], dir)
	}
	t0 := time.Now()
	paths, err := write(dir, n, nas)
	if err != nil {
		return err
	}
	if generating {
		for _, p := range paths {
			reportWritten(p, 0)
		}
		fmt.Fprintf(os.Stderr, "h2o-datagen: done in %.1fs\n", time.Since(t0).Seconds())
	}
	fmt.Println(strings.Join(paths, "\n"))
	return nil
}

// missing reports whether path does not exist.
func missing(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// reportWritten notes a generated file, and the time it took if known, on stderr.
func reportWritten(path string, d time.Duration) {
	size := "?"
	if fi, err := os.Stat(path); err == nil {
		size = fmt.Sprintf("%d bytes", fi.Size())
	}
	if d > 0 {
		fmt.Fprintf(os.Stderr, "h2o-datagen: wrote %s (%s) in %.1fs\n", path, size, d.Seconds())
	} else {
		fmt.Fprintf(os.Stderr, "h2o-datagen: wrote %s (%s)\n", path, size)
	}
}
