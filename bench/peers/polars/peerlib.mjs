// What the Polars runners (groupby.mjs, join.mjs, sort.mjs) share: the number
// format of README.md, collecting garbage between steps, and the per-step peak
// memory.
import { readFileSync, writeFileSync } from "node:fs";
import { setImmediate as nextTurn } from "node:timers/promises";
import v8 from "node:v8";
import vm from "node:vm";

// Integral values below 1e15 as plain integers, anything else in the shortest
// form that reads back to the same float64 (the same rule as the other
// runners).
export function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Inf";
  if (v === -Infinity) return "-Inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toFixed(0);
  return String(v);
}

// A dropped DataFrame's native (Rust) memory is freed by its N-API finalizer,
// which Node runs from the event loop, not inside a collection; db-benchmark's
// solutions call gc.collect(). --expose-gc is switched on from here so the
// scripts need no node flag; collect lets the loop turn before and after.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");
export async function collect() {
  await nextTurn();
  gc();
  await nextTurn();
  await nextTurn();
}

// Peak resident memory per step: reset the kernel's high-water mark (VmHWM)
// to the current resident size before a step and read it after (Linux >= 4.0;
// on other systems the field is left out).
export function resetPeakRSS() {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // not Linux, or not allowed
  }
}

// peakField is " peak_rss_mib=N" since resetPeakRSS, or "" when unknown.
export function peakField() {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? ` peak_rss_mib=${Math.round(Number(m[1]) / 1024)}` : "";
  } catch {
    return "";
  }
}

// line prints a step's output line; sums are already formatted.
export function line(q, seconds, rows, sums, peak = "") {
  console.log(`peer=polars q=${q} seconds=${seconds.toFixed(6)} rows=${rows} sums=${sums.join(",")}${peak}`);
}
