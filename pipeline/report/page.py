"""report.html: one self-contained page of the run, drawn from what the run folder holds
(``report.json``'s numbers, ``codebook.json``, the rows of ``segments.csv``). It opens from disk,
offline: its style and script are inlined, its pictures are SVG, and it requests nothing.

Quotes are the units' own text (``raw[start:end]``), shown right-to-left where they are Farsi
(``dir="auto"``). Each unit's text is in the page once, in the data the script reads: the map's
hover and each code's list of every quote are drawn from it, which keeps the page small.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from importlib import resources
from typing import Any

from pipeline.report import assisted, comparison
from pipeline.report.charts import colour, saturation_svg, shade
from pipeline.report.rows import Row, participant

HOW_TO_READ = ("Codes and themes are candidates, found without any coding: labels and keywords come "
               "from the quotes' own words. Rename, merge, split or reject them on the review page "
               "(<code>make review</code>).")


def _asset(name: str) -> str:
    return (resources.files("pipeline.report") / "assets" / name).read_text(encoding="utf-8")


def _shared_css() -> str:
    """The review page's style, so that both pages look alike."""
    return (resources.files("pipeline.review") / "page" / "app.css").read_text(encoding="utf-8")


def _data(rows: Sequence[Row], places: dict[str, list[float]], codes: list[dict[str, Any]]) -> str:
    """The units and codes the script draws, as JSON safe inside a <script> element."""
    units = [[r["segment_id"], r["file"], r["speaker"], r.get("time", ""), r["text"], r["code_id"],
              *places.get(r["segment_id"], [0.0, 0.0])] for r in rows]
    named = {c["code_id"]: {"label": c["label"], "colour": colour(i, len(codes))}
             for i, c in enumerate(codes)}
    text = json.dumps({"units": units, "codes": named}, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")  # no "</script>" or "<!--" inside the element


def _overview(view: dict[str, Any]) -> str:
    study = view.get("study", {})
    kind = str(study.get("kind", "")).replace("_", "-")
    facts = [("Files", view["files"]), ("Skipped", view["skipped"]), ("Participants", view["participants"]),
             ("Meaning units", view["units"]), ("Codes", view["codes"]), ("Themes", view["themes"]),
             ("Unassigned units", view["unassigned"])]
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts)
    who = "".join(f"<li><bdi>{escape(f)}</bdi>: {escape(', '.join(s) or 'nobody')}</li>"
                  for f, s in view["interviewers"].items())
    aside = "".join(f"<li>{escape(reason)}: {n}</li>" for reason, n in view["set_aside"].items())
    settings = "".join(f"<tr><th><code>{escape(k)}</code></th><td>{escape(str(v))}</td></tr>"
                       for k, v in view["settings"].items())
    decided = view.get("decisions")
    if decided:  # drawn again by ``mazmun report`` after the coders' decisions
        cells += (f"<tr><th>Decisions</th><td>{decided['count']} decisions by "
                  f"{escape(', '.join(decided['coders']) or 'nobody')}"
                  + (f"; {len(decided['not_applied'])} not applied" if decided["not_applied"] else "")
                  + "</td></tr>")
    return (f'<section id="overview"><h2>Overview</h2><table class="facts">{cells}</table>'
            f"<p>Kind of study assumed: <strong>{escape(kind or 'unknown')}</strong> "
            f"({escape(str(study.get('reason', '')))}).</p>"
            f"<details><summary>Taken for the interviewer</summary><ul>{who}</ul></details>"
            f'<details><summary>Talk set aside: {sum(view["set_aside"].values())} spans '
            f'(<a href="dropped.csv">dropped.csv</a>)</summary><ul>{aside}</ul></details>'
            f"<details><summary>Settings that matter</summary><table>{settings}</table></details>"
            f'<p class="muted">{HOW_TO_READ}</p></section>')


def _quote(text: str, file: str, speaker: str, time: str) -> str:
    when = f", {escape(time)}" if time else ""
    return (f'<blockquote dir="auto">{escape(text)}</blockquote>'
            f'<p class="cite">— <bdi>{escape(file)}</bdi>, <bdi>{escape(speaker)}</bdi>{when}</p>')


def _code(code: dict[str, Any], time_of: dict[str, str], stability: dict[str, Any]) -> str:
    quotes = "".join(_quote(q["quote"], q["file"], q["speaker"], time_of.get(q["segment_id"], ""))
                     for q in code["exemplars"])
    keywords = escape(", ".join(code["keywords"]) or "—")
    code_id = escape(code["code_id"])
    steady = escape(verdict(stability.get("codes", {}).get(code["code_id"]), stability.get("runs", 0)))
    if code.get("definition"):  # a coder's inclusion / exclusion note (mazmun report, after review)
        quotes = f'<p class="definition" dir="auto">Definition: {escape(code["definition"])}</p>{quotes}'
    return (f'<article class="code" data-code="{code_id}"><h4><span class="swatch"></span>{code_id} · '
            f'<bdi>{escape(code["label"])}</bdi></h4><p class="muted">{code["size"]} units from '
            f'{code["participants"]} participant(s), {steady}. Keywords: <bdi>{keywords}</bdi>.</p>{quotes}'
            f'<details class="all"><summary>Every quote ({code["size"]})</summary><div></div></details>'
            "</article>")


def _themes(book: dict[str, Any], rows: Sequence[Row], stability: dict[str, Any]) -> str:
    time_of = {r["segment_id"]: str(r.get("time", "")) for r in rows}
    codes = {c["code_id"]: c for c in book.get("codes", [])}
    parts = []
    for theme in book.get("themes", []):
        inner = "".join(_code(codes[c], time_of, stability) for c in theme["code_ids"])
        parts.append(f'<section class="theme" data-theme="{escape(theme["theme_id"])}">'
                     f'<h3>{escape(theme["theme_id"])} · <bdi>{escape(theme["label"])}</bdi></h3>'
                     f'<p class="muted">{len(theme["code_ids"])} codes, {theme["size"]} units, '
                     f'{theme["participants"]} participant(s).</p>{inner}</section>')
    return f'<section id="codes"><h2>Themes and codes</h2>{"".join(parts)}</section>'


def _nav(book: dict[str, Any]) -> str:
    items = []
    for theme in book.get("themes", []):
        codes = {c["code_id"]: c for c in book.get("codes", [])}
        buttons = "".join(f'<button type="button" class="item" data-code="{escape(c)}"><span class="swatch">'
                          f'</span>{escape(c)} · <bdi>{escape(codes[c]["label"])}</bdi></button>'
                          for c in theme["code_ids"])
        items.append(f'<div class="theme"><strong>{escape(theme["theme_id"])} · <bdi>'
                     f'{escape(theme["label"])}</bdi></strong><div class="codes">{buttons}</div></div>')
    return (f'<nav id="sidebar" aria-label="Themes and codes"><button type="button" id="show-all" '
            f'class="item">All codes</button>{"".join(items)}</nav>')


def _map(drawn: bool) -> str:
    if not drawn:
        return ('<section id="map-section"><h2>Map</h2><p class="muted">No map in this run '
                "(<code>report.map</code> was off).</p></section>")
    return ('<section id="map-section"><h2>Map</h2><p class="muted">Each dot is a meaning unit, placed so '
            "that units the clustering found alike lie near each other, coloured by code (grey: "
            "unassigned). Hover for the quote; click to show only its code.</p>"
            '<svg id="map" viewBox="0 0 1000 640" role="img" aria-label="Map of the units"></svg>'
            '<div id="tip" role="tooltip" hidden></div></section>')


def _matrix(matrix: dict[str, dict[str, int]], rows: Sequence[Row], labels: dict[str, str]) -> str:
    people = sorted({participant(r) for r in rows})
    most = max((n for counts in matrix.values() for n in counts.values()), default=1)
    head = "".join(f'<th class="person"><bdi>{escape(p)}</bdi></th>' for p in people)
    body = []
    for code, counts in matrix.items():
        cells = "".join(f'<td style="{shade(counts.get(p, 0), most)}">{counts.get(p, "") or ""}</td>'
                        for p in people)
        body.append(f'<tr data-code="{escape(code)}"><th>{escape(code)} · <bdi>{escape(labels.get(code, ""))}'
                    f"</bdi></th><td>{len(counts)}</td>{cells}</tr>")
    return (f'<section id="matrix-section"><h2>Codes × participants</h2><p class="muted">Units of each code '
            f"each participant contributed; the second column counts the participants who mention it.</p>"
            f'<div class="scroll"><table id="matrix"><thead><tr><th>Code</th><th>Participants</th>{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table></div></section>')


def _saturation(saturation: dict[str, Any]) -> str:
    order = "the dates in their names" if saturation["order"] == "date" else "name"
    rule = saturation["rule"]
    where = (f"The curve flattens at <bdi>{escape(saturation['saturated_at'])}</bdi>"
             if saturation.get("saturated_at") else "The curve does not flatten")
    return (f'<section id="saturation"><h2>Saturation</h2>{saturation_svg(saturation)}'
            f"<p>Interviews in order of {order}. {where}: after the first {rule['base']} interviews, "
            f"the first {rule['run']} in a row that bring at most {rule['share']:.0%} new codes.</p>"
            f'<p class="muted">The codes are those of the whole run, each counted at the first interview '
            f"it appears in; they were not found again on growing subsets of the interviews. This makes the "
            f"curve cheap, and it is the same curve a coder would draw from this codebook.</p></section>")


def verdict(found: dict[str, float] | None, runs: int) -> str:
    """How stable a code is, in words: stable, or the share of runs that found it and its overlap."""
    if not runs or found is None:
        return "stability not measured"
    if found["found"] == 1.0:
        return f"stable (found in all {runs} runs, overlap {found['jaccard']:.2f})"
    return f"found in {round(found['found'] * runs)} of {runs} runs, overlap {found['jaccard']:.2f}"


def _stability(stability: dict[str, Any], labels: dict[str, str]) -> str:
    runs = stability.get("runs", 0)
    if not runs:
        return ('<section id="stability"><h2>Stability</h2><p class="muted">Not measured '
                "(<code>report.stability_runs</code> is 0, or too few units were clustered).</p></section>")
    body = "".join(f'<tr data-code="{escape(code)}"><th>{escape(code)} · <bdi>{escape(labels.get(code, ""))}'
                   f'</bdi></th><td>{found["found"]:.0%}</td><td>{found["jaccard"]:.2f}</td>'
                   f"<td>{escape(verdict(found, runs))}</td></tr>"
                   for code, found in stability["codes"].items())
    return (f'<section id="stability"><h2>Stability</h2><p>The units were clustered {runs} more times, each '
            f"with another random seed (one UMAP layout and HDBSCAN each). A code is found again where a "
            f"cluster shares at least {stability['found_at']:.0%} of the units of either (Jaccard overlap). "
            f"Agreement between all the clusterings: adjusted Rand index <strong>{stability['ari']:.2f}"
            f"</strong> (1: identical, 0: chance).</p><table id=\"stability-table\"><thead><tr><th>Code</th>"
            f"<th>Runs that found it</th><th>Mean overlap</th><th></th></tr></thead><tbody>{body}</tbody>"
            f'</table><p class="muted">The run\'s own codes combine several layouts, so they are steadier '
            f"than any single clustering: these numbers err on the side of doubt.</p></section>")


def render(title: str, numbers: dict[str, Any], book: dict[str, Any], rows: Sequence[Row]) -> str:
    """The page (``numbers``: report.json; ``book``: codebook.json; ``rows``: segments.csv's)."""
    labels = {c["code_id"]: c["label"] for c in book.get("codes", [])}
    body = (_overview(numbers["overview"]) + assisted.section(numbers.get("assisted"), rows)
            + _map(bool(numbers["map"]))
            + _matrix(numbers["matrix"], rows, labels) + _saturation(numbers["saturation"])
            + _stability(numbers["stability"], labels) + comparison.section(numbers.get("comparison"), labels)
            + _themes(book, rows, numbers["stability"]))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>mazmun · {escape(title)}</title>'
            f"<style>{_shared_css()}{_asset('report.css')}</style></head><body>"
            f"<header><strong>mazmun</strong> <span class=\"muted\">report</span> <bdi>{escape(title)}</bdi>"
            f'<span id="filter" class="muted"></span></header><main>{_nav(book)}<section id="detail">{body}'
            f'</section></main><script type="application/json" id="data">'
            f"{_data(rows, numbers['map'], book.get('codes', []))}</script>"
            f"<script>{_asset('report.js')}</script></body></html>\n")
