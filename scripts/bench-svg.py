#!/usr/bin/env python3
"""Turns dsvk's JSON output into SVG charts for docs/BENCHMARKS.md (python3 stdlib only).

  bench-svg.py bars FILE.json [FILE.json ...] [--metric gb_per_s] [--label name]
                    [--path summary] [--title TEXT] -o OUT.svg
      A horizontal bar chart of one metric from dsvk-bench (or dsvk-demo) JSON. The bars
      are the first group of records in the file that have the metric: an object of
      objects (dsvk-bench's "summary", dsvk-demo's "dsvk"/"baseline") or a list of objects
      labelled by --label (dsvk-bench's "runs"; repeated labels are reduced to their
      median). --path a.b picks the group explicitly. Several files become one series each
      (e.g. two machines), side by side per label.

  bench-svg.py stats FILE.jsonl [--metric gbps] [--title TEXT] -o OUT.svg
      A line chart over time of one field of DSVK_STATS_FILE lines, one line per process
      and queue.

Exit status 0 on success, 2 on bad input (the message says what was missing).
"""
import argparse
import json
import math
import statistics
import sys
from xml.sax.saxutils import escape

PALETTE = ["#3366cc", "#dc3912", "#109618", "#ff9900", "#990099", "#0099c6", "#dd4477"]
FONT = 'font-family="sans-serif" font-size="12"'
TITLE_FONT = 'font-family="sans-serif" font-size="15" font-weight="bold"'


class InputError(Exception):
    pass


def nice_ticks(top, count=5):
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks, value = [], 0.0
    while value < top + step / 2:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < top:
        ticks.append(round(value, 10))
    return ticks


def fmt(v):
    return "%g" % float("%.3g" % v)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def groups_in(node, metric, label_key, path=""):
    """Yields (path, kind, {label: value}) for every group of records carrying `metric`."""
    if isinstance(node, dict):
        children = {k: v[metric] for k, v in node.items()
                    if isinstance(v, dict) and is_number(v.get(metric))}
        if children:
            yield path or ".", "objects", children
        for key, value in node.items():
            sub = f"{path}.{key}" if path else key
            if isinstance(value, list):
                rows = [r for r in value if isinstance(r, dict) and is_number(r.get(metric))]
                if rows:
                    values = {}
                    for i, r in enumerate(rows):
                        values.setdefault(str(r.get(label_key, i)), []).append(r[metric])
                    yield sub, "list", {k: statistics.median(v) for k, v in values.items()}
            if isinstance(value, (dict, list)):
                yield from groups_in(value, metric, label_key, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from groups_in(value, metric, label_key, f"{path}[{i}]")


def pick_group(doc, metric, label_key, path, name):
    """The group at `path`, else the first object of objects (a summary), else a list."""
    groups = list(groups_in(doc, metric, label_key))
    if path:
        groups = [g for g in groups if g[0] == path]
    groups.sort(key=lambda g: g[1] != "objects")  # stable: file order within a kind
    if not groups:
        where = f" at '{path}'" if path else ""
        raise InputError(f"{name}: no records with a numeric '{metric}'{where}")
    return groups[0][2]


def bar_chart(series, metric, title):
    """series: [(name, {label: value})] -> SVG text."""
    labels = []
    for _, values in series:
        labels += [k for k in values if k not in labels]
    top = max(v for _, values in series for v in values.values())
    ticks = nice_ticks(top)
    left, right, bar_h, gap, head = 170, 40, 18, 10, 48
    width = 760
    plot_w = width - left - right
    rows_h = len(labels) * (len(series) * bar_h + gap)
    legend_h = 22 if len(series) > 1 else 0
    height = head + rows_h + 34 + legend_h
    scale = plot_w / ticks[-1]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" {TITLE_FONT}>'
           f'{escape(title)}</text>']
    y_axis_end = head + rows_h
    for t in ticks:
        x = left + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{head - 6}" x2="{x:.1f}" y2="{y_axis_end}" '
                   'stroke="#dddddd"/>')
        out.append(f'<text x="{x:.1f}" y="{y_axis_end + 16}" text-anchor="middle" {FONT}>'
                   f'{fmt(t)}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{y_axis_end + 30}" text-anchor="middle" '
               f'{FONT}>{escape(metric)}</text>')
    y = head
    for label in labels:
        group_h = len(series) * bar_h
        out.append(f'<text x="{left - 8}" y="{y + group_h / 2 + 4:.1f}" text-anchor="end" '
                   f'{FONT}>{escape(label)}</text>')
        for s, (name, values) in enumerate(series):
            if label in values:
                v = values[label]
                w = max(v * scale, 0.5)
                out.append(f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" '
                           f'height="{bar_h - 2}" fill="{PALETTE[s % len(PALETTE)]}">'
                           f'<title>{escape(name)}: {escape(label)} = {fmt(v)}</title></rect>')
                out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 6}" {FONT}>'
                           f'{fmt(v)}</text>')
            y += bar_h
        y += gap
    out.append(f'<line x1="{left}" y1="{head - 6}" x2="{left}" y2="{y_axis_end}" '
               'stroke="black"/>')
    if len(series) > 1:
        out += legend(series, left, height - 10)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def legend(series, x, y):
    out = []
    for s, (name, _) in enumerate(series):
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" '
                   f'fill="{PALETTE[s % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 16}" y="{y}" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return out


def line_chart(lines, metric, title):
    """lines: [(name, [(t, value)])] -> SVG text."""
    t_max = max(t for _, pts in lines for t, _ in pts)
    v_max = max(v for _, pts in lines for _, v in pts)
    x_ticks, y_ticks = nice_ticks(t_max if t_max > 0 else 1), nice_ticks(v_max)
    left, right, top_m, bottom = 70, 30, 40, 70
    width, height = 760, 380
    plot_w, plot_h = width - left - right, height - top_m - bottom
    sx, sy = plot_w / x_ticks[-1], plot_h / y_ticks[-1]
    base = top_m + plot_h
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" {TITLE_FONT}>'
           f'{escape(title)}</text>']
    for t in y_ticks:
        y = base - t * sy
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                   'stroke="#dddddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
                   f'{fmt(t)}</text>')
    for t in x_ticks:
        x = left + t * sx
        out.append(f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle" {FONT}>'
                   f'{fmt(t)}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{base + 32}" text-anchor="middle" {FONT}>'
               'seconds</text>')
    out.append(f'<text x="16" y="{top_m + plot_h / 2}" text-anchor="middle" {FONT} '
               f'transform="rotate(-90 16 {top_m + plot_h / 2})">{escape(metric)}</text>')
    out.append(f'<polyline points="{left},{top_m} {left},{base} {left + plot_w},{base}" '
               'fill="none" stroke="black"/>')
    for s, (name, pts) in enumerate(lines):
        coords = " ".join(f"{left + t * sx:.1f},{base - v * sy:.1f}" for t, v in pts)
        out.append(f'<polyline class="series" points="{coords}" fill="none" '
                   f'stroke="{PALETTE[s % len(PALETTE)]}" stroke-width="2">'
                   f'<title>{escape(name)}</title></polyline>')
    out += legend(lines, left, height - 12)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: {e}")


def cmd_bars(args):
    series = []
    for path in args.inputs:
        doc = load_json(path)
        series.append((path.rsplit("/", 1)[-1], pick_group(doc, args.metric, args.label,
                                                           args.path, path)))
    title = args.title or f"{args.metric} ({', '.join(n for n, _ in series)})"
    return bar_chart(series, args.metric, title)


def cmd_stats(args):
    by_series, t0 = {}, None
    for path in args.inputs:
        try:
            with open(path) as f:
                for n, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        raise InputError(f"{path}:{n}: not a JSON line")
                    if not isinstance(rec, dict) or "time" not in rec:
                        raise InputError(f"{path}:{n}: not a DSVK_STATS_FILE line")
                    if not is_number(rec.get(args.metric)):
                        raise InputError(f"{path}:{n}: no numeric '{args.metric}'")
                    name = f"{rec.get('queue', '?')} (pid {rec.get('pid', '?')})"
                    by_series.setdefault(name, []).append((rec["time"], rec[args.metric]))
                    t0 = rec["time"] if t0 is None else min(t0, rec["time"])
        except OSError as e:
            raise InputError(f"{path}: {e}")
    if not by_series:
        raise InputError("no stats lines in the input")
    lines = [(name, sorted((t - t0, v) for t, v in pts)) for name, pts in by_series.items()]
    title = args.title or f"{args.metric} per queue over time"
    return line_chart(lines, args.metric, title)


def main(argv):
    parser = argparse.ArgumentParser(prog="bench-svg.py",
                                     description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)
    bars = sub.add_parser("bars", help="bar chart of dsvk-bench / dsvk-demo JSON")
    bars.add_argument("inputs", nargs="+")
    bars.add_argument("--metric", default="gb_per_s")
    bars.add_argument("--label", default="name", help="label field of list records")
    bars.add_argument("--path", default="", help="dotted path of the group, e.g. summary")
    bars.add_argument("--title", default="")
    bars.add_argument("-o", "--output", required=True)
    stats = sub.add_parser("stats", help="line chart of DSVK_STATS_FILE lines")
    stats.add_argument("inputs", nargs="+")
    stats.add_argument("--metric", default="gbps")
    stats.add_argument("--title", default="")
    stats.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    try:
        svg = cmd_bars(args) if args.command == "bars" else cmd_stats(args)
    except InputError as e:
        print(f"bench-svg.py: {e}", file=sys.stderr)
        return 2
    with open(args.output, "w") as f:
        f.write(svg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
