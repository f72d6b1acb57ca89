// Command duckdb-join runs the db-benchmark (H2O) join questions q1..q5 on
// DuckDB, the way db-benchmark's duckdb solution (join-duckdb) does: the four
// CSV files are loaded into the tables x, small, medium and big, and each
// question is a `CREATE TABLE ans AS SELECT x.*, <right columns> FROM x JOIN
// <right> USING (<key>)` whose row count and sums of v1 and v2 are then read
// back from ans.
//
// Usage (built from the parent module: go build -o duckdb-join ./join):
//
//	duckdb-join [--runs N] [--threads N] [--q q1,q2] X.csv SMALL.csv MEDIUM.csv BIG.csv
//
// It prints one line per step (see ../../README.md for the contract):
//
//	peer=duckdb q=<load|q1..q5> seconds=<float> rows=<n> sums=<s1,s2> peak_rss_mib=<n>
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/gask-dev/gask/bench/peers/duckdb/peer"
)

type question struct {
	name string
	sql  string // the SELECT that builds ans
}

// The db-benchmark duckdb solution's queries (join-duckdb), q1..q5: x's columns,
// then the right table's non-key columns (renamed where they clash), then v2.
var questions = []question{
	// small inner on int
	{"q1", `SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)`},
	// medium inner on int
	{"q2", `SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x JOIN medium USING (id2)`},
	// medium outer (left) on int
	{"q3", `SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x LEFT JOIN medium USING (id2)`},
	// medium inner on factor (a string key)
	{"q4", `SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, v2 FROM x JOIN medium USING (id5)`},
	// big inner on int
	{"q5", `SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, big.id6 AS big_id6, v2 FROM x JOIN big USING (id3)`},
}

// The column types of the four tables: the integer ids BIGINT (db-benchmark's
// duckdb solution uses INT64), the string ids VARCHAR, v1 and v2 DOUBLE.
var tables = []struct {
	name string
	cols string
}{
	{"x", `'id1': 'BIGINT', 'id2': 'BIGINT', 'id3': 'BIGINT', 'id4': 'VARCHAR', 'id5': 'VARCHAR', 'id6': 'VARCHAR', 'v1': 'DOUBLE'`},
	{"small", `'id1': 'BIGINT', 'id4': 'VARCHAR', 'v2': 'DOUBLE'`},
	{"medium", `'id1': 'BIGINT', 'id2': 'BIGINT', 'id4': 'VARCHAR', 'id5': 'VARCHAR', 'v2': 'DOUBLE'`},
	{"big", `'id1': 'BIGINT', 'id2': 'BIGINT', 'id3': 'BIGINT', 'id4': 'VARCHAR', 'id5': 'VARCHAR', 'id6': 'VARCHAR', 'v2': 'DOUBLE'`},
}

func main() {
	runs := flag.Int("runs", 1, "repetitions per step; the minimum time is reported")
	threads := flag.Int("threads", 0, "DuckDB threads (0: DuckDB's default, the number of cores)")
	only := flag.String("q", "", "comma-separated questions to run (default all)")
	flag.Parse()
	if flag.NArg() != 4 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: duckdb-join [--runs N] [--threads N] [--q q1,q2] X.csv SMALL.csv MEDIUM.csv BIG.csv")
		os.Exit(2)
	}
	if err := run(flag.Args(), *runs, *threads, *only); err != nil {
		fmt.Fprintln(os.Stderr, "duckdb-join:", err)
		os.Exit(1)
	}
}

func run(paths []string, runs, threads int, only string) error {
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return err
		}
	}
	want := map[string]bool{}
	for _, q := range strings.Split(only, ",") {
		if q == "" {
			continue
		}
		if !knownQuestion(q) {
			return fmt.Errorf("unknown question %q (q1..q5)", q)
		}
		want[q] = true
	}
	db, err := peer.Open(threads)
	if err != nil {
		return err
	}
	defer db.Close()
	exec := db.Exec
	version, nthreads := db.Version()
	fmt.Fprintf(os.Stderr, "duckdb %s, threads %d, x %s, runs %d\n", version, nthreads, paths[0], runs)

	// Load the four tables, timed together (minimum over runs, like the
	// questions).
	best := math.Inf(1)
	peer.ResetPeakRSS()
	for r := 0; r < runs; r++ {
		if r > 0 {
			for _, t := range tables {
				if err := exec("DROP TABLE " + t.name); err != nil {
					return err
				}
			}
		}
		t0 := time.Now()
		for i, t := range tables {
			load := fmt.Sprintf(`CREATE TABLE %s AS SELECT * FROM read_csv(%s, header = true, delim = ',', columns = {%s})`,
				t.name, peer.SQLString(paths[i]), t.cols)
			if err := exec(load); err != nil {
				return err
			}
		}
		best = math.Min(best, time.Since(t0).Seconds())
	}
	if err := db.Report("load", "x", best, []string{"v1"}); err != nil {
		return err
	}

	for _, q := range questions {
		if len(want) > 0 && !want[q.name] {
			continue
		}
		best := math.Inf(1)
		if err := exec("DROP TABLE IF EXISTS ans"); err != nil {
			return err
		}
		peer.ResetPeakRSS()
		for r := 0; r < runs; r++ {
			if err := exec("DROP TABLE IF EXISTS ans"); err != nil {
				return err
			}
			t0 := time.Now()
			if err := exec("CREATE TABLE ans AS " + q.sql); err != nil {
				return err
			}
			best = math.Min(best, time.Since(t0).Seconds())
		}
		if err := db.Report(q.name, "ans", best, []string{"v1", "v2"}); err != nil {
			return err
		}
	}
	return exec("DROP TABLE IF EXISTS ans")
}

func knownQuestion(name string) bool {
	for _, q := range questions {
		if q.name == name {
			return true
		}
	}
	return false
}
