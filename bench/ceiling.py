"""make bench-ceiling: what the coders' own labels could teach in mazmun's space.

For every set of the benchmark, a classifier (logistic regression) is trained on the human
coding of all files but one and labels the held-out file's units (each unit taught by the human
label covering most of its coded characters; leave one file out). Its agreement with the human
coding, scored like `make bench-quality` (AMI over coded characters, at the theme and the code
level), is what a model *trained on the coders' labels* reaches with the same units and the same
vectors. Where coded passages are plentiful (serdif: 2,451 in 17 files) it bounds what codes found
without any coding can be expected to reach: a target above it asks more of the representation
(the embedding model, the units) than of the clustering. Where they are few (the published
studies: 33–46 quotes, most codes from one or two participants) the classifier is starved of
examples, and mazmun's codes beat it.

It also asks how far labels taken from the quotes' own words can name the coders' codes (issue
19's label hit@k). The units are grouped by the human code covering most of their coded
characters, as if mazmun had found exactly the coders' codes, and each group is named two ways:
by mazmun's own labeller (keywords and keyphrases of its units, `pipeline/stages/labels.py`), and
by the centroid of its units' vectors (all they say, no words chosen). The human code names are
ranked by likeness to each, as `make bench-quality` ranks them for mazmun's codes.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from quality import ROOT, bench_parser, bench_setup, finish, load_set

sys.path.insert(0, str(ROOT))
from pipeline.evaluate.compare import AutoSpan, compare  # noqa: E402
from pipeline.evaluate.labels import bare, label_agreement  # noqa: E402
from pipeline.flow import Clock, models_for, run_stages  # noqa: E402
from pipeline.stages import labels as lab  # noqa: E402
from pipeline.text.coding import locate_all  # noqa: E402
from pipeline.vectors import unit_rows  # noqa: E402

LEVELS = ("theme", "code")


def unit_labels(spans: list[tuple[str, int, int]], located: list, level: str) -> list[str]:
    """The human label covering most of each unit's coded characters ("" when none does)."""
    by_file: dict[str, list] = {}
    for q in located:
        by_file.setdefault(q.quote.file, []).append(q)
    out = []
    for file, start, end in spans:
        overlap: dict[str, int] = {}
        for q in by_file.get(file, []):
            shared = min(end, q.end) - max(start, q.start)
            if shared > 0:
                overlap[q.quote.labels[level]] = overlap.get(q.quote.labels[level], 0) + shared
        out.append(max(overlap, key=overlap.__getitem__) if overlap else "")
    return out


def held_out(space: np.ndarray, files: list[str], labels: list[str]) -> list[str]:
    """Each unit's label predicted by a classifier trained on the other files' coded units."""
    import warnings

    from sklearn.linear_model import LogisticRegression

    warnings.filterwarnings("ignore", message="The number of unique classes")  # few quotes per code
    files_, labels_ = np.array(files), np.array(labels)
    out = np.array([""] * len(files), dtype=object)
    for file in sorted(set(files)):
        train = (files_ != file) & (labels_ != "")
        if len(set(labels_[train])) < 2:
            continue
        model = LogisticRegression(max_iter=3000).fit(space[train], labels_[train])
        out[files_ == file] = model.predict(space[files_ == file])
    return list(out)


def name_hits(units: list, labels: list[str], names: list[str], encode) -> dict[str, float]:
    """hit@3 of the human code names ranked by likeness to each code's label, when mazmun's
    labeller names the units grouped by their human code, and to the centroid of those units."""
    codes = sorted({label for label in labels if label})
    groups = [[u for u, label in zip(units, labels) if label == code] for code in codes]
    words = lab.keywords([[u.tokens for u in g] for g in groups], lab.LabelConfig())
    pairs = [{"auto": code, "label": "", "human": code} for code in codes]
    named = encode([lab.suggest_label(w, p, lab.LabelConfig()) for w, p in words] + [bare(n) for n in names])
    vectors = encode([u.norm for u in units])
    held = np.array(labels)
    centroids = unit_rows(np.array([vectors[held == code].mean(axis=0) for code in codes]))
    return {"labels_hit3": label_agreement(pairs, names, named[:len(codes)], named[len(codes):])["hit3"],
            "centroid_hit3": label_agreement(pairs, names, centroids, named[len(codes):])["hit3"]}


def ceiling(folder: Path, cfg, cache) -> dict[str, float]:
    sources, documents, quotes = load_set(folder, cfg)
    models = models_for(cfg, cache)
    done = run_stages(sources, cfg, models, Clock(), log=False)
    units = done.segmentation.segments
    located, _ = locate_all(quotes, {d.name: d.text for d in documents})
    spans = [(u.file, u.start, u.end) for u in units]
    out = {}
    for level in LEVELS:
        predicted = held_out(done.space, [u.file for u in units], unit_labels(spans, located, level))
        auto = [AutoSpan(u.segment_id, u.file, u.start, u.end, p, p) for u, p in zip(units, predicted)]
        out[level] = round(compare(documents, auto, quotes, cfg.compare)["scores"][level]["code"]["ami"], 3)
    names = sorted({q.labels["code"] for q in quotes if q.labels["code"]})
    return {**out, **name_hits(list(units), unit_labels(spans, located, "code"), names,
                               lambda texts: models.encode(texts)[0])}


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--only", nargs="*", default=[], help="sets like serdif/en")
    args = parser.parse_args()
    cfg, cache = bench_setup(args)
    results = {}
    lines = ["| study | lang | classifier: theme AMI | classifier: code AMI "
             "| coders' codes named by mazmun's labeller: hit@3 | by their centroid: hit@3 |",
             "|---|---|---|---|---|---|"]
    for folder in sorted(args.benchmark.glob("*/*/coding.csv")):
        key = "/".join(folder.parent.parts[-2:])
        if args.only and key not in args.only:
            continue
        print(f"bench: {key} …", file=sys.stderr, flush=True)
        results[key] = ceiling(folder.parent, replace(cfg, seed=args.seeds[0]), cache)
        found = results[key]
        lines.append(f"| {key.replace('/', ' | ')} | {found['theme']:.2f} | {found['code']:.2f} "
                     f"| {found['labels_hit3']:.2f} | {found['centroid_hit3']:.2f} |")
    finish(args, "ceiling", "\n".join(lines), [], {"results": results})


if __name__ == "__main__":
    main()
