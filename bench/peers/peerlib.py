"""What the Dask runners (dask_groupby.py, dask_join.py, dask_sort.py,
dask_array*.py) share: the number format and output line of README.md, the
per-step peak memory, and the minimum time over runs."""
import math
import re
import time


def best(f, runs):
    """The least wall time of runs calls of f, in seconds."""
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return min(ts)


def fmt(v):
    """Integral values below 1e15 as plain integers, anything else in the
    shortest form that reads back to the same float64 (repr), the same rule
    as the other runners."""
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    if v.is_integer() and abs(v) < 1e15:
        return "%d" % v
    return repr(v)


def reset_peak_rss():
    """Resets the kernel's peak resident size of this process (VmHWM) to its
    current resident size (Linux >= 4.0; ignored elsewhere)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_field():
    """" peak_rss_mib=N": VmHWM of this process in MiB, "" if unknown."""
    try:
        with open("/proc/self/status") as f:
            m = re.search(r"VmHWM:\s*(\d+)\s*kB", f.read())
        return " peak_rss_mib=%d" % round(int(m.group(1)) / 1024) if m else ""
    except OSError:
        return ""


def line(q, seconds, rows, sums, peak=""):
    """Prints a step's line; sums is a list of numbers or a preformatted string."""
    if not isinstance(sums, str):
        sums = ",".join(fmt(s) for s in sums)
    print("peer=dask q=%s seconds=%.6f rows=%d sums=%s%s" % (q, seconds, rows, sums, peak),
          flush=True)
