// Sorting the db-benchmark (H2O) group-by data on Polars, through the
// nodejs-polars binding (Rust Polars 0.55), eagerly, beside gask's
// bench/cmd/gask-sort: s1 sorts every row by id6 (an integer column), s2 by id3
// (a string column), each materialising the whole sorted DataFrame
// (x.sort({by, maintainOrder: true})). maintainOrder makes the sort stable (rows
// with equal keys keep their order in the file), as in gask, DuckDB (with rowid as
// a tie-breaker) and Dask here, so the order checksum can be compared.
//
// Usage:
//   node sort.mjs [--runs N] [--q s1,s2] [--unstable] G1_1e7_1e2_0_0.csv
//
// Prints one line per step (see ../README.md, section Sort, for the contract):
//   peer=polars q=<load|s1|s2> seconds=<float> rows=<n> sums=<first>,<last>,<sum v1[i]*(i%7)> peak_rss_mib=<n>
//
// With --unstable the sort runs without maintainOrder (Polars' default), which
// does not promise to keep ties in order, so the third field is "unstable" (the
// sum is written to stderr).
//
// Polars uses every core by default (POLARS_MAX_THREADS overrides it).
import pl from "nodejs-polars";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { collect, fmt, line, peakField, resetPeakRSS } from "./peerlib.mjs";

function usage() {
  console.error("usage: node sort.mjs [--runs N] [--q s1,s2] [--unstable] G1_*.csv");
  process.exit(2);
}

let runs = 1;
let only = null;
let stable = true;
const paths = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--runs" || a === "-runs") runs = Number(argv[++i]);
  else if (a.startsWith("--runs=")) runs = Number(a.slice(7));
  else if (a === "--q" || a === "-q") only = new Set((argv[++i] ?? "").split(",").filter(Boolean));
  else if (a.startsWith("--q=")) only = new Set(a.slice(4).split(",").filter(Boolean));
  else if (a === "--unstable") stable = false;
  else if (a.startsWith("-")) usage();
  else paths.push(a);
}
if (paths.length !== 1 || !Number.isInteger(runs) || runs < 1) usage();
for (const q of only ?? []) {
  if (!["s1", "s2"].includes(q)) {
    console.error(`polars sort: unknown step ${q} (s1, s2)`);
    process.exit(2);
  }
}
if (!existsSync(paths[0])) {
  console.error(`polars sort: no such file: ${paths[0]}`);
  process.exit(1);
}


// The sort steps' checksum: the first and the last value of column by, then
// the sum over the rows i (in order, from 0) of v1[i] * (i mod 7).
function orderSums(df, by) {
  const col = df.getColumn(by);
  const s = df
    .withRowIndex("_i")
    .select(pl.col("v1").cast(pl.Int64).mul(pl.col("_i").cast(pl.Int64).modulo(7)).sum().alias("s"))
    .getColumn("s")
    .get(0);
  return [String(col.get(0)), String(col.get(df.height - 1)), String(s)];
}

// Load: id1..id3 as strings (Utf8, no Categorical: the string sort compares
// strings), the other ids and v1, v2 Int32, v3 Float64.
const dtypes = {
  id1: pl.Utf8, id2: pl.Utf8, id3: pl.Utf8,
  id4: pl.Int32, id5: pl.Int32, id6: pl.Int32,
  v1: pl.Int32, v2: pl.Int32, v3: pl.Float64,
};
let x = null;
let best = Infinity;
resetPeakRSS();
for (let r = 0; r < runs; r++) {
  x = null;
  await collect();
  const t0 = performance.now();
  x = pl.readCSV(paths[0], { dtypes, hasHeader: true, rechunk: true });
  best = Math.min(best, (performance.now() - t0) / 1e3);
}
{
  const peak = peakField();
  const s = x.select(pl.col("v1").cast(pl.Float64).sum(), pl.col("v2").cast(pl.Float64).sum(), pl.col("v3").sum());
  const sums = ["v1", "v2", "v3"].map((c) => fmt(s.getColumn(c).get(0)));
  console.error(`polars: ${paths[0]}, ${x.height} rows, runs ${runs}, maintainOrder ${stable}`);
  line("load", best, x.height, sums, peak);
}

const steps = [
  ["s1", "id6"], // Int32, 1e5 distinct values at 1e7 rows
  ["s2", "id3"], // String ("id0000012345"), 1e5 distinct values
];
for (const [name, by] of steps) {
  if (only && !only.has(name)) continue;
  let ans = null;
  let best = Infinity;
  await collect();
  resetPeakRSS();
  for (let r = 0; r < runs; r++) {
    ans = null;
    await collect();
    const t0 = performance.now();
    ans = x.sort({ by, maintainOrder: stable });
    best = Math.min(best, (performance.now() - t0) / 1e3);
  }
  const peak = peakField(); // before the checksum's own work
  const sums = orderSums(ans, by);
  if (!stable) {
    console.error(`polars sort: ${name} without maintainOrder: sums=${sums.join(",")}`);
    sums[2] = "unstable";
  }
  line(name, best, ans.height, sums, peak);
  ans = null;
}
