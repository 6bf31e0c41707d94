"""The situation report: key figures with ranges, the incident timeline, open
contradictions and the sources, every statement citing the sentences behind it.

Written as Markdown (footnotes) or as one self-contained HTML file: a map and charts
drawn as inline SVG, no script and no remote asset, so it opens offline and can be
mailed. All text from articles is escaped: a report never runs what a page contained.
"""
from __future__ import annotations

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
    for cat in CATEGORIES:
        ser = series.build(figures, pic.sources, cat, pic.incident_of)
        if not ser.points:
            continue
        all_series.append(ser)
        values = [p.value for p in ser.points]
        latest = ser.latest
        refs = [cites.cite(p.article, p.sentence, p.outlet) for p in ser.points]
        text = f"{cat.capitalize()}: {min(values):,} to {max(values):,} reported across {len({p.party for p in ser.points})} source(s)"
        if latest:
            text += f"; latest {latest.value:,} ({latest.qualifier.replace('_', ' ')}) as of {latest.as_of}, given by {latest.party}"
        key.append(Statement(text, refs))
        for p in ser.points:
            for flag in p.flags:
                contradictions.append(Statement(f"{cat}: {p.value:,} from {p.party} — {flag}",
                                                [cites.cite(p.article, p.sentence, p.outlet)]))
    timeline = []
    for inc in pic.incidents:
        g = grading.grade(inc)
        toll = ""
        if inc.killed_high is not None:
            toll = f"; killed {inc.killed_low:,}–{inc.killed_high:,} (best {inc.killed_best:,})"
        when = ("date unknown" if inc.date_start is None else
                f"{inc.date_start}" + ("" if inc.date_end in (None, inc.date_start) else f" to {inc.date_end}"))
        refs = [cites.cite(m.article, m.mention.sentence, m.outlet) for m in inc.mentions]
        timeline.append(Statement(f"{when} — {inc.event_type}: {inc.label}{toll}. {g.grade.capitalize()}: {g.reason}.", refs))
        if g.grade == "contested":
            contradictions.append(Statement(f"{inc.label} ({when}): {g.reason}", refs))
    sources = [Statement(f"{s.article_id}: {s.meta.outlet or '?'} — {s.meta.title or s.origin}"
                         f" ({s.meta.first_published or s.meta.published or 'undated'})"
                         + (f", republishing {s.meta.syndicated_from}" if s.meta.syndicated_from else ""), [])
               for s in pic.sources.values()]
    return Report(title=title, generated=datetime.now(timezone.utc).replace(microsecond=0), key_figures=key,
                  timeline=timeline, contradictions=contradictions, sources=sources, citations=cites, pic=pic,
                  series=all_series)


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


def svg_map(pic: Picture, width: int = 640, height: int = 400, link=lambda inc: f"#{inc.id}") -> str:
    pts = [i for i in pic.incidents if i.lat is not None]
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
    x = lambda lon: 20 + (lon - lo0) / (lo1 - lo0) * (width - 40)
    y = lambda lat: 20 + (la1 - lat) / (la1 - la0) * (height - 40)
    parts = [f'<svg role="img" aria-label="Map of incidents" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'style="background:#eef3f7;border:1px solid #ccd">']
    step = max(0.5, round((lo1 - lo0) / 6, 1))
    g = lo0
    while g <= lo1:
        parts.append(f'<line x1="{x(g):.1f}" y1="0" x2="{x(g):.1f}" y2="{height}" stroke="#d5dde5"/>'
                     f'<text x="{x(g) + 2:.1f}" y="{height - 4}" font-size="9" fill="#789">{g:.1f}°E</text>')
        g += step
    for inc in pts:
        r = 5 + min(20, (inc.killed_best or 0) ** 0.5)
        parts.append(f'<a href="{_e(link(inc))}"><circle cx="{x(inc.lon):.1f}" cy="{y(inc.lat):.1f}" r="{r:.1f}" '
                     f'fill="{COLOURS.get(inc.event_type, "#555")}" fill-opacity="0.6" stroke="#333">'
                     f'<title>{_e(inc.label)} ({_e(inc.date_start or "date unknown")})</title></circle></a>')
    # one label per spot: places at (nearly) the same coordinates share it
    spots: dict[tuple[float, float], list[str]] = {}
    for inc in pts:
        names = spots.setdefault((round(inc.lat, 1), round(inc.lon, 1)), [])
        if inc.place and inc.place not in names:
            names.append(inc.place)
    for (lat, lon), names in spots.items():
        label = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
        right = x(lon) > width * 0.65  # labels near the right edge go to the left of their spot
        anchor = ' text-anchor="end"' if right else ""
        parts.append(f'<text x="{x(lon) + (-8 if right else 8):.1f}" y="{y(lat) - 6:.1f}" font-size="11"'
                     f'{anchor}>{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_timeline(pic: Picture, width: int = 900, height: int = 170, link=lambda inc: f"#{inc.id}") -> str:
    """Incidents on a time axis, one row per event type, sized by toll."""
    pts = [i for i in pic.incidents if i.date_start]
    if not pts:
        return ""
    d0, d1 = min(i.date_start for i in pts), max(i.date_end or i.date_start for i in pts)
    span = max(1, (d1 - d0).days)
    types = list(COLOURS)
    x = lambda d: 150 + (d - d0).days / span * (width - 170)
    row = lambda t: 18 + types.index(t) * ((height - 40) / max(1, len(types) - 1)) if t in types else height - 20
    parts = [f'<svg role="img" aria-label="Timeline of incidents" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" style="background:#fff;border:1px solid #ddd">']
    for t in types:
        parts.append(f'<text x="4" y="{row(t) + 4:.1f}" font-size="10" fill="{COLOURS[t]}">{_e(t[:24])}</text>'
                     f'<line x1="150" y1="{row(t):.1f}" x2="{width - 20}" y2="{row(t):.1f}" stroke="#eee"/>')
    parts.append(f'<text x="150" y="{height - 4}" font-size="10">{d0}</text>'
                 f'<text x="{width - 90}" y="{height - 4}" font-size="10">{d1}</text>')
    for inc in pts:
        x0, x1 = x(inc.date_start), x(inc.date_end or inc.date_start)
        r = 3 + min(10, (inc.killed_best or 0) ** 0.5)
        colour = COLOURS.get(inc.event_type, "#555")
        if x1 - x0 > 2:
            parts.append(f'<line x1="{x0:.1f}" y1="{row(inc.event_type):.1f}" x2="{x1:.1f}" y2="{row(inc.event_type):.1f}" '
                         f'stroke="{colour}" stroke-width="3" stroke-opacity="0.5"/>')
        parts.append(f'<a href="{_e(link(inc))}"><circle cx="{x0:.1f}" cy="{row(inc.event_type):.1f}" r="{r:.1f}" '
                     f'fill="{colour}" fill-opacity="0.7"><title>{_e(inc.label)} ({_e(inc.date_start)})</title></circle></a>')
    parts.append("</svg>")
    return "".join(parts)


def svg_series(ser: series.Series, width: int = 640, height: int = 220) -> str:
    pts = [p for p in ser.points if p.as_of]
    if not pts:
        return ""
    d0, d1 = min(p.as_of for p in pts), max(p.as_of for p in pts)
    span = max(1, (d1 - d0).days)
    vmax = max(p.value for p in pts) or 1
    x = lambda d: 50 + (d - d0).days / span * (width - 80)
    y = lambda v: height - 30 - v / vmax * (height - 50)
    parties = sorted({p.party for p in pts})
    palette = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d"]
    parts = [f'<svg role="img" aria-label="{_e(ser.category)} over time" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" style="background:#fff;border:1px solid #ddd">',
             f'<line x1="50" y1="{height - 30}" x2="{width - 20}" y2="{height - 30}" stroke="#999"/>',
             f'<text x="4" y="16" font-size="10">{vmax:,}</text><text x="50" y="{height - 12}" font-size="10">{d0}</text>',
             f'<text x="{width - 90}" y="{height - 12}" font-size="10">{d1}</text>']
    for n, party in enumerate(parties):
        colour = palette[n % len(palette)]
        ps = sorted((p for p in pts if p.party == party), key=lambda p: p.as_of)
        if len(ps) > 1:
            path = " ".join(f"{x(p.as_of):.1f},{y(p.value):.1f}" for p in ps)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}"/>')
        for p in ps:
            parts.append(f'<circle cx="{x(p.as_of):.1f}" cy="{y(p.value):.1f}" r="4" fill="{colour}">'
                         f'<title>{_e(party)}: {p.value:,} ({p.as_of})</title></circle>')
        parts.append(f'<text x="{width - 200}" y="{16 + 12 * n}" font-size="10" fill="{colour}">{_e(party)[:40]}</text>')
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
            lis.append(f"<li{aid}>{_e(s.text)}{refs}</li>")
        return "<ul>" + "".join(lis) + "</ul>"

    charts = "".join(f"<h3>{_e(s.category.capitalize())}</h3>{svg_series(s)}" for s in r.series)
    cites = "".join(f'<li id="c{n}"><b>{_e(a)}</b> ({_e(o or "?")}): “{_e(sentence)}”</li>'
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
