"""make bench-assist: assisted coding. A simulated coder has coded the first files of a set (sorted
by name; 10%, 25% and 50% of them, at least one); the rest are suggested and scored against the
human coding of those held-out files only.

Scores, in characters of participant speech as the benchmark README defines them, at the theme
and the code level, with the coders' own labels (no mapping):
- Cohen's κ, uncoded talk counting as one more label;
- macro-F1 over the labels present in the held-out coding (``macro_f1``), and over those of them
  the coders used in the files they coded (``macro_f1_seen``: a label first used in a held-out
  file cannot be suggested, and in the published studies most codes are used once or twice);
- coverage (coded characters given some label) and filler rejection (uncoded ones left without);
- AMI over the coded characters, which compares any labels (open coding's too).

Systems side by side:
- ``mazmun``: the analyze stages up to the clustering space on every file, then
  ``stages.suggest``: the coders' units (each labelled with the coded span most of it lies in,
  else uncoded) teach whether a unit is codable, and which of their themes and codes it takes;
- ``codebook``: the same stage taught by the codebook alone: every code of the coding, described
  only by its name, and no file coded (each code learns from the unit most like its name);
- ``open``: open coding, today's ``analyze`` without coding (its candidate codes and themes;
  only AMI compares them with the coders' labels);
- ``knn``: a plain 7-nearest-neighbour vote over e5 embeddings of participant sentences, each
  coded-file sentence labelled with the coded span it lies in, else uncoded;
- ``bertopic``: BERTopic's semi-supervised mode as a user would run it (``fit`` with the coded
  sentences' labels, -1 for the rest), each topic named by the coded sentences it holds.
Writes bench/results/assist.json and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import ROOT, bench_setup, bertopic_inputs, load_set  # noqa: E402

from pipeline.evaluate.compare import paint as painted  # noqa: E402
from pipeline.evaluate.compare import positions  # noqa: E402
from pipeline.evaluate.scoring import AMI_STEP, NONE, kappa  # noqa: E402
from pipeline.flow import STAGES, models_for, run_stage  # noqa: E402
from pipeline.stages.suggest import Coding, Suggested, code_and_theme, suggest_codes  # noqa: E402
from pipeline.text.coding import Located, locate_all  # noqa: E402
from pipeline.types import Corpus, Document  # noqa: E402

LEVELS = ("theme", "code")
SHARES = (0.10, 0.25, 0.50)
K = 7


@dataclass(frozen=True)
class Split:
    """The files the simulated coder coded, and the rest (suggested, then scored)."""

    coded: tuple[str, ...]
    held_out: tuple[str, ...]

    @classmethod
    def first(cls, names: list[str], share: float) -> Split:
        names = sorted(names)
        n = min(max(1, round(share * len(names))), len(names) - 1)
        return cls(tuple(names[:n]), tuple(names[n:]))


def paint(documents: list[Document], spans: list[tuple[str, int, int, str]],
          names: list[str]) -> np.ndarray:
    """Label ids (index in ``names``; NONE for uncoded) of the documents' participant characters."""
    at = positions(documents)
    return painted(at, [s for s in spans if s[0] in at.index], names)[0]


def scores(gold: np.ndarray, pred: np.ndarray, seen: set[int]) -> dict[str, float]:
    """κ, macro-F1 (all held-out labels; those in ``seen``), coverage, filler rejection, and AMI
    over the coded characters (no label is one more label; labels need not be the coders'). Also
    the highest macro-F1 any suggester can reach: a label not in ``seen`` (first used in a held-out
    file) cannot be suggested, so its F1 is 0 whatever the system."""
    from sklearn.metrics import adjusted_mutual_info_score

    coded = gold >= 0
    ami = adjusted_mutual_info_score(gold[coded][::AMI_STEP], pred[coded][::AMI_STEP]) if coded.any() else 0.0
    f1 = {}
    for g in np.unique(gold[coded]).tolist():
        hit = float(((gold == g) & (pred == g)).sum())
        p, r = hit / max((pred == g).sum(), 1), hit / (gold == g).sum()
        f1[g] = 2 * p * r / (p + r) if p + r else 0.0
    used = [v for g, v in f1.items() if g in seen]
    return {"kappa": round(kappa(gold, pred), 4), "macro_f1": round(float(np.mean(list(f1.values()))), 4)
            if f1 else 0.0, "macro_f1_seen": round(float(np.mean(used)), 4) if used else 0.0,
            "macro_f1_ceiling": round(len(used) / len(f1), 4) if f1 else 0.0,
            "coverage": round(float((pred[coded] >= 0).mean()) if coded.any() else 0.0, 4),
            "filler_rejection": round(float((pred[~coded] < 0).mean()) if (~coded).any() else 1.0, 4),
            "ami": round(float(ami), 4)}


def score_split(documents: list[Document], located: list[Located], suggested: dict[str, list],
                split: Split) -> dict[str, dict[str, float]]:
    """Each level's scores over the held-out files: ``suggested[level]`` holds (file, start, end,
    label) spans."""
    held = [d for d in documents if d.name in split.held_out]
    out = {}
    for level in LEVELS:
        gold_spans = [(q.quote.file, q.start, q.end, q.quote.labels[level]) for q in located
                      if q.quote.file in split.held_out]
        names = sorted({s[3] for s in gold_spans + suggested[level] if s[3]})
        seen = {names.index(q.quote.labels[level]) for q in located if q.quote.file in split.coded
                and q.quote.labels[level] in names}
        out[level] = scores(paint(held, gold_spans, names), paint(held, suggested[level], names), seen)
    return out


def sentence_labels(sentences: list, documents: list[Document], located: list[Located],
                    level: str) -> list[str]:
    """Each sentence's label: the coded span most of its characters lie in, else "" (uncoded)."""
    names = sorted({q.quote.labels[level] for q in located if q.quote.labels[level]})
    chars = paint(documents, [(q.quote.file, q.start, q.end, q.quote.labels[level]) for q in located], names)
    at = positions(documents)
    out = []
    for file, s in sentences:
        ids = chars[at.rows(file, s.start, s.end)]
        top = Counter(ids.tolist()).most_common(1)
        out.append(names[top[0][0]] if top and top[0][0] != NONE else "")
    return out


def knn(inputs: tuple, documents: list[Document], located: list[Located], split: Split,
        seed: int) -> dict[str, list]:
    """Baseline (a): each held-out sentence takes the majority label of its 7 nearest coded-file
    sentences (cosine over e5)."""
    sentences, _, vectors, _ = inputs
    train = np.array([f in split.coded for f, _ in sentences])
    test = np.array([f in split.held_out for f, _ in sentences])
    sims = vectors[test] @ vectors[train].T
    nearest = np.argsort(-sims, axis=1)[:, :K]
    out = {}
    for level in LEVELS:
        labels = np.array(sentence_labels(sentences, documents, located, level), dtype=object)[train]
        votes = [Counter(labels[row].tolist()).most_common(1)[0][0] for row in nearest]
        held = [pair for pair, t in zip(sentences, test) if t]
        out[level] = [(f, s.start, s.end, v) for (f, s), v in zip(held, votes)]
    return out


def bertopic_semi(inputs: tuple, documents: list[Document], located: list[Located], split: Split,
                  seed: int) -> dict[str, list]:
    """Baseline (b): BERTopic fitted with the coded sentences' labels (``y``; -1 elsewhere);
    each topic is named by the majority label of the coded sentences in it (none: uncoded)."""
    from bertopic import BERTopic
    from umap import UMAP

    sentences, docs, vectors, _ = inputs
    train = [f in split.coded for f, _ in sentences]
    out = {}
    for level in LEVELS:
        labels = sentence_labels(sentences, documents, located, level)
        names = sorted({lab for lab, t in zip(labels, train) if t and lab})
        y = [names.index(lab) if t and lab else -1 for lab, t in zip(labels, train)]
        umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
        model = BERTopic(umap_model=umap_model, min_topic_size=5)
        topics, _ = model.fit_transform(docs, embeddings=vectors, y=y)
        named: dict[int, Counter] = {}
        for topic, lab, t in zip(topics, labels, train):
            if t:
                named.setdefault(topic, Counter())[lab] += 1
        topic_label = {t: c.most_common(1)[0][0] for t, c in named.items() if t >= 0}
        out[level] = [(f, s.start, s.end, topic_label.get(topic, ""))
                      for (f, s), topic in zip(sentences, topics) if f in split.held_out]
    return out


def suggested(state: dict, located: list[Located], split: Split) -> Suggested:
    """The suggest stage, as ``analyze --coding`` runs it, taught the coding of the coded files."""
    coding = Coding("bench", tuple(q.quote for q in located if q.quote.file in split.coded))
    return suggest_codes(state["corpus"], state["turns"], state["units"], state["space"], state["vectors"],
                         coding, state["cfg"].suggest, state["encode"])


def mazmun(inputs: tuple, documents: list[Document], located: list[Located], split: Split,
           seed: int) -> dict[str, list]:
    """mazmun's suggestions over its own meaning units and space."""
    state = inputs[3]
    return _held_out(state["units"], suggested(state, located, split), split)


def codebook(inputs: tuple, documents: list[Document], located: list[Located], split: Split,
             seed: int) -> dict[str, list]:
    """mazmun taught by the codebook alone (every code of the coding, described by its name;
    no file coded): each code learns from the unit most like its name."""
    state = inputs[3]
    named: dict[str, str] = {}
    for q in located:
        code, theme = code_and_theme(q.quote.labels)
        named.setdefault(code, theme)
    examples = tuple((code, theme, _name(code)) for code, theme in named.items())
    found = suggest_codes(state["corpus"], state["turns"], state["units"], state["space"], state["vectors"],
                          Coding("bench", (), examples=examples), state["cfg"].suggest, state["encode"])
    return _held_out(state["units"], found, split)


def _held_out(units, found: Suggested, split: Split) -> dict[str, list]:
    """Each level's (file, start, end, label) of the held-out units: the part of the unit the
    suggestion covers."""
    pairs = [(u, s, s.part(u.start, u.end)) for u, s in zip(units, found.suggestions)
             if u.file in split.held_out]
    return {level: [(u.file, *span, _label(s, level)) for u, s, span in pairs] for level in LEVELS}


def _name(label: str) -> str:
    """A code's name without the id a coding table puts before it ("1-A-1 Broken nights")."""
    head, _, rest = label.partition(" ")
    return rest if rest and any(ch.isdigit() for ch in head) else label


def _label(s, level: str) -> str:
    return s.theme if level == "theme" else s.code


def unit_labels(units, documents: list[Document], located: list[Located], level: str) -> list[str]:
    """Each unit's label: the coded span most of its characters lie in, else "" (uncoded)."""
    return sentence_labels([(u.file, u) for u in units], documents, located, level)


def analysis(sources, cfg, cache) -> dict:
    """Every analyze stage without coding: the clustering space suggestions are made in, and
    the open coding of today's ``analyze``."""
    models = models_for(cfg, cache)
    state = {"sources": sources, "coding": None, "cfg": cfg, "encode": models.encode}
    for stage in STAGES:
        run_stage(stage, state, cfg, models)
    return state


def open_coding(inputs: tuple, documents: list[Document], located: list[Located], split: Split,
                seed: int) -> dict[str, list]:
    """Open coding as ``analyze`` does it without coding: the candidate codes and themes (their
    ids, not the coders' labels: only AMI compares with them)."""
    state = inputs[3]
    pairs = [(u, a) for u, a in zip(state["units"], state["codebook"].assignments)
             if u.file in split.held_out]
    return {level: [(u.file, u.start, u.end, a.theme_id if level == "theme" else a.code_id) for u, a in pairs]
            for level in LEVELS}


SYSTEMS = {"mazmun": mazmun, "codebook": codebook, "knn": knn, "bertopic": bertopic_semi, "open": open_coding}
RANDOM = {"bertopic"}


def score_set(folder: Path, cfg, seeds: list[int], systems: list[str], cache,
              shares: tuple[float, ...] = SHARES) -> dict:
    sources, documents, quotes = load_set(folder, cfg)
    located, _ = locate_all(quotes, {d.name: d.text for d in documents})
    inputs = (*bertopic_inputs(Corpus(tuple(documents)), cfg, cache),
              analysis(sources, cfg, cache) if {"mazmun", "codebook", "open"} & set(systems) else None)
    results: dict = {}
    if "mazmun" in systems:  # the time suggestions take once the embeddings exist (25% coded)
        started = time.perf_counter()
        suggested(inputs[3], located, Split.first([d.name for d in documents], 0.25))
        results["suggest"] = {"units": len(inputs[3]["units"]),
                              "seconds": round(time.perf_counter() - started, 3)}
    for share in shares:
        split = Split.first([d.name for d in documents], share)
        for system in systems:
            runs = []
            for seed in seeds if system in RANDOM else seeds[:1]:
                spans = SYSTEMS[system](inputs, documents, located, split, seed)
                runs.append(score_split(documents, located, spans, split))
            results.setdefault(f"{share:.2f}", {})[system] = {
                level: {k: round(float(np.mean([r[level][k] for r in runs])), 4) for k in runs[0][level]}
                for level in LEVELS}
    return results


def table(results: dict, share: str = "0.25") -> str:
    head = ("| set | system | theme κ | theme F1 | theme AMI | code κ | code F1 | code F1 (used) "
            "| code F1 ceiling | code AMI | coverage | filler rejection |")
    lines = [head, "|" + "---|" * 12]
    for key, by_share in results.items():
        for system, r in by_share.get(share, {}).items():
            t, c = r["theme"], r["code"]
            if system == "open":  # its labels are not the coders': only AMI, coverage, rejection
                lines.append(f"| {key} | open | – | – | {t['ami']:.2f} | – | – | – | – | {c['ami']:.2f} | "
                             f"{t['coverage']:.2f} | {t['filler_rejection']:.2f} |")
                continue
            lines.append(f"| {key} | {system} | {t['kappa']:.2f} | {t['macro_f1']:.2f} | {t['ami']:.2f} | "
                         f"{c['kappa']:.2f} | {c['macro_f1']:.2f} | {c['macro_f1_seen']:.2f} | "
                         f"{c['macro_f1_ceiling']:.2f} | {c['ami']:.2f} | {t['coverage']:.2f} | "
                         f"{t['filler_rejection']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=ROOT.parent / "shared" / "benchmark")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--systems", default="mazmun,codebook,knn,bertopic,open")
    parser.add_argument("--shares", default=",".join(map(str, SHARES)), help="shares of files coded")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "assist.json")
    parser.add_argument("--sets", default="", help="study/lang,… e.g. gp_iran/en (default: all)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = parser.parse_args()
    cfg, cache = bench_setup(args)
    shares = tuple(float(x) for x in args.shares.split(","))
    wanted = set(filter(None, args.sets.split(",")))
    results = {}
    for folder in sorted(args.benchmark.glob("*/*/coding.csv")):
        key = f"{folder.parent.parent.name}/{folder.parent.name}"
        if wanted and key not in wanted:
            continue
        results[key] = score_set(folder.parent, cfg, args.seeds, args.systems.split(","), cache, shares)
        print("\n".join(table({key: results[key]}).splitlines()[2:]), flush=True)
        if "suggest" in results[key]:
            print(f"suggestions: {results[key]['suggest']['units']} units in "
                  f"{results[key]['suggest']['seconds']:.2f} s", flush=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    for share in (f"{s:.2f}" for s in shares):
        print(f"\n{share} of the files coded\n" + table(results, share))


if __name__ == "__main__":
    main()
