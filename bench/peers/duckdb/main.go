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
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
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
	// In-memory database; a single connection so every statement sees the
	// same tables.
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	exec := func(q string) error {
		_, err := conn.ExecContext(ctx, q)
		if err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		return nil
	}
	if threads > 0 {
		if err := exec(fmt.Sprintf("SET threads TO %d", threads)); err != nil {
			return err
		}
	}
	var version string
	if err := conn.QueryRowContext(ctx, "SELECT version()").Scan(&version); err == nil {
		fmt.Fprintf(os.Stderr, "duckdb %s, csv %s, runs %d\n", version, path, runs)
	}

	// Load, timed on its own (minimum over runs, like the questions).
	load := fmt.Sprintf(`CREATE TABLE x AS SELECT * FROM read_csv(%s, header = true, delim = ',', columns = {
		'id1': 'VARCHAR', 'id2': 'VARCHAR', 'id3': 'VARCHAR',
		'id4': 'INTEGER', 'id5': 'INTEGER', 'id6': 'INTEGER',
		'v1': 'INTEGER', 'v2': 'INTEGER', 'v3': 'DOUBLE'})`, sqlString(path))
	best := math.Inf(1)
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
	if err := report(conn, ctx, "load", "x", best, []string{"v1", "v2", "v3"}); err != nil {
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
		if err := report(conn, ctx, q.name, "ans", best, q.sums); err != nil {
			return err
		}
	}
	return exec("DROP TABLE IF EXISTS ans")
}

// report reads the row count and the column sums of table and prints the
// line. The sums leave out NaN and NULL values (as SQL's sum and pandas'
// skipna do); e.g. q9's r2 is NaN for a group whose v1 or v2 is constant.
func report(conn *sql.Conn, ctx context.Context, name, table string, seconds float64, cols []string) error {
	sel := []string{"count(*)::DOUBLE"}
	for _, c := range cols {
		sel = append(sel, fmt.Sprintf("coalesce(sum(%[1]s::DOUBLE) FILTER (WHERE NOT isnan(%[1]s::DOUBLE)), 0)", c))
	}
	q := fmt.Sprintf("SELECT %s FROM %s", strings.Join(sel, ", "), table)
	vals := make([]sql.NullFloat64, len(sel))
	ptrs := make([]any, len(sel))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := conn.QueryRowContext(ctx, q).Scan(ptrs...); err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	sums := make([]string, len(cols))
	for i := range cols {
		if vals[i+1].Valid {
			sums[i] = formatNum(vals[i+1].Float64)
		} else {
			sums[i] = "NaN"
		}
	}
	fmt.Printf("peer=duckdb q=%s seconds=%.6f rows=%d sums=%s\n",
		name, seconds, int64(vals[0].Float64), strings.Join(sums, ","))
	return nil
}

// formatNum writes integral values below 1e15 as plain integers and anything
// else with the fewest digits that read back to the same float64, in
// positional notation when 1e-4 <= |v| < 1e15, so the three runners print
// the same text for the same number.
func formatNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 1e-4 && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
