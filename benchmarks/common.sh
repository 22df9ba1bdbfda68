# Shell functions the benchmark scripts share (sourced by benchmarks/run and
# benchmarks/scale; `die` is the caller's).

# 10k -> 10000, 1M -> 1000000, 2500 -> 2500
count_of() {
  local s=${1,,}
  case "$s" in
    *k) echo $(( ${s%k} * 1000 )) ;;
    *m) echo $(( ${s%m} * 1000000 )) ;;
    *[!0-9]*|"") die "bad size '$1'" ;;
    *) echo "$s" ;;
  esac
}

# Seconds from /usr/bin/time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.5".
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"
}
max_rss_kib() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }
# User plus system CPU seconds from /usr/bin/time -v.
cpu_seconds() {
  awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { print s + 0 }' "$1"
}
