"""The situation report: key figures with ranges, the incident timeline, open
contradictions and the sources, every statement citing the sentences behind it.

Written as Markdown (footnotes) or as one self-contained HTML file: a map and charts
drawn as inline SVG, no script and no remote asset, so it opens offline and can be
mailed. All text from articles is escaped: a report never runs what a page contained.
"""
from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sitroom.fuse import grading, picture, series
from sitroom.fuse.picture import Picture
from sitroom.store.db import Store

CATEGORIES = ("killed", "injured", "displaced", "arrived", "evacuated", "missing", "detained")
COLOURS = {"Battles": "#c0392b", "Explosions/Remote violence": "#e67e22", "Violence against civilians": "#8e44ad",
           "Protests": "#2980b9", "Riots": "#16a085", "Strategic developments": "#7f8c8d"}


@dataclass
class Citations:
    """Numbered citations: the same sentence of the same article gets one number."""

    items: list[tuple[str, str, str | None]] = field(default_factory=list)   # (article, sentence, outlet)
    index: dict[tuple[str, str], int] = field(default_factory=dict)

    def cite(self, article: str, sentence: str, outlet: str | None) -> int:
        key = (article, sentence)
        if key not in self.index:
            self.items.append((article, sentence, outlet))
            self.index[key] = len(self.items)
        return self.index[key]


@dataclass
class Statement:
    text: str
    cites: list[int]


@dataclass
class Report:
    title: str
    generated: datetime
    key_figures: list[Statement]
    timeline: list[Statement]
    contradictions: list[Statement]
    sources: list[Statement]
    citations: Citations
    pic: Picture
    series: list[series.Series]


def build(store: Store, title: str = "Situation report", reviewed_only: bool = False,
          collection: str | None = None) -> Report:
    pic = picture.build(store, reviewed_only=reviewed_only, collection=collection)
    figures = [f for f in store.all_facts("figures") if f.source_id in pic.sources]
    cites = Citations()
    key, contradictions, all_series = [], [], []
    incidents = {i.id: i for i in pic.incidents}
    for cat in CATEGORIES:
        ser = series.build(figures, pic.sources, cat, pic.incident_of)
        if not ser.points:
            continue
        all_series.append(ser)
        key += key_figures(cat, ser, incidents, cites)
        for p in ser.points:
            for flag in p.flags:
                contradictions.append(Statement(f"{cat}: {p.value:,} from {p.party} — {flag}",
                                                [cites.cite(p.article, p.sentence, p.outlet)]))
    timeline = []
    for inc in pic.incidents:
        g = grading.grade(inc)
        toll = ""
        if inc.killed_high is not None:
            low = inc.killed_low if inc.killed_low is not None else inc.killed_high
            best = f" (best {inc.killed_best:,})" if inc.killed_best is not None else ""
            toll = f"; killed {low:,}–{inc.killed_high:,}{best}" if low != inc.killed_high else \
                f"; killed {inc.killed_high:,}"
        when = ("date unknown" if inc.date_start is None else
                f"{inc.date_start}" + ("" if inc.date_end in (None, inc.date_start) else f" to {inc.date_end}"))
        refs = list(dict.fromkeys(cites.cite(m.article, m.mention.sentence, m.outlet) for m in inc.mentions))
        timeline.append(Statement(f"{when} — {inc.event_type}: {inc.label}{toll}. {g.grade.capitalize()}: {g.reason}.", refs))
        if g.grade == "contested":
            contradictions.append(Statement(f"{inc.label} ({when}): {g.reason}", refs))
    from sitroom.report.titles import shown

    sources = [Statement(f"{s.article_id}: {s.meta.outlet or '?'} — {shown(s.meta.title, s.origin, s.meta.url)}"
                         f" ({s.meta.first_published or s.meta.published or 'date unknown'})"
                         + (f", republishing {s.meta.syndicated_from}" if s.meta.syndicated_from else ""), [])
               for s in pic.sources.values()]
    return Report(title=title, generated=datetime.now(timezone.utc).replace(microsecond=0), key_figures=key,
                  timeline=timeline, contradictions=contradictions, sources=sources, citations=cites, pic=pic,
                  series=all_series)


def when(d) -> str:
    return d.isoformat() if d else "date unknown"


def _who(points: list) -> str:
    names = list(dict.fromkeys(p.party for p in points if p.party))
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "") if names else "unattributed"


def key_figures(cat: str, ser: series.Series, incidents: dict, cites: Citations) -> list[Statement]:
    """The key figures of one category as an analyst writes them: one line per incident
    (its range, its own latest figure, who gives them), never a range spanning several
    incidents nor a "latest" taken from another; figures tied to no incident on a line of
    their own."""
    groups: dict[str | None, list] = {}
    for p in ser.points:
        groups.setdefault(p.incident if p.incident in incidents else None, []).append(p)

    def order(item):
        iid, pts = item
        inc = incidents.get(iid)
        return (iid is None, -(max(p.value for p in pts)), str(inc.date_start if inc and inc.date_start else ""))

    out = []
    for iid, pts in sorted(groups.items(), key=order):
        if iid is None and len({p.article for p in pts}) > 1:
            # figures of no incident from several reports may count different things: each
            # report's own line, never one range across them
            for article in dict.fromkeys(p.article for p in pts):
                out += _figure_line(cat, "reported outside any incident", [p for p in pts if p.article == article],
                                    cites)
            continue
        inc = incidents.get(iid)
        where = f"{inc.label} ({when(inc.date_start)})" if inc is not None else "reported outside any incident"
        out += _figure_line(cat, where, pts, cites)
    return out


def _figure_line(cat: str, where: str, pts: list, cites: Citations) -> list[Statement]:
    """One line: the range of these figures, who gives them, and the latest of them."""
    values = sorted({p.value for p in pts})
    said = f"{values[0]:,}" if len(values) == 1 else f"{values[0]:,} to {values[-1]:,}"
    text = f"{cat.capitalize()}, {where}: {said}, according to {_who(pts)}"
    dated = [p for p in pts if p.as_of]
    if len(pts) > 1 and dated:
        latest = max(dated, key=lambda p: (p.as_of, p.value))
        text += (f"; latest {latest.value:,} ({latest.qualifier.replace('_', ' ')}) as of {latest.as_of}, "
                 f"given by {latest.party or latest.outlet or 'an unattributed report'}")
    elif not dated:
        text += "; date unknown"
    refs = list(dict.fromkeys(cites.cite(p.article, p.sentence, p.outlet) for p in pts))
    return [Statement(text, refs)]


# ---------------------------------------------------------------- Markdown


def markdown(r: Report) -> str:
    out = [f"# {r.title}", "", f"Generated {r.generated.isoformat()} from {len(r.pic.sources)} source(s).", ""]
    for heading, items in (("Key figures", r.key_figures), ("Incident timeline", r.timeline),
                           ("Open contradictions", r.contradictions), ("Sources", r.sources)):
        out += [f"## {heading}", ""]
        out += [f"- {s.text}" + "".join(f"[^{n}]" for n in s.cites) for s in items] or ["- none"]
        out.append("")
    out += ["## Citations", ""]
    for n, (article, sentence, outlet) in enumerate(r.citations.items, 1):
        out.append(f"[^{n}]: {article} ({outlet or '?'}): “{sentence}”")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


HOLLOW = ("admin", "region", "country")   # located to an area: drawn as a ring, not a dot


@functools.lru_cache(maxsize=1)
def world_outlines() -> list[tuple[str, list[list[tuple[float, float]]]]]:
    """Country outlines (name, rings of (lon, lat)) from the web app's bundled Natural
    Earth data (the ``world-atlas`` npm package: ``npm install`` at the repository root,
    or SITROOM_WEB_ASSETS); empty where it is not installed (the map then draws no
    outlines)."""
    import json
    import os
    from pathlib import Path

    cands = [Path(os.environ["SITROOM_WEB_ASSETS"])] if os.environ.get("SITROOM_WEB_ASSETS") else []
    cands += [Path.cwd() / "node_modules", Path(__file__).resolve().parents[3] / "node_modules"]
    path = next((c / "world-atlas" / "countries-110m.json" for c in cands
                 if (c / "world-atlas" / "countries-110m.json").exists()), None)
    if path is None:
        return []
    topo = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # delta-encoded, quantized
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out += pts[1:] if out else pts
        return out

    shapes = []
    for g in topo["objects"]["countries"]["geometries"]:
        polys = [g["arcs"]] if g.get("type") == "Polygon" else g.get("arcs", []) if g.get("type") == "MultiPolygon" else []
        rings = [ring(r) for poly in polys for r in poly]
        if rings:
            shapes.append(((g.get("properties") or {}).get("name", ""), rings))
    return shapes


def _place_labels(spots: list[tuple[float, float, float, str]], width: int, height: int,
                  obstacles: list[tuple[float, float, float, float]] = ()) -> list[tuple[float, float, str, str]]:
    """Label positions that overlap neither each other nor the frame's edge: the most
    important spot first (``spots``: x, y, weight, text), each tried right, left, above,
    below its point; a label that fits nowhere is left out (its point keeps a tooltip)."""
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for px, py, _, text in sorted(spots, key=lambda s: -s[2]):
        w, h = 6.4 * len(text) + 2, 13.0
        for dx, dy, anchor in ((9, 4, "start"), (-9, 4, "end"), (0, -10, "middle"), (0, 17, "middle")):
            left = px + dx if anchor == "start" else px + dx - w if anchor == "end" else px - w / 2
            box = (left, py + dy - 10, left + w, py + dy - 10 + h)
            if box[0] < 2 or box[2] > width - 2 or box[1] < 2 or box[3] > height - 14:
                continue
            if any(not (box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1]) for b in placed):
                continue
            placed.append(box)
            out.append((px + dx, py + dy, anchor, text))
            break
    return out


def svg_map(pic: Picture, width: int = 640, height: int = 400, link=lambda inc: f"#{inc.id}") -> str:
    """The located incidents over country outlines: a filled dot for a town or site, a
    ring for a place known only to its region or country; places labelled where a label
    fits without overlapping another."""
    pts = [i for i in pic.incidents if i.lat is not None and i.lon is not None]
    if not pts:
        return "<p>No located incidents.</p>"
    lats, lons = [i.lat for i in pts], [i.lon for i in pts]
    pad = 0.5
    la0, la1, lo0, lo1 = min(lats) - pad, max(lats) + pad, min(lons) - pad, max(lons) + pad
    # keep the shape of the ground: a degree of longitude is cos(latitude) of one of latitude
    k = math.cos(math.radians((la0 + la1) / 2)) or 1.0
    want = (width - 40) / (height - 40)           # width over height of the drawing
    have = (lo1 - lo0) * k / (la1 - la0)
    if have < want:   # too narrow: widen the longitudes
        extra = ((la1 - la0) * want / k - (lo1 - lo0)) / 2
        lo0, lo1 = lo0 - extra, lo1 + extra
    else:             # too flat: heighten the latitudes
        extra = ((lo1 - lo0) * k / want - (la1 - la0)) / 2
        la0, la1 = la0 - extra, la1 + extra
    x = lambda lon: 20 + (lon - lo0) / (lo1 - lo0) * (width - 40)  # noqa: E731
    y = lambda lat: 20 + (la1 - lat) / (la1 - la0) * (height - 40)  # noqa: E731
    parts = [f'<svg class="map" role="img" aria-label="Map of incidents" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" style="background:#dfe9f1;border:1px solid #ccd">']
    # country outlines (land light, borders grey), only those in view
    for name, rings in world_outlines():
        ds = []
        for r in rings:
            if (max(p[0] for p in r) < lo0 or min(p[0] for p in r) > lo1 or max(p[1] for p in r) < la0
                    or min(p[1] for p in r) > la1):
                continue
            ds.append("M" + "L".join(f"{x(lo):.1f},{y(la):.1f}" for lo, la in r) + "Z")
        if ds:
            parts.append(f'<path class="outline" d="{" ".join(ds)}" fill="#f4f1ea" stroke="#8a9aa9" '
                         f'stroke-width="0.8"><title>{_e(name)}</title></path>')
    step = max(0.5, round((lo1 - lo0) / 6, 1))
    g = math.ceil(lo0 / step) * step
    while g <= lo1:
        parts.append(f'<line x1="{x(g):.1f}" y1="0" x2="{x(g):.1f}" y2="{height}" stroke="#c9d4de" stroke-width="0.5"/>'
                     f'<text x="{x(g) + 2:.1f}" y="{height - 4}" font-size="9" fill="#789">{g:.1f}°E</text>')
        g += step
    for inc in pts:
        r = 5 + min(20, (inc.killed_best or 0) ** 0.5)
        colour = COLOURS.get(inc.event_type, "#555")
        look = (f'fill="none" stroke="{colour}" stroke-width="2.5"' if inc.geo_precision in HOLLOW
                else f'fill="{colour}" fill-opacity="0.65" stroke="#333"')
        end = inc.date_end or inc.date_start
        parts.append(f'<a href="{_e(link(inc))}"><circle class="map-dot" data-start="{inc.date_start or ""}" '
                     f'data-end="{end or ""}" cx="{x(inc.lon):.1f}" cy="{y(inc.lat):.1f}" r="{r:.1f}" {look}>'
                     f'<title>{_e(inc.label)} ({_e(inc.date_start or "date unknown")})</title></circle></a>')
    # one label per spot: places at (nearly) the same coordinates share it
    spots: dict[tuple[float, float], list] = {}
    for inc in pts:
        spot = spots.setdefault((round(inc.lat, 1), round(inc.lon, 1)), [[], 0.0])
        if inc.place and inc.place not in spot[0]:
            spot[0].append(inc.place)
        spot[1] += 1 + (inc.killed_best or 0) / 100
    cands = [(x(lon), y(lat), weight, ", ".join(names[:2]) + (f" +{len(names) - 2}" if len(names) > 2 else ""))
             for (lat, lon), (names, weight) in spots.items() if names]
    for lx, ly, anchor, text in _place_labels(cands, width, height):
        parts.append(f'<text class="place-label" x="{lx:.1f}" y="{ly:.1f}" font-size="11" font-weight="600" '
                     f'fill="#1d2b36" stroke="#fff" stroke-width="3" paint-order="stroke" '
                     f'text-anchor="{anchor}">{_e(text)}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span style="margin-right:1em"><span style="color:{c}">●</span> {_e(t)}</span>'
                     for t, c in COLOURS.items() if any(i.event_type == t for i in pts))
    legend += ('<span style="margin-right:1em">● town or site</span><span style="margin-right:1em">'
               '○ region or country (approximate)</span>')
    return "".join(parts) + f'<div class="map-legend" style="font-size:12px;margin:.2rem 0 .8rem">{legend}</div>'


def _axis(days: list) -> tuple:
    """The days a time axis spans: all of them, unless a few outliers would squeeze the
    crisis into a sliver (then the 5th to 95th percentile, the others drawn at the edges)."""
    days = sorted(days)
    d0, d1 = days[0], days[-1]
    if len(days) >= 8:
        lo, hi = days[len(days) // 20], days[-1 - len(days) // 20]
        if (d1 - d0).days > 3 * max(7, (hi - lo).days):
            return lo, hi
    return d0, d1


def svg_timeline(pic: Picture, width: int = 900, height: int = 190, link=lambda inc: f"#{inc.id}") -> str:
    """Incidents on a time axis, one row per event type, sized by toll. The axis is the
    crisis's days (outliers at the edges, marked); dated ticks; the drawing carries its
    axis (``data-d0``/``data-d1``/``data-x0``/``data-x1``) so a page can brush it."""
    from datetime import timedelta

    pts = [i for i in pic.incidents if i.date_start]
    if not pts:
        return ""
    d0, d1 = _axis([i.date_start for i in pts] + [i.date_end or i.date_start for i in pts])
    span = max(1, (d1 - d0).days + 1)
    types = [t for t in COLOURS if any(i.event_type == t for i in pts)] or list(COLOURS)
    types += sorted({i.event_type for i in pts} - set(types))
    left, right, top, bottom = 178, width - 14, 16, height - 34
    clamp = lambda v: max(left, min(right, v))  # noqa: E731
    x = lambda d: clamp(left + ((d - d0).days + 0.5) / span * (right - left))  # noqa: E731 - a day's middle
    gap = (bottom - top) / max(1, len(types) - 1) if len(types) > 1 else 0
    row = lambda t: top + types.index(t) * gap if len(types) > 1 else (top + bottom) / 2  # noqa: E731
    parts = [f'<svg class="timeline" role="img" aria-label="Timeline of incidents" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" data-d0="{d0}" data-d1="{d1}" data-x0="{left}" data-x1="{right}" '
             f'style="background:#fff;border:1px solid #ddd">']
    for t in types:
        parts.append(f'<text x="4" y="{row(t) + 4:.1f}" font-size="11" fill="{COLOURS.get(t, "#555")}">{_e(t)}</text>'
                     f'<line x1="{left}" y1="{row(t):.1f}" x2="{right}" y2="{row(t):.1f}" stroke="#eee"/>')
    # ticks: at most 7, on whole days
    step = max(1, math.ceil(span / 7))
    parts.append(f'<line x1="{left}" y1="{bottom + 8}" x2="{right}" y2="{bottom + 8}" stroke="#999"/>')
    for k in range(0, span, step):
        d = d0 + timedelta(days=k)
        tx = left + (k + 0.5) / span * (right - left)
        parts.append(f'<line x1="{tx:.1f}" y1="{bottom + 5}" x2="{tx:.1f}" y2="{bottom + 11}" stroke="#999"/>'
                     f'<text class="tick" x="{tx:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" '
                     f'fill="#445">{d.strftime("%d %b") if span <= 62 else d.isoformat()}</text>')
    if d0.year == d1.year and span <= 62:
        parts.append(f'<text x="4" y="{height - 6}" font-size="10" fill="#445">{d0.year}</text>')
    before = sum(1 for i in pts if (i.date_end or i.date_start) < d0)
    after = sum(1 for i in pts if i.date_start > d1)
    if before:
        parts.append(f'<text class="outside" x="{left}" y="{top - 4}" font-size="10" fill="#667">◀ {before} earlier</text>')
    if after:
        parts.append(f'<text class="outside" x="{right}" y="{top - 4}" font-size="10" fill="#667" '
                     f'text-anchor="end">{after} later ▶</text>')
    for inc in pts:
        end = inc.date_end or inc.date_start
        x0, x1 = x(inc.date_start), x(end)
        r = 3 + min(10, (inc.killed_best or 0) ** 0.5)
        colour = COLOURS.get(inc.event_type, "#555")
        if x1 - x0 > 2:
            parts.append(f'<line class="tl-span" data-id="{_e(inc.id)}" x1="{x0:.1f}" y1="{row(inc.event_type):.1f}" '
                         f'x2="{x1:.1f}" y2="{row(inc.event_type):.1f}" stroke="{colour}" stroke-width="3" '
                         f'stroke-opacity="0.5"/>')
        parts.append(f'<a href="{_e(link(inc))}"><circle class="tl-dot" data-id="{_e(inc.id)}" '
                     f'data-start="{inc.date_start}" data-end="{end}" cx="{x0:.1f}" cy="{row(inc.event_type):.1f}" '
                     f'r="{r:.1f}" fill="{colour}" fill-opacity="0.7"><title>{_e(inc.label)} ({_e(inc.date_start)})'
                     f'</title></circle></a>')
    parts.append("</svg>")
    return "".join(parts)


def svg_series(ser: series.Series, width: int = 640, height: int = 220) -> str:
    """A category's figures over time, a line per party; the legend below the plot, so it
    never covers a point."""
    pts = [p for p in ser.points if p.as_of]
    if not pts:
        return ""
    parties = sorted({p.party for p in pts})
    palette = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d"]
    # the legend: entries laid out in rows under the axis
    entries, row_x, rows = [], 50.0, 0
    for n, party in enumerate(parties):
        label = party if len(party) <= 40 else party[:39] + "…"
        w = 18 + 6.2 * len(label)
        if row_x + w > width - 10 and row_x > 50:
            rows, row_x = rows + 1, 50.0
        entries.append((row_x, rows, label, palette[n % len(palette)]))
        row_x += w + 14
    plot_h = height
    height = plot_h + 16 * (rows + 1) + 6
    d0, d1 = min(p.as_of for p in pts), max(p.as_of for p in pts)
    span = max(1, (d1 - d0).days)
    vmax = max(p.value for p in pts) or 1
    x = lambda d: 50 + (d - d0).days / span * (width - 80)  # noqa: E731
    y = lambda v: plot_h - 30 - v / vmax * (plot_h - 50)  # noqa: E731
    parts = [f'<svg class="series" role="img" aria-label="{_e(ser.category)} over time" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" style="background:#fff;border:1px solid #ddd">',
             f'<line x1="50" y1="{plot_h - 30}" x2="{width - 20}" y2="{plot_h - 30}" stroke="#999"/>',
             f'<text x="4" y="{y(vmax) + 4:.1f}" font-size="10">{vmax:,}</text>'
             f'<text x="4" y="{plot_h - 27}" font-size="10">0</text>'
             f'<text x="50" y="{plot_h - 14}" font-size="10">{d0}</text>',
             f'<text x="{width - 20}" y="{plot_h - 14}" font-size="10" text-anchor="end">{d1}</text>']
    for n, party in enumerate(parties):
        colour = palette[n % len(palette)]
        ps = sorted((p for p in pts if p.party == party), key=lambda p: p.as_of)
        if len(ps) > 1:
            path = " ".join(f"{x(p.as_of):.1f},{y(p.value):.1f}" for p in ps)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}"/>')
        for p in ps:
            parts.append(f'<circle class="point" cx="{x(p.as_of):.1f}" cy="{y(p.value):.1f}" r="4" fill="{colour}">'
                         f'<title>{_e(party)}: {p.value:,} ({p.as_of})</title></circle>')
    for lx, row, label, colour in entries:
        ly = plot_h + 6 + 16 * row
        parts.append(f'<g class="legend-item"><rect x="{lx:.1f}" y="{ly:.1f}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{lx + 14:.1f}" y="{ly + 9:.1f}" font-size="10" fill="#222">{_e(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(r: Report) -> str:
    def items(stmts: list[Statement], anchors: list[str] | None = None) -> str:
        if not stmts:
            return "<p>None.</p>"
        lis = []
        for i, s in enumerate(stmts):
            refs = "".join(f'<sup><a href="#c{n}">[{n}]</a></sup>' for n in s.cites)
            aid = f' id="{_e(anchors[i])}"' if anchors else ""
            lis.append(f"<li{aid} dir=\"auto\">{_e(s.text)}{refs}</li>")
        return "<ul>" + "".join(lis) + "</ul>"

    charts = "".join(f"<h3>{_e(s.category.capitalize())}</h3>{svg_series(s)}" for s in r.series)
    cites = "".join(f'<li id="c{n}"><b>{_e(a)}</b> ({_e(o or "?")}): “<span dir="auto">{_e(sentence)}</span>”</li>'
                    for n, (a, sentence, o) in enumerate(r.citations.items, 1))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(r.title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>body{{font:15px/1.45 system-ui,sans-serif;max-width:58rem;margin:2rem auto;padding:0 1rem;color:#222}}
h1{{margin-bottom:0}} li{{margin:.3rem 0}} sup a{{text-decoration:none}} #citations li{{font-size:13px;color:#444}}</style>
</head><body>
<h1>{_e(r.title)}</h1><p>Generated {_e(r.generated.isoformat())} from {len(r.pic.sources)} source(s).</p>
<h2>Key figures</h2>{items(r.key_figures)}
<h2>Map of incidents</h2>{svg_map(r.pic)}
<h2>Timeline</h2>{svg_timeline(r.pic, width=640)}
<h2>Figures over time</h2>{charts or "<p>No dated figures.</p>"}
<h2>Incident timeline</h2>{items(r.timeline, [i.id for i in r.pic.incidents])}
<h2>Open contradictions</h2>{items(r.contradictions)}
<h2>Sources</h2>{items(r.sources)}
<h2>Citations</h2><ol id="citations">{cites}</ol>
</body></html>
"""


# ---------------------------------------------------------------- PDF


class PdfUnavailable(RuntimeError):
    """No headless Chromium to print with (an optional part: HTML and Markdown need none)."""


def chromium() -> str | None:
    """A Chromium or Chrome to print with: SITROOM_CHROMIUM, else the usual names on PATH."""
    import os
    import shutil

    named = os.environ.get("SITROOM_CHROMIUM")
    if named:
        return named if os.path.exists(named) else shutil.which(named)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def to_pdf(r: Report, path, timeout: float = 120.0) -> None:
    """Print the HTML report to ``path`` with headless Chromium (``--print-to-pdf``: the
    same page, its map and charts as vector drawings, the title as the PDF's title)."""
    import subprocess
    import tempfile
    from pathlib import Path

    exe = chromium()
    if exe is None:
        raise PdfUnavailable("a PDF report is printed by headless Chromium, and none was found: install it "
                             "(Debian: apt-get install chromium) or name it in SITROOM_CHROMIUM; "
                             "or write HTML (-o sitrep.html) and print that")
    out = Path(path).resolve()
    with tempfile.TemporaryDirectory(prefix="sitroom-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(to_html(r), encoding="utf-8")
        if out.exists():
            out.unlink()
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={out}",
                page.as_uri()]
        try:
            run = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"Chromium ({exe}) did not print the report: {exc}") from exc
    if not out.exists() or out.stat().st_size == 0:
        raise PdfUnavailable(f"Chromium ({exe}) wrote no PDF (exit {run.returncode}): "
                             f"{(run.stderr or run.stdout).strip()[-300:]}")
