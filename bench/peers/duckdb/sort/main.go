// Command duckdb-sort sorts the db-benchmark (H2O) group-by data on DuckDB, by one
// integer column (s1: id6) and by one string column (s2: id3), beside gask's
// bench/cmd/gask-sort. The CSV file is loaded into the table x (id1..id3 VARCHAR,
// id4..id6, v1, v2 INTEGER, v3 DOUBLE, as the group-by runner does), and each step
// is a `CREATE TABLE ans AS SELECT * FROM x ORDER BY <col>, rowid::INTEGER`: the
// whole table, sorted and materialised. The rowid tie-breaker (x's row number,
// which is the file's row order, since DuckDB preserves insertion order) makes the
// sort stable: rows with equal keys keep their order in the file, as in gask,
// Polars with maintainOrder and Dask here, so the order checksum can be compared.
// DuckDB's own sort does not keep ties in order (--tiebreak none shows it).
//
// The cast to INTEGER (done when x has fewer than 2^31 rows) matters: with the
// plain BIGINT rowid, ORDER BY id3, rowid took about twice as long as ORDER BY id3
// alone at 1e7 rows, with rowid::INTEGER about as long (--tiebreak rowid64 runs the
// BIGINT form).
//
// Usage (built from the parent module: go build -o duckdb-sort ./sort):
//
//	duckdb-sort [--runs N] [--threads N] [--q s1,s2] [--tiebreak rowid|rowid64|none] G1_1e7_1e2_0_0.csv
//
// It prints one line per step (see ../../README.md, section Sort, for the contract):
//
//	peer=duckdb q=<load|s1|s2> seconds=<float> rows=<n> sums=<first>,<last>,<sum v1[i]*(i%7)> peak_rss_mib=<n>
//
// With --tiebreak none the ORDER BY has the sort column alone; DuckDB's sort does
// not promise to keep ties in order, so the third field is then "unstable" (the
// sum is written to stderr).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gask-dev/gask/bench/peers/duckdb/peer"
)

// The steps: name and sort column.
var steps = []struct{ name, by string }{
	{"s1", "id6"}, // INTEGER, 1e5 distinct values at 1e7 rows
	{"s2", "id3"}, // VARCHAR ("id0000012345"), 1e5 distinct values
}

func main() {
	runs := flag.Int("runs", 1, "repetitions per step; the minimum time is reported")
	threads := flag.Int("threads", 0, "DuckDB threads (0: DuckDB's default, the number of cores)")
	only := flag.String("q", "", "comma-separated steps to run (default all)")
	tiebreak := flag.String("tiebreak", "rowid", "rowid (a stable sort: ties in file order, rowid cast to INTEGER where it fits), rowid64 (the same with the BIGINT rowid) or none")
	flag.Parse()
	if flag.NArg() != 1 || *runs < 1 || (*tiebreak != "rowid" && *tiebreak != "rowid64" && *tiebreak != "none") {
		fmt.Fprintln(os.Stderr, "usage: duckdb-sort [--runs N] [--threads N] [--q s1,s2] [--tiebreak rowid|rowid64|none] G1_*.csv")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *runs, *threads, *only, *tiebreak); err != nil {
		fmt.Fprintln(os.Stderr, "duckdb-sort:", err)
		os.Exit(1)
	}
}

func run(path string, runs, threads int, only, tiebreak string) error {
	stable := tiebreak != "none"
	if _, err := os.Stat(path); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, q := range strings.Split(only, ",") {
		if q == "" {
			continue
		}
		if q != "s1" && q != "s2" {
			return fmt.Errorf("unknown step %q (s1, s2)", q)
		}
		want[q] = true
	}
	db, err := peer.Open(threads)
	if err != nil {
		return err
	}
	defer db.Close()
	exec := db.Exec
	var version string
	var nthreads int64
	var preserve bool
	if err := db.Conn.QueryRowContext(db.Ctx, "SELECT version(), current_setting('threads'), current_setting('preserve_insertion_order')").Scan(&version, &nthreads, &preserve); err == nil {
		fmt.Fprintf(os.Stderr, "duckdb %s, threads %d, preserve_insertion_order %v, csv %s, runs %d, tiebreak %s\n",
			version, nthreads, preserve, path, runs, tiebreak)
	}
	if !preserve && stable {
		// Without it x's rowid need not follow the file, nor ans's the ORDER BY.
		return fmt.Errorf("preserve_insertion_order is off")
	}

	// Load, timed on its own (minimum over runs, like the steps).
	load := fmt.Sprintf(`CREATE TABLE x AS SELECT * FROM read_csv(%s, header = true, delim = ',', columns = {
		'id1': 'VARCHAR', 'id2': 'VARCHAR', 'id3': 'VARCHAR',
		'id4': 'INTEGER', 'id5': 'INTEGER', 'id6': 'INTEGER',
		'v1': 'INTEGER', 'v2': 'INTEGER', 'v3': 'DOUBLE'})`, peer.SQLString(path))
	best := math.Inf(1)
	peer.ResetPeakRSS()
	for r := 0; r < runs; r++ {
		if err := exec("DROP TABLE IF EXISTS x"); err != nil {
			return err
		}
		t0 := time.Now()
		if err := exec(load); err != nil {
			return err
		}
		best = math.Min(best, time.Since(t0).Seconds())
	}
	peak := peer.PeakField()
	var rows int64
	var s1, s2, s3 float64
	if err := db.Conn.QueryRowContext(db.Ctx, "SELECT count(*), sum(v1)::DOUBLE, sum(v2)::DOUBLE, sum(v3) FROM x").Scan(&rows, &s1, &s2, &s3); err != nil {
		return err
	}
	// The tie-breaker: x's rowid, as an INTEGER where every row number fits.
	tie := ""
	switch {
	case tiebreak == "rowid" && rows < math.MaxInt32:
		tie = ", rowid::INTEGER"
	case stable:
		tie = ", rowid"
	}
	fmt.Printf("peer=duckdb q=load seconds=%.6f rows=%d sums=%s,%s,%s%s\n",
		best, rows, peer.FormatNum(s1), peer.FormatNum(s2), peer.FormatNum(s3), peak)

	for _, s := range steps {
		if len(want) > 0 && !want[s.name] {
			continue
		}
		order := s.by + tie
		best := math.Inf(1)
		if err := exec("DROP TABLE IF EXISTS ans"); err != nil {
			return err
		}
		runtime.GC()
		peer.ResetPeakRSS()
		for r := 0; r < runs; r++ {
			if err := exec("DROP TABLE IF EXISTS ans"); err != nil {
				return err
			}
			t0 := time.Now()
			if err := exec("CREATE TABLE ans AS SELECT * FROM x ORDER BY " + order); err != nil {
				return err
			}
			best = math.Min(best, time.Since(t0).Seconds())
		}
		peak := peer.PeakField() // before the checksum's own work
		check, err := orderSums(db, s.by)
		if err != nil {
			return err
		}
		var n int64
		if err := db.Conn.QueryRowContext(db.Ctx, "SELECT count(*) FROM ans").Scan(&n); err != nil {
			return err
		}
		if !stable {
			fmt.Fprintf(os.Stderr, "duckdb-sort: %s without a tie-breaker: sums=%s\n", s.name, check)
			check = check[:strings.LastIndexByte(check, ',')] + ",unstable"
		}
		fmt.Printf("peer=duckdb q=%s seconds=%.6f rows=%d sums=%s%s\n", s.name, best, n, check, peak)
	}
	return exec("DROP TABLE IF EXISTS ans")
}

// orderSums is the sort steps' checksum, read from ans in its row order (rowid:
// the order the ORDER BY inserted the rows in): the first and the last value of
// column by, then the sum over the rows i (from 0) of v1[i] * (i mod 7).
func orderSums(db *peer.DB, by string) (string, error) {
	q := fmt.Sprintf(`SELECT
		(SELECT %[1]s::VARCHAR FROM ans WHERE rowid = 0),
		(SELECT %[1]s::VARCHAR FROM ans WHERE rowid = (SELECT max(rowid) FROM ans)),
		(SELECT sum(v1::BIGINT * (rowid %% 7))::BIGINT FROM ans)`, by)
	var first, last string
	var sum int64
	if err := db.Conn.QueryRowContext(db.Ctx, q).Scan(&first, &last, &sum); err != nil {
		return "", fmt.Errorf("%s: %w", q, err)
	}
	return first + "," + last + "," + strconv.FormatInt(sum, 10), nil
}
