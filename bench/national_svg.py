#!/usr/bin/env python3
"""bench/national_svg.py - the national rehearsal's cost curve (issue 18).

Usage: python3 bench/national_svg.py FIGURES.tsv OUT.svg

Reads the TSV that bench/national.sh appends to (one row per size
measured; the newest run's row wins for a size) and draws an SVG with two
panels: milliseconds (log scale) against the number of dossiers (log scale) for
tracking p99, work queue p99, a province's statistics and the nation's (SQL,
the API having no scope above a province), with the targets at 100M; and
bytes on disk per dossier.  Standard library only.
"""
import csv
import math
import sys

SERIES = [
    ("track_p99_ms", "tracking p99 (HTTP)", "#1f77b4", ""),
    ("sql_track_p99_ms", "tracking p99 (SQL reference)", "#1f77b4", "4 3"),
    ("queue_p99_ms", "work queue p99", "#ff7f0e", ""),
    ("province_stats_ms", "province statistics (median)", "#2ca02c", ""),
    ("widest_stats_ms", "largest province statistics", "#2ca02c", "4 3"),
    ("nation_sql_ms", "nation statistics (SQL)", "#d62728", ""),
]
TARGETS = [(20, "tracking p99 target at 100M: 20 ms", "#1f77b4"),
           (50, "province statistics target at 100M: 50 ms", "#2ca02c")]


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fmt_n(n):
    if n >= 1e6:
        return "%gM" % (n / 1e6)
    if n >= 1e3:
        return "%gk" % (n / 1e3)
    return "%g" % n


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = {}
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            n = num(r.get("dossiers"))
            if n:
                rows[n] = r  # the last row of a size wins
    if not rows:
        sys.exit("national_svg.py: no figures in " + sys.argv[1])
    xs = sorted(rows)
    xlo = 10 ** math.floor(math.log10(min(xs)))
    xhi = max(10 ** math.ceil(math.log10(max(xs) * 1.0001)), 1e8)
    # milliseconds on a log scale too: the nation's SQL (seconds) beside
    # the tracking lookups (milliseconds)
    ymax = max([num(rows[x].get(k)) or 0 for x in xs for k, *_ in SERIES] + [60])
    ymax = 10 ** math.ceil(math.log10(ymax))
    ymin = 1.0

    W, H = 900, 620
    L, R = 70, 300  # margins of the plots
    top1, h1 = 50, 330
    top2, h2 = 440, 130
    pw = W - L - R

    def X(x):
        return L + pw * (math.log10(x) - math.log10(xlo)) / (math.log10(xhi) - math.log10(xlo))

    def Y(y, top, h, ymx):
        return top + h - h * y / ymx

    def YL(y, top, h):
        y = max(y, ymin)
        return top + h - h * (math.log10(y) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin))

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="15" font-weight="bold">motcua national rehearsal: cost against '
           'the dossiers stored (PostgreSQL)</text>' % L]
    last = rows[xs[-1]]
    out.append('<text x="%d" y="40" fill="#555">%s, motcua %s; x: dossiers (log scale)</text>'
               % (L, esc(last.get("date", "")), esc(last.get("commit", ""))))

    def axes(top, h, ymx, label, ticks, yf=None):
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>' % (L, top, pw, h))
        e = math.log10(xlo)
        while 10 ** e <= xhi * 1.0001:
            x = X(10 ** e)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>' % (x, top, x, top + h))
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x, top + h + 15, fmt_n(10 ** e)))
            e += 1
        for t in ticks:
            y = yf(t) if yf else Y(t, top, h, ymx)
            out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>' % (L, y, L + pw, y))
            out.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (L - 5, y + 4, t))
        out.append('<text transform="translate(18,%d) rotate(-90)" text-anchor="middle">%s</text>'
                   % (top + h // 2, esc(label)))

    decades = [10 ** e for e in range(0, int(round(math.log10(ymax))) + 1)]
    axes(top1, h1, ymax, "milliseconds (log scale)", decades, lambda t: YL(t, top1, h1))
    for t, label, color in TARGETS:
        y = YL(t, top1, h1)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1" '
                   'stroke-dasharray="1 3"/>' % (L, y, L + pw, y, color))
    ly = top1 + 10
    for key, label, color, dash in SERIES:
        pts = [(X(x), YL(num(rows[x].get(key)), top1, h1)) for x in xs if num(rows[x].get(key)) is not None]
        if not pts:
            continue
        da = ' stroke-dasharray="%s"' % dash if dash else ""
        if len(pts) > 1:
            out.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>'
                       % (color, da, " ".join("%.1f,%.1f" % p for p in pts)))
        for p in pts:
            out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' % (p[0], p[1], color))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                   % (L + pw + 15, ly, L + pw + 40, ly, color, da))
        out.append('<text x="%d" y="%d">%s</text>' % (L + pw + 46, ly + 4, esc(label)))
        ly += 18
    for t, label, color in TARGETS:
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-dasharray="1 3"/>'
                   % (L + pw + 15, ly, L + pw + 40, ly, color))
        out.append('<text x="%d" y="%d">%s</text>' % (L + pw + 46, ly + 4, esc(label)))
        ly += 18

    # panel 2: bytes a dossier
    bmax = max([num(rows[x].get("bytes_per_dossier")) or 0 for x in xs] + [1000])
    bmax = math.ceil(bmax / 1000) * 1000
    axes(top2, h2, bmax, "bytes / dossier", range(0, int(bmax) + 1, int(bmax // 4)))
    pts = [(x, num(rows[x].get("bytes_per_dossier"))) for x in xs if num(rows[x].get("bytes_per_dossier"))]
    if pts:
        if len(pts) > 1:
            out.append('<polyline fill="none" stroke="#9467bd" stroke-width="2" points="%s"/>'
                       % " ".join("%.1f,%.1f" % (X(x), Y(b, top2, h2, bmax)) for x, b in pts))
        for x, b in pts:
            out.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="#9467bd"/>' % (X(x), Y(b, top2, h2, bmax)))
            out.append('<text x="%.1f" y="%.1f" text-anchor="middle" fill="#9467bd">%d</text>'
                       % (X(x), Y(b, top2, h2, bmax) - 8, b))
    out.append('<text x="%d" y="%d">disk: dossiers, steps, events, statistics</text>' % (L + pw + 15, top2 + 14))
    out.append('<text x="%d" y="%d">(tables, indexes, TOAST) per dossier</text>' % (L + pw + 15, top2 + 30))
    # the table of figures under the legend
    ty = top2 + 56
    for x in xs:
        r = rows[x]
        out.append('<text x="%d" y="%d" fill="#555">%s: gen %s/s, intake %s/s</text>'
                   % (L + pw + 15, ty, fmt_n(x), esc(r.get("gen_per_s", "-")), esc(r.get("intake_per_s", "-"))))
        ty += 16
    out.append("</svg>")
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
