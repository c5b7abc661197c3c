#!/usr/bin/env bash
# scripts/bench-svg.py: bar charts from dsvk-bench-shaped JSON (summary and runs, several
# files as series) and from a real dsvk-demo run, a line chart from a real DSVK_STATS_FILE,
# well-formed SVG, and clear errors for input without the metric.
# Usage: test_bench_svg.sh SOURCE-DIR DSVK-DEMO
set -euo pipefail
. "$(dirname "$0")/lib.sh"
t_begin tools_bench_svg

svg_tool="$1/scripts/bench-svg.py" demo=$2
# svg_count FILE XPATH-TAG-CLASS: number of elements of that class; fails on bad XML.
svg_count() {
  python3 - "$1" "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(sum(1 for e in root.iter() if e.get("class") == sys.argv[2]))
PY
}
svg_text() {
  python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
print(" ".join("".join(e.itertext()) for e in ET.parse(sys.argv[1]).getroot().iter()
               if e.tag.endswith("text") or e.tag.endswith("title")))
PY
}

cat >"$t_tmp/read.json" <<'EOF_JSON'
{"subcommand":"read","config":{"files":4},
 "runs":[{"round":1,"name":"dsvk-uring","gb_per_s":2.0},{"round":1,"name":"fio-io_uring","gb_per_s":1.0},
         {"round":2,"name":"dsvk-uring","gb_per_s":4.0},{"round":2,"name":"fio-io_uring","gb_per_s":3.0},
         {"round":3,"name":"dsvk-uring","gb_per_s":3.0},{"round":3,"name":"fio-io_uring","gb_per_s":2.0}],
 "summary":{"dsvk-uring":{"gb_per_s":3.0},"fio-io_uring":{"gb_per_s":2.0},"fio-psync":{"gb_per_s":0.5}},
 "ratios":{"uring_vs_fio_gbps":1.5}}
EOF_JSON

t_status "bars from the summary" 0 python3 "$svg_tool" bars "$t_tmp/read.json" -o "$t_tmp/a.svg"
t_eq "one bar per summary entry" 3 "$(svg_count "$t_tmp/a.svg" bar)"
t_contains "bars are labelled" "fio-psync" "$(svg_text "$t_tmp/a.svg")"
t_status "bars from the runs (median per name)" 0 python3 "$svg_tool" bars "$t_tmp/read.json" \
  --path runs -o "$t_tmp/b.svg"
t_eq "one bar per name" 2 "$(svg_count "$t_tmp/b.svg" bar)"
t_contains "the median of 2, 4, 3" "dsvk-uring = 3" "$(svg_text "$t_tmp/b.svg")"
cp "$t_tmp/read.json" "$t_tmp/other machine.json"
t_status "two files are two series" 0 python3 "$svg_tool" bars "$t_tmp/read.json" \
  "$t_tmp/other machine.json" -o "$t_tmp/c.svg"
t_eq "bars for both series" 6 "$(svg_count "$t_tmp/c.svg" bar)"
t_contains "a legend names the files" "other machine.json" "$(svg_text "$t_tmp/c.svg")"
t_status "a metric that is not there" 2 python3 "$svg_tool" bars "$t_tmp/read.json" \
  --metric iops -o "$t_tmp/d.svg"
t_contains "the error names the metric" "no records with a numeric 'iops'" "$t_out"

# A real demo run: its JSON (dsvk vs the plain load) and its stats file.
t_status "dsvk-demo with a stats file" 0 env DSVK_STATS_FILE="$t_tmp/stats.jsonl" \
  "$demo" --size 2M --json --dir "$t_tmp/assets" --no-wine
printf '%s\n' "$t_out" | grep '^{' >"$t_tmp/demo.json"
t_status "bars from dsvk-demo JSON" 0 python3 "$svg_tool" bars "$t_tmp/demo.json" \
  --metric gbps -o "$t_tmp/e.svg"
t_eq "dsvk and the baseline" 2 "$(svg_count "$t_tmp/e.svg" bar)"
t_contains "labelled dsvk and baseline" "dsvk" "$(svg_text "$t_tmp/e.svg")"
t_status "a line chart from the stats file" 0 python3 "$svg_tool" stats "$t_tmp/stats.jsonl" \
  -o "$t_tmp/f.svg"
t_eq "one line for the demo's queue" 1 "$(svg_count "$t_tmp/f.svg" series)"
t_contains "the line is named after the queue" "dsvk-demo (pid" "$(svg_text "$t_tmp/f.svg")"
printf 'not json\n' >"$t_tmp/bad.jsonl"
t_status "stats input that is not JSON lines" 2 python3 "$svg_tool" stats "$t_tmp/bad.jsonl" \
  -o "$t_tmp/g.svg"
t_status "--help" 0 python3 "$svg_tool" --help

t_end
