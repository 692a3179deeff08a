"""comparison.md and the confusion heatmap: a comparison a researcher can read (pure rendering)."""

from __future__ import annotations

import io
from typing import Any

HOW_TO_READ = """\
How to read this: every character a participant spoke has a human label (the {level} of the
coded quote covering it, or *not coded*) and an automatic one (the candidate {auto} of the
meaning unit covering it, or *unassigned*). **NMI/ARI** (0–1; 1 = the same grouping) compare the
two over the characters humans coded. **Coverage** is the share of coded talk mazmun assigned to
some code; **filler rejection** the share of uncoded talk (greetings, consent, small talk) it
left unassigned. Each automatic {auto} is mapped to the human label it overlaps most; a human
label is **recalled** when its mapped characters reach F1 ≥ {f1}. **κ** is Cohen's kappa after
that mapping, over all participant talk (not coded / unassigned included)."""

METRICS = ("nmi", "ari", "coverage", "filler_rejection", "recall", "kappa")


def _quote(text: str) -> str:
    return " ".join(text.split())


def _scores_table(scores: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    lines = ["| human level | automatic level | NMI | ARI | coverage | filler rejection | recall | κ |",
             "|---|---|---|---|---|---|---|---|"]
    for level, by_auto in scores.items():
        for auto, s in by_auto.items():
            lines.append(f"| {level} | {auto} | " + " | ".join(f"{s[m]:.2f}" for m in METRICS) + " |")
    return lines


def _label_block(item: dict[str, Any], names: dict[str, str]) -> list[str]:
    mark = "recalled" if item["recalled"] else "not recalled"
    mapped = ", ".join(f"{a} ({names.get(a, a)})" for a in item["mapped_auto"]) or "none"
    lines = [f"### {item['label']}",
             f"{item['characters']} coded characters; {item['unassigned']:.0%} left unassigned. "
             f"Automatic labels mapped here: {mapped}. Precision {item['precision']:.2f}, recall "
             f"{item['recall']:.2f}, F1 {item['f1']:.2f} — **{mark}**.", ""]
    if item["best_matches"]:
        lines += ["| best-matching | label | precision | recall | F1 |", "|---|---|---|---|---|"]
        lines += [f"| {b['auto']} | {names.get(b['auto'], '')} | {b['precision']:.2f} | {b['recall']:.2f} "
                  f"| {b['f1']:.2f} |" for b in item["best_matches"]]
        lines.append("")
    ex = item["examples"]
    for key, title in (("agree", "Agreement"), ("disagree", "Disagreement (human quote, automatic label)"),
                       ("auto_only", "Assigned here by mazmun, not coded by humans")):
        if not ex[key]:
            continue
        lines += [f"**{title}** ({ex['n_' + key]}):", ""]
        for e in ex[key]:
            got = e["auto"] or "unassigned"
            if e.get("auto_maps_to"):
                got += f", which maps to {e['auto_maps_to']}"
            lines += [f"> {_quote(e['quote'])}", f"> — `{e['file']}` [{e['start']}:{e['end']}] → {got}", ""]
    return lines


def _project_lines(result: dict[str, Any]) -> list[str]:
    """How a REFI-QDA project's positions were read, and the sources that could not be."""
    lines = []
    if result.get("positions"):
        lines += ["## Reading the project", "", "Each source's selection positions were counted in "
                  "(REFI-QDA says characters; NVivo counts UTF-16 code units, an emoji as two):", ""]
        lines += [f"- `{name}`: {how}" for name, how in result["positions"].items()] + [""]
    if result.get("unread_sources"):
        lines += ["Sources not read (their codings are left out):", ""]
        lines += [f"- `{name}`: {why}" for name, why in result["unread_sources"].items()] + [""]
    return lines + (["Every quote as read, with where it was found: `human_coding.csv`.", ""]
                    if "positions" in result else [])


def _label_lines(found: dict[str, Any] | None) -> list[str]:
    """Label agreement: how each matched code's label ranks its human code's name."""
    if not found or not found["matched"]:
        return []
    lines = ["## Label agreement", "",
             f"Each candidate code is matched to the human {found['level']} sharing most of its coded "
             f"characters; the human names are ranked by how like the candidate's label each is. "
             f"Matched codes: {found['matched']}; the human name ranks first for {found['hit1']:.0%} "
             f"(hit@1) and in the first three for {found['hit3']:.0%} (hit@3).", "",
             "| code | label | human | rank |", "|---|---|---|---|"]
    lines += [f"| {c['auto']} | {c['label']} | {c['human']} | {c['rank']} |" for c in found["codes"]]
    return lines + [""]


def render_markdown(result: dict[str, Any], run_name: str, coding_name: str, names: dict[str, str]) -> str:
    """comparison.md; ``names`` maps automatic ids (C01, T1) to their suggested labels."""
    q = result["quotes"]
    chars = result["characters"]
    lines = [f"# Comparison: {run_name} vs {coding_name}", "",
             f"Human coding: {q['total']} quotes, {q['located']} located ({q['exact']} exactly, "
             f"{q['normalized']} after normalization, {q['offsets']} by offsets). Participant talk: "
             f"{chars['participant']} characters, {chars['coded']} coded by humans, {chars['assigned']} "
             "assigned by mazmun.", "",
             HOW_TO_READ.format(level=result["level"], auto=result["auto_level"], f1=result["recall_f1"]), "",
             "## Scores", ""] + _scores_table(result["scores"]) + [""]
    lines += _project_lines(result) + _label_lines(result.get("label_agreement"))
    if q["not_found"]:
        lines += ["## Quotes not found in the transcripts", "",
                  "These rows are left out of every score; check the file name and the quote text.", ""]
        lines += [f"- row {m['row']} `{m['file']}` {m['quote_id']}: {_quote(m['quote'])[:200]}"
                  for m in q["not_found"]] + [""]
    lines += [f"## Per human {result['level']}", "",
              "The confusion heatmap is `comparison.png` (rows: human labels; columns: automatic ones).", ""]
    for item in result["labels"]:
        lines += _label_block(item, names)
    return "\n".join(lines).rstrip() + "\n"


def render_heatmap(matrix: dict[str, Any], title: str) -> bytes:
    """PNG: share of each human label's characters (row) under each automatic label (column)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    counts = np.asarray(matrix["characters"], dtype=float)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    rows = [r if len(r) <= 48 else r[:47] + "…" for r in matrix["rows"]]
    width = min(4 + 0.45 * len(matrix["columns"]), 30)
    fig, ax = plt.subplots(figsize=(width, 1.5 + 0.45 * len(rows)))
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(matrix["columns"])), matrix["columns"], rotation=90, fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    for (i, j), value in np.ndenumerate(share):
        if value >= 0.05:
            ax.text(j, i, f"{value * 100:.0f}", ha="center", va="center", fontsize=6,
                    color="white" if value > 0.5 else "black")
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.03, label="share of the row's characters")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
