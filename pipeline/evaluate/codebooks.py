"""A human codebook (``.qdc``, from NVivo, ATLAS.ti, MAXQDA, QualCoder) as a starting point for
review, or as a target the candidate codes are compared with (pure functions).

As a starting point its codes become empty codes on the review page (``create_code`` decisions),
with the candidate codes that resemble each one suggested for merging. As a comparison target,
each human code is paired with its nearest candidate code by meaning (mutual nearest = matched).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.decisions import log as dec
from pipeline.review.view import fresh_id


@dataclass(frozen=True)
class HumanCode:
    theme: str  # the top-level code's name; "" for a code with no parent
    label: str  # the code's name, lower levels joined with " › "
    description: str

    def text(self) -> str:
        """What is embedded: the name, and the definition when there is one."""
        return f"{self.label}. {self.description}" if self.description else self.label


def human_codes(paths: dict[str, tuple[tuple[str, ...], str]]) -> list[HumanCode]:
    """The codebook's leaf codes (guid → (names from the top down, description), as
    ``refi.read_qdc`` gives them), in the codebook's order."""
    all_paths = {path for path, _ in paths.values()}
    parents = {path[:i] for path in all_paths for i in range(1, len(path))}
    out = []
    for path, description in paths.values():
        if path in parents or not path:
            continue
        theme, label = (path[0], " › ".join(path[1:])) if len(path) > 1 else ("", path[0])
        out.append(HumanCode(theme, label, description.strip()))
    return out


def seed_decisions(codes: list[HumanCode], state: dec.State, coder: str, source: str,
                   at: str) -> list[dict[str, Any]]:
    """``create_theme``/``create_code`` decisions that put the human codebook beside the candidate
    codes. A theme of the same name is reused; a code imported from ``source`` before is not
    imported again."""
    themes = {t.label: t.id for t in state.themes.values()}
    existing = {(c.theme, c.label) for c in state.codes.values() if c.origin == source}
    taken = set(state.themes) | set(state.codes)
    out: list[dict[str, Any]] = []

    def record(action: str, **fields: Any) -> None:
        out.append({"id": f"{source}:{len(out) + 1}", "at": at, "coder": coder, "action": action, **fields})

    for code in codes:
        theme_name = code.theme or f"Imported from {source}"
        if theme_name not in themes:
            themes[theme_name] = fresh_id("QT", taken)
            taken.add(themes[theme_name])
            record("create_theme", theme=themes[theme_name], label=theme_name)
        if (themes[theme_name], code.label) in existing:
            continue
        ident = fresh_id("Q", taken)
        taken.add(ident)
        existing.add((themes[theme_name], code.label))
        record("create_code", code=ident, label=code.label, theme=themes[theme_name],
               definition=code.description, origin=source)
    return out


def nearest(human_x: np.ndarray, auto_x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each human code: the nearest candidate code (index), the cosine, and whether that
    candidate's own nearest human code is this one (mutual nearest)."""
    sims = human_x @ auto_x.T
    best = sims.argmax(axis=1)
    mutual = sims.argmax(axis=0)[best] == np.arange(len(human_x))
    return best, sims[np.arange(len(human_x)), best], mutual


def compare_codebooks(codes: list[HumanCode], human_x: np.ndarray, auto: list[dec.Code],
                      auto_x: np.ndarray) -> dict[str, Any]:
    """Each human code beside its nearest candidate code; candidate codes no human code is nearest to."""
    if not codes or not auto:
        return {"rows": [], "matched": 0, "human_codes": len(codes), "candidate_codes": len(auto),
                "unclaimed": [c.id for c in auto]}
    best, sims, mutual = nearest(human_x, auto_x)
    rows = [{"theme": h.theme, "code": h.label, "candidate": auto[b].id, "candidate_label": auto[b].label,
             "similarity": round(float(s), 3), "mutual": bool(m)}
            for h, b, s, m in zip(codes, best, sims, mutual)]
    claimed = {auto[b].id for b in best}
    return {"rows": rows, "matched": int(mutual.sum()), "human_codes": len(codes),
            "candidate_codes": len(auto), "unclaimed": [c.id for c in auto if c.id not in claimed]}


def render_markdown(result: dict[str, Any], run: str, source: str) -> str:
    lines = [f"# {run}: candidate codes beside the codebook {source}", "",
             f"{result['matched']} of {result['human_codes']} human codes have a candidate code that is "
             f"their mutual nearest by meaning (of {result['candidate_codes']} candidate codes).", "",
             "| human theme | human code | nearest candidate | cosine | mutual |", "|---|---|---|---|---|"]
    for r in result["rows"]:
        cells = (r["theme"], r["code"], f"{r['candidate']} {r['candidate_label']}", f"{r['similarity']:.3f}",
                 "yes" if r["mutual"] else "")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if result["unclaimed"]:
        lines += ["", "Candidate codes no human code is nearest to (new themes, or talk the codebook "
                  f"leaves out): {', '.join(result['unclaimed'])}"]
    lines += ["", "Cosines of the e5 model are compressed (unrelated texts score about 0.8): read the "
              "ranking, not the value."]
    return "\n".join(lines) + "\n"
