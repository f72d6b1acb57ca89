// db-benchmark (H2O) join questions q1..q5 on Polars, through the
// nodejs-polars binding (Rust Polars 0.55), following db-benchmark's polars
// solution (join-polars.py), eagerly.
//
// Usage:
//   node join.mjs [--runs N] [--q q1,q2] X.csv SMALL.csv MEDIUM.csv BIG.csv
//
// (J1_1e7_NA_0_0.csv J1_1e7_1e1_0_0.csv J1_1e7_1e4_0_0.csv J1_1e7_1e7_0_0.csv.)
// Prints one line per step (see ../README.md for the contract):
//   peer=polars q=<load|q1..q5> seconds=<float> rows=<n> sums=<s1,s2> peak_rss_mib=<n>
//
// Polars uses every core by default (POLARS_MAX_THREADS overrides it).
import pl from "nodejs-polars";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { collect, fmt, line, peakField, resetPeakRSS } from "./peerlib.mjs";

function usage() {
  console.error("usage: node join.mjs [--runs N] [--q q1,q2] X.csv SMALL.csv MEDIUM.csv BIG.csv");
  process.exit(2);
}

let runs = 1;
let only = null;
const paths = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--runs" || a === "-runs") runs = Number(argv[++i]);
  else if (a.startsWith("--runs=")) runs = Number(a.slice(7));
  else if (a === "--q" || a === "-q") only = new Set(argv[++i].split(",").filter(Boolean));
  else if (a.startsWith("--q=")) only = new Set(a.slice(4).split(",").filter(Boolean));
  else if (a.startsWith("-")) usage();
  else paths.push(a);
}
if (paths.length !== 4 || !Number.isInteger(runs) || runs < 1) usage();
for (const q of only ?? []) {
  if (!["q1", "q2", "q3", "q4", "q5"].includes(q)) {
    console.error(`polars join: unknown question ${q} (q1..q5)`);
    process.exit(2);
  }
}
for (const p of paths) {
  if (!existsSync(p)) {
    console.error(`polars join: no such file: ${p}`);
    process.exit(1);
  }
}


// Sums leave out null (and NaN) values: q3's v2 is null for the rows of x
// without a match. A sum of nothing is 0.
function report(q, seconds, df, cols, peak) {
  const s = df.select(...cols.map((c) => pl.col(c).cast(pl.Float64).dropNans().sum().alias(c)));
  line(q, seconds, df.height, cols.map((c) => fmt(s.getColumn(c).get(0) ?? 0)), peak);
}

// Load, as db-benchmark's polars solution: the integer ids Int32, v1 and v2
// Float64, the string ids read as strings and cast to Categorical (in the
// load time). Polars 0.55's categoricals share one global mapping, so x's
// and medium's id5 compare directly (no StringCache needed, nor offered by
// this binding).
function readTable(path, ints, vcol, cats) {
  const dtypes = {};
  for (const c of ints) dtypes[c] = pl.Int32;
  for (const c of cats) dtypes[c] = pl.Utf8;
  dtypes[vcol] = pl.Float64;
  return pl
    .readCSV(path, { dtypes, hasHeader: true, rechunk: true })
    .withColumns(...cats.map((c) => pl.col(c).cast(pl.Categorical)));
}
function load() {
  return [
    readTable(paths[0], ["id1", "id2", "id3"], "v1", ["id4", "id5", "id6"]),
    readTable(paths[1], ["id1"], "v2", ["id4"]),
    readTable(paths[2], ["id1", "id2"], "v2", ["id4", "id5"]),
    readTable(paths[3], ["id1", "id2", "id3"], "v2", ["id4", "id5", "id6"]),
  ];
}

let x = null, small = null, medium = null, big = null;
let best = Infinity;
resetPeakRSS();
for (let r = 0; r < runs; r++) {
  x = small = medium = big = null;
  await collect();
  const t0 = performance.now();
  [x, small, medium, big] = load();
  best = Math.min(best, (performance.now() - t0) / 1e3);
}
console.error(
  `polars: x ${x.height} rows, small ${small.height}, medium ${medium.height}, big ${big.height}; runs ${runs}`,
);
report("load", best, x, ["v1"], peakField());

// db-benchmark's questions; the right table's clashing non-key columns get
// Polars' "_right" suffix.
const questions = [
  ["q1", () => x.join(small, { on: "id1" })], // small inner on int
  ["q2", () => x.join(medium, { on: "id2" })], // medium inner on int
  ["q3", () => x.join(medium, { on: "id2", how: "left" })], // medium outer (left) on int
  ["q4", () => x.join(medium, { on: "id5" })], // medium inner on factor
  ["q5", () => x.join(big, { on: "id3" })], // big inner on int
];

for (const [name, fn] of questions) {
  if (only && !only.has(name)) continue;
  let ans = null;
  let best = Infinity;
  await collect();
  resetPeakRSS();
  for (let r = 0; r < runs; r++) {
    ans = null;
    await collect();
    const t0 = performance.now();
    ans = fn();
    best = Math.min(best, (performance.now() - t0) / 1e3);
  }
  const peak = peakField();
  report(name, best, ans, ["v1", "v2"], peak);
  ans = null;
}
