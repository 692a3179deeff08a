"""The report's comparison with human coding, where ``mazmun compare`` wrote one into the run
folder: the agreement table, the heat map (each human label's characters under each code), per
human label its best-matching codes, and label agreement (how each matched code's label ranks
its human code's name)."""

from __future__ import annotations

from html import escape
from typing import Any

from pipeline.report.charts import shade

METRICS = (("nmi", "NMI"), ("ari", "ARI"), ("coverage", "coverage"), ("filler_rejection", "filler rejection"),
           ("recall", "recall"), ("kappa", "κ"))


def summary(comparison: dict[str, Any]) -> dict[str, Any]:
    """What report.json keeps of comparison.json: the numbers behind the pictures."""
    return {"coding": comparison.get("coding", ""), "level": comparison["level"],
            "auto_level": comparison["auto_level"], "scores": comparison["scores"],
            "matrix": comparison["matrix"],
            "best": {item["label"]: item["best_matches"] for item in comparison["labels"]},
            "label_agreement": comparison.get("label_agreement")}


def _scores(scores: dict[str, dict[str, dict[str, float]]]) -> str:
    head = "".join(f"<th>{name}</th>" for _, name in METRICS)
    rows = "".join(f"<tr><th>{escape(level)}</th><th>{escape(auto)}</th>"
                   + "".join(f"<td>{s.get(key, 0.0):.2f}</td>" for key, _ in METRICS) + "</tr>"
                   for level, by_auto in scores.items() for auto, s in by_auto.items())
    return (f"<table><thead><tr><th>human</th><th>automatic</th>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _heat(matrix: dict[str, Any], labels: dict[str, str]) -> str:
    head = "".join(f'<th class="person"><bdi>{escape(c)} {escape(labels.get(c, ""))}</bdi></th>'
                   for c in matrix["columns"])
    body = []
    for name, counts in zip(matrix["rows"], matrix["characters"]):
        total = max(sum(counts), 1)
        cells = "".join(f'<td style="{shade(n, total)}" title="{n} characters">{n / total:.0%}</td>'
                        if n else "<td></td>" for n in counts)
        body.append(f"<tr><th><bdi>{escape(name)}</bdi></th>{cells}</tr>")
    return (f'<div class="scroll"><table id="heat"><thead><tr><th></th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _best(best: dict[str, list[dict[str, Any]]], labels: dict[str, str]) -> str:
    items = "".join(f"<li><bdi>{escape(name)}</bdi>: "
                    + (", ".join(f"{escape(b['auto'])} <bdi>{escape(labels.get(b['auto'], ''))}</bdi> "
                                 f"(F1 {b['f1']:.2f})" for b in matches) or "no code")
                    + "</li>" for name, matches in best.items())
    return f"<ul>{items}</ul>"


def _labels(found: dict[str, Any] | None) -> str:
    if not found or not found.get("matched"):
        return ""
    rows = "".join(f"<tr><td>{escape(c['auto'])}</td><td><bdi>{escape(c['label'])}</bdi></td>"
                   f"<td><bdi>{escape(c['human'])}</bdi></td><td>{c['rank']}</td></tr>"
                   for c in found["codes"])
    return (f"<h3>Label agreement</h3><p>Each code matched to the human {escape(found['level'])} sharing "
            f"most of its characters; the human names ranked by how like the code's label each is. hit@1 "
            f"<strong>{found['hit1']:.2f}</strong>, hit@3 <strong>{found['hit3']:.2f}</strong> "
            f"({found['matched']} codes).</p><table><thead><tr><th>code</th><th>label</th><th>human</th>"
            f"<th>rank</th></tr></thead><tbody>{rows}</tbody></table>")


def section(comparison: dict[str, Any] | None, labels: dict[str, str]) -> str:
    """The comparison section of report.html ("" without a comparison)."""
    if not comparison:
        return ""
    level, auto = escape(comparison["level"]), escape(comparison["auto_level"])
    return (f'<section id="comparison"><h2>Compared with human coding</h2><p class="muted">The candidate '
            f"codes of the analysis (before review) against <bdi>{escape(str(comparison['coding']))}</bdi>, "
            f"character by character (<code>comparison.md</code> explains each number).</p>"
            f"{_scores(comparison['scores'])}<h3>Heat map: human {level} × automatic {auto}</h3>"
            f'<p class="muted">Share of each human label\'s characters under each automatic label.</p>'
            f"{_heat(comparison['matrix'], labels)}<h3>Per human {level}, its best codes</h3>"
            f"{_best(comparison['best'], labels)}{_labels(comparison.get('label_agreement'))}</section>")
