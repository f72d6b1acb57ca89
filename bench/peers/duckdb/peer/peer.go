// Package peer holds what the DuckDB runners of the db-benchmark questions share: one
// in-memory database connection, the output line of bench/peers/README.md, and the
// per-step peak memory.
package peer

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver
)

// DB is an in-memory DuckDB database with a single connection, so every statement
// sees the same tables.
type DB struct {
	db   *sql.DB
	Conn *sql.Conn
	Ctx  context.Context
}

// Open opens the database, with threads worker threads (0: DuckDB's default).
func Open(threads int) (*DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	d := &DB{db: db, Conn: conn, Ctx: ctx}
	if threads > 0 {
		if err := d.Exec(fmt.Sprintf("SET threads TO %d", threads)); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

// Close closes the connection and the database.
func (d *DB) Close() {
	d.Conn.Close()
	d.db.Close()
}

// Exec runs a statement; an error names it.
func (d *DB) Exec(q string) error {
	if _, err := d.Conn.ExecContext(d.Ctx, q); err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	return nil
}

// Version is DuckDB's version and its number of threads, for the diagnostics.
func (d *DB) Version() (string, int64) {
	var version string
	var threads int64
	_ = d.Conn.QueryRowContext(d.Ctx, "SELECT version(), current_setting('threads')").Scan(&version, &threads)
	return version, threads
}

// Report prints the output line of a step: the table's row count and the sums of the
// columns (NaN and NULL left out, as SQL's sum and pandas' skipna do), and the peak
// memory since ResetPeakRSS, read before the sums' own work.
func (d *DB) Report(name, table string, seconds float64, cols []string) error {
	peak := PeakField()
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
	if err := d.Conn.QueryRowContext(d.Ctx, q).Scan(ptrs...); err != nil {
		return fmt.Errorf("%s: %w", q, err)
	}
	sums := make([]string, len(cols))
	for i := range cols {
		if vals[i+1].Valid {
			sums[i] = FormatNum(vals[i+1].Float64)
		} else {
			sums[i] = "NaN"
		}
	}
	fmt.Println(Line(name, seconds, int64(vals[0].Float64), strings.Join(sums, ",")) + peak)
	return nil
}

// Line is a step's output line without the peak memory.
func Line(name string, seconds float64, rows int64, sums string) string {
	return fmt.Sprintf("peer=duckdb q=%s seconds=%.6f rows=%d sums=%s", name, seconds, rows, sums)
}

// ResetPeakRSS resets the kernel's peak resident set size of this process (VmHWM)
// to its current resident size (Linux >= 4.0; a no-op elsewhere).
func ResetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// PeakField is " peak_rss_mib=N" from VmHWM in /proc/self/status, "" if unknown.
func PeakField() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil || kb <= 0 {
				return ""
			}
			return fmt.Sprintf(" peak_rss_mib=%d", (kb+512)/1024)
		}
	}
	return ""
}

// FormatNum writes integral values below 1e15 as plain integers and anything else
// with the fewest digits that read back to the same float64, in positional notation
// when 1e-4 <= |v| < 1e15, so the runners print the same text for the same number.
func FormatNum(v float64) string {
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

// SQLString quotes s as an SQL string literal.
func SQLString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
