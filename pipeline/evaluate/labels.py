"""Label agreement: do the labels mazmun computes name what the coders named?

Each automatic code is matched to the human code sharing most of its coded characters (at the
finest level the coding has). The human code names are ranked by how like the automatic code's
label each is (cosine of their embeddings: a Farsi label can name an English code), and the rank
of the matched code's own name is kept. hit@k is the share of matched codes whose human name
ranks within the first k. mazmun's labels are computed from the quotes' own words, never
generated, so this measures how well the quotes' words name the theme.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from pipeline.vectors import unit_rows

# The id a coding table writes before a code's name: "1-A-1 Broken nights", "C3. Guilt", "2.1 Fear".
LEADING_ID = re.compile(r"^\s*(?:\d|[^\W\d_]{1,2}\d)[\w.\-]*[.:)]?\s+(?=\S)")


def bare(name: str) -> str:
    """A human code's name without the id the coding table puts before it."""
    return LEADING_ID.sub("", name, count=1)


def label_agreement(pairs: list[dict[str, str]], names: list[str], labels: np.ndarray,
                    human: np.ndarray) -> dict[str, Any]:
    """``pairs``: each matched automatic code (``auto``, its ``label``) and its ``human`` code;
    ``names``: every human code name; ``labels``, ``human``: the embeddings of the pairs' labels
    and of the bare names, row for row. The rank of each pair's human name, and hit@1, hit@3."""
    if not pairs:
        return {"matched": 0, "hit1": 0.0, "hit3": 0.0, "codes": []}
    sims = unit_rows(labels) @ unit_rows(human).T
    codes = []
    for row, pair in zip(sims, pairs):
        own = row[names.index(pair["human"])]
        codes.append({**pair, "rank": int((row > own).sum()) + 1})
    ranks = np.array([c["rank"] for c in codes])
    return {"matched": len(codes), "hit1": round(float((ranks <= 1).mean()), 4),
            "hit3": round(float((ranks <= 3).mean()), 4), "codes": codes}


def agreement(matched: dict[str, Any], labels: dict[str, str],
              encode: Callable[[list[str]], np.ndarray]) -> dict[str, Any]:
    """Label agreement of a comparison's ``matched`` codes (``compare``'s ``matched_codes``), the
    automatic codes named by ``labels`` (id → label), texts embedded by ``encode``."""
    pairs = [{"auto": p["auto"], "label": labels.get(p["auto"], p["auto"]), "human": p["human"]}
             for p in matched["pairs"]]
    names = matched["names"]
    if not pairs:
        return {"level": matched["level"], **label_agreement([], names, np.zeros((0, 1)), np.zeros((0, 1)))}
    x = encode([p["label"] for p in pairs] + [bare(n) for n in names])
    return {"level": matched["level"], **label_agreement(pairs, names, x[:len(pairs)], x[len(pairs):])}
