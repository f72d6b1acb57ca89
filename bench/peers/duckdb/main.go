// Command duckdb-groupby runs the db-benchmark (H2O) group-by questions q1..q10
// on DuckDB, the way db-benchmark's duckdb solution does: the CSV is loaded
// into a table x, and each question is a `CREATE TABLE ans AS SELECT ...`
// whose row count and per-column sums are then read back from ans.
//
// Usage:
//
//	duckdb-groupby [--runs N] [--threads N] /path/to/G1_1e7_1e2_0_0.csv
//
// It prints one line per step (see ../README.md for the contract):
//
//	peer=duckdb q=<load|q1..q10> seconds=<float> rows=<n> sums=<s1,s2,...>
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
	sql  string   // the SELECT that builds ans
	sums []string // numeric result columns of ans, in output order
}

// The db-benchmark duckdb solution's queries (groupby-duckdb), q1..q10.
var questions = []question{
	{"q1", `SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1`, []string{"v1"}},
	{"q2", `SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2`, []string{"v1"}},
	{"q3", `SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3`, []string{"v1", "v3"}},
	{"q4", `SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4`, []string{"v1", "v2", "v3"}},
	{"q5", `SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6`, []string{"v1", "v2", "v3"}},
	{"q6", `SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5`, []string{"median_v3", "sd_v3"}},
	{"q7", `SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3`, []string{"range_v1_v2"}},
	{"q8", `SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2`, []string{"largest2_v3"}},
	{"q9", `SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4`, []string{"r2"}},
	{"q10", `SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6`, []string{"v3", "count"}},
}

func main() {
	runs := flag.Int("runs", 1, "repetitions per question; the minimum time is reported")
	threads := flag.Int("threads", 0, "DuckDB threads (0: DuckDB's default, the number of cores)")
	only := flag.String("q", "", "comma-separated questions to run (default all)")
	flag.Parse()
	if flag.NArg() != 1 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: duckdb-groupby [--runs N] [--threads N] [--q q1,q2] G1_*.csv")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *runs, *threads, *only); err != nil {
		fmt.Fprintln(os.Stderr, "duckdb-groupby:", err)
		os.Exit(1)
	}
}

func run(path string, runs, threads int, only string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := peer.Open(threads)
	if err != nil {
		return err
	}
	defer db.Close()
	exec := db.Exec
	version, _ := db.Version()
	fmt.Fprintf(os.Stderr, "duckdb %s, csv %s, runs %d\n", version, path, runs)

	// Load, timed on its own (minimum over runs, like the questions).
	load := fmt.Sprintf(`CREATE TABLE x AS SELECT * FROM read_csv(%s, header = true, delim = ',', columns = {
		'id1': 'VARCHAR', 'id2': 'VARCHAR', 'id3': 'VARCHAR',
		'id4': 'INTEGER', 'id5': 'INTEGER', 'id6': 'INTEGER',
		'v1': 'INTEGER', 'v2': 'INTEGER', 'v3': 'DOUBLE'})`, peer.SQLString(path))
	best := math.Inf(1)
	peer.ResetPeakRSS()
	for r := 0; r < runs; r++ {
		if r > 0 {
			if err := exec("DROP TABLE x"); err != nil {
				return err
			}
		}
		t0 := time.Now()
		if err := exec(load); err != nil {
			return err
		}
		best = math.Min(best, time.Since(t0).Seconds())
	}
	if err := db.Report("load", "x", best, []string{"v1", "v2", "v3"}); err != nil {
		return err
	}

	want := map[string]bool{}
	for _, q := range strings.Split(only, ",") {
		if q != "" {
			want[q] = true
		}
	}
	for _, q := range questions {
		if len(want) > 0 && !want[q.name] {
			continue
		}
		best := math.Inf(1)
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
		if err := db.Report(q.name, "ans", best, q.sums); err != nil {
			return err
		}
	}
	return exec("DROP TABLE IF EXISTS ans")
}
