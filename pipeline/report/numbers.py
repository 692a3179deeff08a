"""The numbers behind the report's pictures (``report.json``): pure functions of the run's units,
as ``segments.csv`` holds them (a row per unit: file, speaker, code_id …), so that a run read back
from disk after the coders' decisions gives the same numbers as the run that wrote it.

- **matrix**: how many units of each code each participant contributed (the "how many
  participants mention it" that papers report). A participant is a speaker of a file.
- **saturation**: the codes as interviews are added in order (by the date their names carry,
  else by name): new codes per interview, the cumulative count, and where it flattens. The codes
  are those of the full run, not of runs on growing subsets: cheap, and honest as long as the
  page says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.config import check
from pipeline.report.assisted import summary
from pipeline.report.rows import Row, participant
from pipeline.text.farsi import ASCII_DIGITS

# A date in a file name, year first: 2021-03-04, 2021_03_04, 20210304, or Iran's calendar in
# Persian digits (۱۴۰۲-۰۵-۱۲).
DATE = re.compile(r"(?<!\d)((?:13|14|19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
DIGITS = str.maketrans(ASCII_DIGITS)


@dataclass(frozen=True)
class ReportConfig:
    map: bool = True  # a 2-D map of the units (UMAP of the clustering space)
    map_epochs: int = 200  # UMAP's optimisation epochs for the map (its own choice for large data)
    saturation_base: int = 4  # saturation is judged after this many interviews …
    saturation_run: int = 2  # … at the first run of this many consecutive interviews …
    saturation_share: float = 0.05  # … that brings at most this share of new codes (Guest et al. 2020)
    stability_runs: int = 5  # clusterings with other seeds each code is looked for in (0: none)

    def __post_init__(self) -> None:
        check(10 <= self.map_epochs <= 2000, "report.map_epochs", "must be 10–2000")
        check(self.saturation_base >= 1, "report.saturation_base", "must be ≥ 1")
        check(self.saturation_run >= 1, "report.saturation_run", "must be ≥ 1")
        check(0.0 <= self.saturation_share < 1.0, "report.saturation_share", "must be in [0, 1)")
        check(0 <= self.stability_runs <= 100, "report.stability_runs", "must be in [0, 100]")


def matrix(rows: Iterable[Row]) -> dict[str, dict[str, int]]:
    """``{code id: {participant: units}}`` over the assigned units; each row sums to the code's size."""
    out: dict[str, Counter[str]] = {}
    for row in rows:
        if row["code_id"]:
            out.setdefault(str(row["code_id"]), Counter())[participant(row)] += 1
    return {code: dict(sorted(counts.items())) for code, counts in sorted(out.items())}


def file_order(files: Iterable[str]) -> tuple[list[str], str]:
    """The interviews in the order they were held: by the date every name carries, else by name
    ("date" or "name" says which)."""
    names = sorted(set(files))
    dates = {n: DATE.search(n.translate(DIGITS)) for n in names}
    if names and all(dates.values()):
        return sorted(names, key=lambda n: (dates[n].groups(), n)), "date"  # type: ignore[union-attr]
    return names, "name"


def saturation(rows: Iterable[Row], files: Iterable[str], cfg: ReportConfig) -> dict[str, Any]:
    """Codes as the ``files`` (all analyzed, with or without units) are added in order: per file,
    its new codes and the cumulative count; ``saturated_at``: the last file of the first run of
    ``saturation_run`` files, after the first ``saturation_base``, whose new codes are at most
    ``saturation_share`` of the codes found before it (None: not reached)."""
    order, how = file_order(files)
    codes_of: dict[str, set[str]] = {f: set() for f in order}
    for row in rows:
        if row["code_id"] and row["file"] in codes_of:
            codes_of[row["file"]].add(str(row["code_id"]))
    seen: set[str] = set()
    per_file = []
    for name in order:
        new = codes_of[name] - seen
        seen |= new
        per_file.append({"file": name, "new": len(new), "cumulative": len(seen)})
    return {"order": how, "files": per_file, "saturated_at": _flattens(per_file, cfg),
            "rule": {"base": cfg.saturation_base, "run": cfg.saturation_run, "share": cfg.saturation_share}}


def _flattens(per_file: list[dict[str, Any]], cfg: ReportConfig) -> str | None:
    for end in range(cfg.saturation_base + cfg.saturation_run, len(per_file) + 1):
        start = end - cfg.saturation_run
        before = per_file[start - 1]["cumulative"]
        new = sum(f["new"] for f in per_file[start:end])
        if before and new <= cfg.saturation_share * before:
            return str(per_file[end - 1]["file"])
    return None


# The settings a reader of the report needs to judge it (section, key).
SETTINGS = (("embed", "model"), ("segment", "min_words"), ("segment", "max_words"),
            ("relevance", "enabled"), ("lexical", "weight"), ("cluster", "min_cluster_size"),
            ("cluster", "selection"), ("cluster", "runs"), ("hierarchy", "n_themes"))


def overview(manifest: Mapping[str, Any], rows: Sequence[Row], dropped: Iterable[Row]) -> dict[str, Any]:
    """What the run read and made, the kind of study it assumed, who it took for the
    interviewer, the talk set aside (by reason), and the settings that matter."""
    counts = manifest.get("counts", {})
    config = manifest.get("config", {})
    return {
        "files": counts.get("files", 0), "skipped": counts.get("skipped", 0),
        "participants": len({participant(r) for r in rows}), "units": len(rows),
        "codes": counts.get("codes", 0), "themes": counts.get("themes", 0),
        "unassigned": sum(1 for r in rows if not r["code_id"]),
        "study": manifest.get("study", {}),
        "interviewers": {f: i.get("speakers", []) for f, i in manifest.get("interviewers", {}).items()},
        "set_aside": dict(Counter(str(d["reason"]) for d in dropped).most_common()),
        "settings": {f"{section}.{key}": config.get(section, {}).get(key) for section, key in SETTINGS},
        "seed": manifest.get("seed"), "model": manifest.get("model", ""),
    }


def places_of(found: Any) -> dict[str, tuple[float, float]]:
    """The map's places read back from report.json: each unit's pair of finite numbers in [0, 1];
    anything else (a hand-edited file) is left out, and the unit drawn at the corner."""
    if not isinstance(found, dict):
        return {}
    def fits(c: Any) -> bool:
        return isinstance(c, int | float) and not isinstance(c, bool) and 0.0 <= c <= 1.0

    return {str(k): (float(v[0]), float(v[1])) for k, v in found.items()
            if isinstance(v, list) and len(v) == 2 and all(map(fits, v))}


def numbers(manifest: Mapping[str, Any], rows: Sequence[Row], dropped: Iterable[Row],
            places: Mapping[str, tuple[float, float]], stability: dict[str, Any],
            cfg: ReportConfig, comparison: dict[str, Any] | None = None) -> dict[str, Any]:
    """report.json: the numbers behind each picture of report.html (``places``: each unit's on
    the map, by segment id; ``stability``: each code's, from the stability stage; ``comparison``:
    with human coding, where the run has one; ``assisted``: the coders' codes applied, where the
    run was analyzed with their coding)."""
    out = {"overview": overview(manifest, rows, dropped), "matrix": matrix(rows),
           "saturation": saturation(rows, manifest.get("inputs", {}), cfg), "stability": stability,
           "map": {sid: list(xy) for sid, xy in places.items()}}
    applied = summary(rows)
    if applied:
        out["assisted"] = applied
    return {**out, "comparison": comparison} if comparison else out
