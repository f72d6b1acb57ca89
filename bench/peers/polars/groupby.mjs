// db-benchmark (H2O) group-by questions q1..q10 on Polars, through the
// nodejs-polars binding (Rust Polars 0.55), following db-benchmark's polars
// solution.
//
// Usage:
//   node groupby.mjs [--runs N] [--q q1,q2] /path/to/G1_1e7_1e2_0_0.csv
//
// Prints one line per step (see ../README.md for the contract):
//   peer=polars q=<load|q1..q10> seconds=<float> rows=<n> sums=<s1,s2,...>
//
// Polars uses every core by default (POLARS_MAX_THREADS overrides it).
import pl from "nodejs-polars";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fmt, line } from "./peerlib.mjs";

function usage() {
  console.error("usage: node groupby.mjs [--runs N] [--q q1,q2] G1_*.csv");
  process.exit(2);
}

let runs = 1;
let only = null;
let path = null;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--runs" || a === "-runs") runs = Number(argv[++i]);
  else if (a.startsWith("--runs=")) runs = Number(a.slice(7));
  else if (a === "--q" || a === "-q") only = new Set(argv[++i].split(","));
  else if (a.startsWith("--q=")) only = new Set(a.slice(4).split(","));
  else if (a.startsWith("-")) usage();
  else if (path === null) path = a;
  else usage();
}
if (path === null || !Number.isInteger(runs) || runs < 1) usage();
if (!existsSync(path)) {
  console.error(`polars groupby: no such file: ${path}`);
  process.exit(1);
}


// Sums leave out NaN and null values (as SQL's sum and pandas' skipna do);
// e.g. q9's r2 is NaN for a group whose v1 or v2 is constant.
function report(q, seconds, df, cols) {
  const s = df.select(...cols.map((c) => pl.col(c).cast(pl.Float64).dropNans().sum().alias(c)));
  const sums = cols.map((c) => fmt(s.getColumn(c).get(0)));
  line(q, seconds, df.height, sums);
}

// Load: the id columns as strings, then id1..id3 cast to Categorical, as
// db-benchmark's polars solution does; the cast is part of the load time.
const dtypes = {
  id1: pl.Utf8, id2: pl.Utf8, id3: pl.Utf8,
  id4: pl.Int32, id5: pl.Int32, id6: pl.Int32,
  v1: pl.Int32, v2: pl.Int32, v3: pl.Float64,
};
function load() {
  return pl
    .readCSV(path, { dtypes, hasHeader: true, rechunk: true })
    .withColumns(
      pl.col("id1").cast(pl.Categorical),
      pl.col("id2").cast(pl.Categorical),
      pl.col("id3").cast(pl.Categorical),
    );
}

let x = null;
let best = Infinity;
for (let r = 0; r < runs; r++) {
  x = null;
  const t0 = performance.now();
  x = load();
  best = Math.min(best, (performance.now() - t0) / 1e3);
}
console.error(`polars: ${x.height} rows from ${path}, runs ${runs}`);
report("load", best, x, ["v1", "v2", "v3"]);

const questions = [
  ["q1", () => x.groupBy("id1").agg(pl.col("v1").sum().alias("v1")), ["v1"]],
  ["q2", () => x.groupBy(["id1", "id2"]).agg(pl.col("v1").sum().alias("v1")), ["v1"]],
  ["q3", () => x.groupBy("id3").agg(pl.col("v1").sum().alias("v1"), pl.col("v3").mean().alias("v3")), ["v1", "v3"]],
  ["q4", () => x.groupBy("id4").agg(pl.col("v1").mean().alias("v1"), pl.col("v2").mean().alias("v2"), pl.col("v3").mean().alias("v3")), ["v1", "v2", "v3"]],
  ["q5", () => x.groupBy("id6").agg(pl.col("v1").sum().alias("v1"), pl.col("v2").sum().alias("v2"), pl.col("v3").sum().alias("v3")), ["v1", "v2", "v3"]],
  // std() is the sample (ddof=1) standard deviation.
  ["q6", () => x.groupBy(["id4", "id5"]).agg(pl.col("v3").median().alias("median_v3"), pl.col("v3").std().alias("sd_v3")), ["median_v3", "sd_v3"]],
  ["q7", () => x.groupBy("id3").agg(pl.col("v1").max().sub(pl.col("v2").min()).alias("range_v1_v2")), ["range_v1_v2"]],
  // This binding has no top_k: sort each group's v3 descending and take the
  // first two, then one row per value.
  ["q8", () => x.dropNulls("v3").groupBy("id6").agg(pl.col("v3").sort(true).head(2).alias("largest2_v3")).explode("largest2_v3"), ["largest2_v3"]],
  ["q9", () => x.groupBy(["id2", "id4"]).agg(pl.pearsonCorr("v1", "v2").pow(2).alias("r2")), ["r2"]],
  ["q10", () => x.groupBy(["id1", "id2", "id3", "id4", "id5", "id6"]).agg(pl.col("v3").sum().alias("v3"), pl.len().alias("count")), ["v3", "count"]],
];

for (const [name, fn, cols] of questions) {
  if (only && !only.has(name)) continue;
  let ans = null;
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    ans = null;
    const t0 = performance.now();
    ans = fn();
    best = Math.min(best, (performance.now() - t0) / 1e3);
  }
  report(name, best, ans, cols);
}
