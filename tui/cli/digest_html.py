"""`reports-tui digest --format html`: one self-contained page — inline CSS, inline SVG sparklines and a
roster heat-map, no script and no request outside the file (its Content-Security-Policy allows none),
light or dark as the reader's browser prefers. Every text from a report is HTML-escaped."""

from __future__ import annotations

from html import escape

from ..index.changes import DROPPED
from ..index.digest import ENTRY_LINES, HISTORY_WEEKS, Digest, change_note, more_lines, report_uri
from ..index.formats import format_change, format_value
from ..index.roster import FILED, LATE, MISSING, people_of, weeks_ending
from ..model.report import Report

SPARK_W, SPARK_H = 120, 28  # a sparkline's size in CSS pixels

CSS = """
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --card: #f6f8fa;
  --line: #d1d9e0; --accent: #0969da; --filed: #1a7f37; --late: #9a6700; --missing: #cf222e;
  --filed-bg: #dafbe1; --late-bg: #fff8c5; --missing-bg: #ffebe9; --none-bg: #eff2f5;
  --new: #0969da; --done: #1a7f37; --stalled: #9a6700; --progress: #8250df; --same: #59636e;
  --dropped: #cf222e; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #151b23; --line: #3d444d;
    --accent: #4493f8; --filed: #3fb950; --late: #d29922; --missing: #f85149;
    --filed-bg: #12361f; --late-bg: #3b2e0a; --missing-bg: #4a1619; --none-bg: #1f242b;
    --new: #4493f8; --done: #3fb950; --stalled: #d29922; --progress: #ab7df8; --same: #9198a1;
    --dropped: #f85149; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem 1.25rem 3rem; background: var(--bg); color: var(--fg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
  "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 0 0 .4rem; }
a { color: var(--accent); }
.muted, .dates { color: var(--muted); }
.roster { display: flex; flex-wrap: wrap; gap: .4rem; margin: .8rem 0 0; padding: 0; list-style: none; }
.chip { border-radius: 1rem; padding: .1rem .7rem; font-size: .9rem; border: 1px solid var(--line); }
.chip.filed { background: var(--filed-bg); color: var(--filed); }
.chip.late { background: var(--late-bg); color: var(--late); }
.chip.missing { background: var(--missing-bg); color: var(--missing); }
table { border-collapse: collapse; }
.heat th, .heat td { padding: 0; text-align: center; }
.heat th { font-weight: normal; color: var(--muted); font-size: .8rem; padding: 0 .15rem .2rem; }
.heat th.who { text-align: right; color: var(--fg); font-size: .9rem; padding-right: .6rem; white-space: nowrap; }
.heat td { width: 2.6rem; height: 1.7rem; border: 2px solid var(--bg); border-radius: 4px; font-size: .8rem; }
.heat td a, .heat td span { display: block; line-height: 1.7rem; text-decoration: none; color: inherit; }
.heat td.filed { background: var(--filed-bg); color: var(--filed); }
.heat td.late { background: var(--late-bg); color: var(--late); }
.heat td.missing { background: var(--missing-bg); color: var(--missing); }
.heat td.none { background: var(--none-bg); color: var(--muted); }
.heat td.now { outline: 2px solid var(--accent); outline-offset: -2px; }
.legend { font-size: .85rem; color: var(--muted); margin-top: .4rem; }
.legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: -1px;
  margin: 0 .25rem 0 .8rem; }
.projects { display: grid; gap: .8rem; }
.project { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; }
.project ul, .dropped, .reports { margin: 0; padding-left: 0; list-style: none; }
.project li { margin: .3rem 0; }
.entry-more { color: var(--muted); margin: .1rem 0 0 1.2rem; font-size: .92rem; }
.badge { display: inline-block; min-width: 4.8rem; text-align: center; border-radius: 4px; padding: 0 .35rem;
  font-size: .78rem; font-weight: 600; border: 1px solid currentColor; margin-right: .35rem; }
.badge.new { color: var(--new); } .badge.done { color: var(--done); } .badge.stalled { color: var(--stalled); }
.badge.progress { color: var(--progress); } .badge.same { color: var(--same); } .badge.dropped { color: var(--dropped); }
.note { color: var(--muted); }
.src { font-size: .85rem; margin-left: .3rem; }
.kpis th, .kpis td { padding: .3rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
.kpis th { color: var(--muted); font-weight: normal; font-size: .85rem; }
.kpis td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.kpis tr.bad td.delta { color: var(--missing); font-weight: 600; }
.kpis tr.good td.delta { color: var(--filed); }
.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.6; stroke-linejoin: round; stroke-linecap: round; }
.spark circle { fill: var(--accent); }
tr.bad .spark polyline { stroke: var(--missing); } tr.bad .spark circle { fill: var(--missing); }
.wide { overflow-x: auto; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .8rem; }
"""

STATUS_MARK = {FILED: "✓", LATE: "late", MISSING: "✗"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _name(author: str | None) -> str:
    return author if author is not None else "(no author)"


def _link(r: Report, text: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<a{klass} href="{_e(report_uri(r))}" title="{_e(r.source.display)}">{_e(text)}</a>'


def sparkline(points: list[tuple[str, float]], label: str) -> str:
    """An inline SVG line of some values (its `<title>` lists them), the last one dotted."""
    if not points:
        return ""
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    pad = 3.0
    step = (SPARK_W - 2 * pad) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        if hi == lo:
            return SPARK_H / 2
        return pad + (SPARK_H - 2 * pad) * (hi - v) / (hi - lo)

    xy = [(pad + i * step if len(values) > 1 else SPARK_W / 2, y(v)) for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in xy)
    title = f"{label}: " + ", ".join(f"{w} {format_value(v)}" for w, v in points)
    lx, ly = xy[-1]
    return (f'<svg class="spark" role="img" width="{SPARK_W}" height="{SPARK_H}" viewBox="0 0 {SPARK_W} {SPARK_H}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
            f'<polyline points="{line}"/><circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.6"/></svg>')


def heatmap(d: Digest) -> str:
    """The roster of the last weeks as a table: a row per person, a coloured cell per week."""
    cells = d.history
    weeks = weeks_ending(d.week, HISTORY_WEEKS)
    people = people_of(cells, [c.author for c in d.people])
    by = {(c.author, c.week): c for c in cells}
    head = "".join(f'<th scope="col" title="{_e(w)}">{_e(w[5:])}</th>' for w in weeks)
    rows = []
    for p in people:
        tds = []
        for w in weeks:
            c = by.get((p, w))
            now = " now" if w == d.week else ""
            if c is None:
                tds.append(f'<td class="none{now}" title="{_e(_name(p))} · {_e(w)} · not expected"><span>·</span></td>')
                continue
            tip = f"{_name(p)} · {w} · {c.status}"
            mark = STATUS_MARK[c.status]
            inner = (f'<a href="{_e(report_uri(c.reports[0]))}">{_e(mark)}</a>' if c.reports
                     else f"<span>{_e(mark)}</span>")
            tds.append(f'<td class="{c.status}{now}" title="{_e(tip)}">{inner}</td>')
        rows.append(f'<tr><th scope="row" class="who">{_e(_name(p))}</th>{"".join(tds)}</tr>')
    legend = ('<p class="legend">'
              '<span style="background:var(--filed-bg);border:1px solid var(--filed)"></span>filed'
              '<span style="background:var(--late-bg);border:1px solid var(--late)"></span>late'
              '<span style="background:var(--missing-bg);border:1px solid var(--missing)"></span>missing'
              '<span style="background:var(--none-bg);border:1px solid var(--line)"></span>not expected</p>')
    return (f'<div class="wide"><table class="heat"><thead><tr><th></th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>{legend}')


def digest_html(d: Digest) -> str:
    """The whole page."""
    out: list[str] = []
    add = out.append
    add("<!doctype html>")
    add('<html><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'\">")
    add('<meta name="color-scheme" content="light dark">')
    add(f"<title>Team week {_e(d.week)}</title><style>{CSS}</style></head><body>")
    add(f'<header><h1>Team week {_e(d.week)}</h1><div class="dates">{_e(d.dates)}</div>')
    add('<ul class="roster" id="roster">')
    for c in d.people:
        what = {FILED: "filed", LATE: "filed late", MISSING: "has not filed"}[c.status]
        add(f'<li class="chip {c.status}" title="{_e(what)}">{_e(_name(c.author))} · {_e(c.status)}</li>')
    add("</ul></header>")

    add(f'<section id="heatmap"><h2>Who filed, the last {HISTORY_WEEKS} weeks</h2>')
    add(heatmap(d))
    add("</section>")

    add('<section id="projects"><h2>Projects</h2>')
    if not d.projects:
        add('<p class="muted">No projects in this week\'s reports.</p>')
    add('<div class="projects">')
    for p in d.projects:
        add(f'<article class="project"><h3>{_e(p.name)}</h3><ul>')
        for e in p.entries:
            head, *rest = e.text.split("\n")
            note = change_note(e.change)
            more = "".join(f'<div class="entry-more">{_e(t)}</div>' for t in rest[:ENTRY_LINES])
            if len(rest) > ENTRY_LINES:
                more += f'<div class="entry-more">… {_e(more_lines(len(rest) - ENTRY_LINES))}</div>'

            add(f'<li><span class="badge {e.change.change}">{_e(e.change.change)}</span>'
                f"<b>{_e(_name(e.author))}</b> {_e(head)}"
                + (f'<span class="note">{_e(note)}</span>' if note else "")
                + _link(e.report, "↗", "src") + f"{more}</li>")
        add("</ul></article>")
    add("</div></section>")

    if d.dropped:
        add(f'<section id="dropped"><h2>Dropped</h2><ul class="dropped">')
        for author, dp in d.dropped:
            figure = f" at {format_value(dp.project.progress[0])}%" if dp.project.progress else ""
            add(f'<li><span class="badge {DROPPED}">{DROPPED}</span><b>{_e(_name(author))}</b> '
                f"{_e(dp.project.name)} <span class=\"note\">— last in {_e(dp.report.week)}{_e(figure)}</span>"
                + _link(dp.report, "↗", "src") + "</li>")
        add("</ul></section>")

    if d.kpis:
        add('<section id="kpis"><h2>KPIs</h2><div class="wide"><table class="kpis"><thead><tr>'
            '<th>Person</th><th>KPI</th><th>Last reports</th><th>Value</th><th>Previous</th><th>Change</th>'
            "</tr></thead><tbody>")
        for author, m in d.kpis:
            cls = "bad" if m.bad else ("good" if m.delta else "")
            spark = sparkline(d.series.get((author, m.name), []), f"{_name(author)} {m.name}")
            prev = format_value(m.previous, m.unit) if m.previous is not None else "–"
            delta = ("▼ " if m.bad else "") + format_change(m.delta)
            add(f'<tr class="{cls}"><td>{_e(_name(author))}</td><td>{_e(m.name)}</td><td>{spark}</td>'
                f'<td class="num">{_e(format_value(m.value, m.unit))}</td><td class="num">{_e(prev)}</td>'
                f'<td class="num delta">{_e(delta)}</td></tr>')
        add("</tbody></table></div></section>")

    if d.reports:
        add('<section id="reports"><h2>Reports</h2><ul class="reports">')
        for author, ch in d.changes:
            r = ch.report
            add(f"<li>{_e(_name(author))}: {_link(r, r.label)} <span class=\"muted\">{_e(r.source.display)}</span></li>")
        add("</ul></section>")
    n = len(d.reports)
    add(f"<footer>reports-tui digest · {_e(d.week)} · {n} report{'s' if n != 1 else ''}</footer>")
    add("</body></html>")
    return "\n".join(out) + "\n"
