# Shared by the check_results of run_groupby.sh, run_join.sh and run_sort.sh: it
# reads a results file (peer= lines and "# process" lines) and prints the tables
# and the agreement check. The calling program sets P[1..np] (the peers) and
# Q[1..nq] (the steps, load first), and defines tolerance(q): the largest relative
# difference allowed between the peers' sums of step q, or -1 to compare the fields
# exactly (a field "unstable" is then left out).

function rel(a, b,   d, m) {
  if (a == b) return 0
  if (a != a || b != b) return 1          # NaN on one side
  d = a - b; if (d < 0) d = -d
  m = (a < 0 ? -a : a); if ((b < 0 ? -b : b) > m) m = (b < 0 ? -b : b)
  return m == 0 ? d : d / m
}
function isint(s) { return s ~ /^-?[0-9]+$/ }
function fields(from,   i, eq) {
  split("", kv)
  for (i = from; i <= NF; i++) { eq = index($i, "="); if (eq > 1) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
}
/^peer=/ {
  fields(1)
  p = kv["peer"]; q = kv["q"]
  sec[q, p] = kv["seconds"]; rows[q, p] = kv["rows"]; sums[q, p] = kv["sums"]; have[q, p] = 1
  if ("peak_rss_mib" in kv) { peak[q, p] = kv["peak_rss_mib"]; anypeak = 1 }
  if ("arrow_mib" in kv) { arrow[p] = kv["arrow_mib"]; anyarrow = 1 }
}
# Written by run_peers after each peer: its whole-process peak resident memory
# (/usr/bin/time -v) and wall time.
/^# process / {
  fields(3)
  p = kv["peer"]
  if ("peak_rss_mib" in kv && kv["peak_rss_mib"] != "") { proc[p] = kv["peak_rss_mib"]; anyproc = 1 }
}

# seconds_table prints seconds per step and peer, and the total of the steps after
# load (in parentheses when some have no answer) in a row named total.
function seconds_table(total,   i, j, q) {
  printf "\n%-10s", "seconds"
  for (j = 1; j <= np; j++) printf " %10s", P[j]
  printf "\n"
  for (i = 1; i <= nq; i++) {
    q = Q[i]; printf "%-10s", q
    for (j = 1; j <= np; j++) {
      if (have[q, P[j]]) { printf " %10.3f", sec[q, P[j]]; if (q != "load") { tot[P[j]] += sec[q, P[j]]; nans[P[j]]++ } }
      else { printf " %10s", "-"; if (q != "load") miss[P[j]] = 1 }
    }
    printf "\n"
  }
  printf "%-10s", total
  for (j = 1; j <= np; j++) printf " %10s", (!nans[P[j]] ? "-" : miss[P[j]] ? sprintf("(%.3f)", tot[P[j]]) : sprintf("%.3f", tot[P[j]]))
  printf "\n"
}

function has_peer(name,   j) { for (j = 1; j <= np; j++) if (P[j] == name) return 1; return 0 }

# ratio_table prints how many times faster gask is than each peer (peer seconds /
# gask seconds), per step and for the total; after seconds_table.
function ratio_table(total,   i, j, p, q, a, b) {
  if (!has_peer("gask") || np < 2) return
  printf "\n%-10s", "gask x"
  for (j = 1; j <= np; j++) if (P[j] != "gask") printf " %10s", P[j]
  printf "\n"
  for (i = 1; i <= nq + 1; i++) {
    q = (i <= nq) ? Q[i] : total
    printf "%-10s", q
    for (j = 1; j <= np; j++) {
      p = P[j]
      if (p == "gask") continue
      if (q == total) { a = miss[p] || miss["gask"] ? 0 : tot[p]; b = tot["gask"] }
      else { a = have[q, p] ? sec[q, p] : 0; b = have[q, "gask"] ? sec[q, "gask"] : 0 }
      if (a > 0 && b > 0) printf " %9.2fx", a / b; else printf " %10s", "-"
    }
    printf "\n"
  }
}

# memory_table prints peak resident memory: the loaded data as a runner reports it,
# each step's peak where the runner measured it in-process (loaded tables
# included), and the whole process's.
function memory_table(   i, j, q) {
  if (!(anypeak || anyproc || anyarrow)) return
  printf "\n%-10s", "peak MiB"
  for (j = 1; j <= np; j++) printf " %10s", P[j]
  printf "\n"
  if (anyarrow) {
    printf "%-10s", "data"
    for (j = 1; j <= np; j++) printf " %10s", (P[j] in arrow) ? arrow[P[j]] : "-"
    printf "   (loaded Arrow data, as the runner reports it)\n"
  }
  if (anypeak) for (i = 1; i <= nq; i++) {
    q = Q[i]; printf "%-10s", q
    for (j = 1; j <= np; j++) printf " %10s", ((q, P[j]) in peak) ? peak[q, P[j]] : "-"
    printf "\n"
  }
  if (anyproc) {
    printf "%-10s", "process"
    for (j = 1; j <= np; j++) printf " %10s", (P[j] in proc) ? proc[P[j]] : "-"
    printf "   (whole process, /usr/bin/time -v)\n"
    if (has_peer("gask") && proc["gask"] > 0 && np > 1) {
      printf "%-10s", "x gask"
      for (j = 1; j <= np; j++) printf " %10s", (P[j] in proc && proc[P[j]] > 0) ? sprintf("%.2fx", proc[P[j]] / proc["gask"]) : "-"
      printf "   (peer process peak / gask process peak)\n"
    }
  }
}

# agreement checks every step: rows equal, and the sums within tolerance(q) of
# the reference (the first peer that answered, preferring one whose order checksum
# is not "unstable"); it returns 1 if some step has no answer or a mismatch.
function agreement(title,   bad, i, j, k, p, q, ref, tol, line, ok, msg, none, loose, worst, n, na, nb, r, same, extra, A, B) {
  printf "\n\n%s\n", title
  bad = 0
  for (i = 1; i <= nq; i++) {
    q = Q[i]; ref = ""
    for (j = 1; j <= np; j++) if (have[q, P[j]] && sums[q, P[j]] !~ /unstable/) { ref = P[j]; break }
    if (ref == "") for (j = 1; j <= np; j++) if (have[q, P[j]]) { ref = P[j]; break }
    if (ref == "") { printf "%-5s no answers\n", q; bad = 1; continue }
    tol = tolerance(q)
    line = sprintf("%-5s rows=%s sums=%s", q, rows[q, ref], sums[q, ref])
    ok = 1; msg = ""; none = ""; loose = ""; worst = 0; n = 0
    for (j = 1; j <= np; j++) {
      p = P[j]
      if (!have[q, p]) { none = none " " p; continue }
      if (sums[q, p] ~ /unstable/) loose = loose " " p
      if (p == ref) continue
      n++
      if (rows[q, p] != rows[q, ref]) { msg = msg sprintf("  [%s rows=%s vs %s rows=%s]", p, rows[q, p], ref, rows[q, ref]); ok = 0; continue }
      na = split(sums[q, ref], A, ","); nb = split(sums[q, p], B, ",")
      if (na != nb) { msg = msg sprintf("  [%s has %d sums, %s %d]", p, nb, ref, na); ok = 0; continue }
      for (k = 1; k <= na; k++) {
        if (tol >= 0) {
          r = rel(A[k] + 0, B[k] + 0)
          if (A[k] ~ /NaN/ || B[k] ~ /NaN/) r = (A[k] == B[k]) ? 0 : 1
          if (r > worst) worst = r
          if (r > tol) { msg = msg sprintf("  [%s sum%d=%s vs %s %s, rel %.2g]", p, k, B[k], ref, A[k], r); ok = 0 }
          continue
        }
        if (A[k] == "unstable" || B[k] == "unstable") continue
        same = (isint(A[k]) && isint(B[k])) ? (A[k] + 0 == B[k] + 0) : (A[k] == B[k])
        if (!same) { msg = msg sprintf("  [%s field%d=%s vs %s %s]", p, k, B[k], ref, A[k]); ok = 0 }
      }
    }
    if (none != "") none = "  (no answer:" none ")"
    if (loose != "") none = none "  (order not checked, unstable sort:" loose ")"
    extra = tol >= 0 ? sprintf(", max rel diff %.2g", worst) : ""
    if (ok) printf "ok        %s  (%d peers%s)%s\n", line, n + 1, extra, none
    else { printf "MISMATCH  %s %s%s\n", line, msg, none; bad = 1 }
  }
  return bad
}
