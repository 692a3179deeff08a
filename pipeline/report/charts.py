"""The report's static pictures, as inline SVG (no library, nothing loaded): the saturation curve
and the shading of the code × participant matrix."""

from __future__ import annotations

from html import escape
from typing import Any

WIDTH, HEIGHT, PAD = 640, 220, 36


def colour(index: int, total: int) -> str:
    """A code's colour on the map and in the lists: hues spread evenly around the wheel."""
    return f"hsl({round(360 * index / max(total, 1))}, 62%, 46%)"


def saturation_svg(saturation: dict[str, Any]) -> str:
    """Bars: new codes per interview, in order; line: the codes found so far; a dashed mark at the
    interview where the curve flattens (``saturated_at``)."""
    files = saturation["files"]
    if not files:
        return '<p class="muted">No interviews.</p>'
    top = max(max(f["cumulative"] for f in files), 1)
    step = (WIDTH - 2 * PAD) / len(files)

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top, 1)

    bars, points = [], []
    for i, f in enumerate(files):
        x = PAD + i * step
        bars.append(f'<rect class="new" x="{x + step * 0.2:.1f}" y="{y(f["new"])}" width="{step * 0.6:.1f}" '
                    f'height="{HEIGHT - PAD - y(f["new"]):.1f}"><title>{escape(f["file"])}: {f["new"]} new, '
                    f'{f["cumulative"]} in all</title></rect>')
        points.append(f"{x + step / 2:.1f},{y(f['cumulative'])}")
    mark = ""
    if saturation.get("saturated_at"):
        at = [f["file"] for f in files].index(saturation["saturated_at"])
        x = PAD + (at + 0.5) * step
        mark = (f'<line class="flat" x1="{x:.1f}" x2="{x:.1f}" y1="{PAD / 2}" y2="{HEIGHT - PAD}"/>'
                f'<text x="{x + 4:.1f}" y="{PAD / 2 + 10}">flattens</text>')
    axis = (f'<line class="axis" x1="{PAD}" x2="{WIDTH - PAD}" y1="{HEIGHT - PAD}" y2="{HEIGHT - PAD}"/>'
            f'<text x="4" y="{y(top) + 4}">{top}</text><text x="4" y="{HEIGHT - PAD + 4}">0</text>'
            f'<text x="{PAD}" y="{HEIGHT - 8}">interviews in order, first to last ({len(files)})</text>')
    return (f'<svg id="saturation-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="New and cumulative codes per interview">{axis}{"".join(bars)}'
            f'<polyline class="cumulative" points="{" ".join(points)}"/>{mark}</svg>')


def shade(count: int, most: int) -> str:
    """A matrix cell's background: darker for more units."""
    return f"background: rgba(47, 93, 138, {0.08 + 0.6 * count / max(most, 1):.2f})" if count else ""
