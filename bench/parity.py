"""make bench-parity: Farsi as a first-class language, measured on every study of the benchmark.

1. Farsi vs English on the same study: human theme × automatic code NMI and theme recall.
2. Mixed corpus: ARI between automatic codes and language (by character of assigned talk: 0
   means codes ignore language), and theme NMI against the better single-language run.
3. Messy files: each Farsi file that is not clean (Arabic keyboard letters, space-typed half-
   spaces, stray diacritics or tatweel, Arabic-Indic digits, Windows-1256) is analyzed again as
   a clean version — its coded quotes typed as the study published them, the rest with Persian
   letters and digits, saved as UTF-8 — with the rest of the corpus unchanged. Agreement is the
   share of the quotes' characters that get the same code in both runs (codes of the clean run
   mapped to the messy run's by their overlap on the unchanged files).
4. A small-minority language: each English interview in turn replaced by its Farsi version (one
   Farsi file among English ones). Agreement is the share of that file's coded quotes whose code
   (mapped to the English run's codes by overlap on the other, unchanged files) is the code the
   English run gave the same quote in English. Reported; the issue sets no target.
5. Small mixed corpora (issue 15): 3–5 files of the study, languages balanced or not, one
   language per file (``SMALL_MIXED``); language ARI of the codes, the mean and the worst subset,
   beside the human coding's own language ARI on the same subsets (code level, the worst).
Mean over seeds. Writes bench/results/parity.json and the table in bench/README.md.
"""

from __future__ import annotations

import csv
import difflib
import io
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from quality import (  # also puts the project on sys.path
    bench_parser,
    bench_setup,
    finish,
    load_set,
    mazmun_spans,
    summary,
)

from pipeline.evaluate.compare import AutoSpan, compare
from pipeline.run_config import Config
from pipeline.stages.preprocess import language
from pipeline.text.farsi import LETTER_VARIANTS, fold
from pipeline.types import SourceFile

WITHIN, LANGUAGE_ARI, MESSY_AGREEMENT = 0.05, 0.05, 0.95
SMALL_MIXED = ((("en", 1), ("fa", 2), ("en", 3)), (("en", 1), ("fa", 2), ("en", 3), ("fa", 4)),
               (("en", 1), ("en", 2), ("en", 3), ("en", 4), ("fa", 5)),
               (("fa", 1), ("fa", 2), ("en", 3), ("fa", 4)))  # (language, participant) per file
# Persian letters and digits; ASCII digits stay (speaker tags such as "P2:" are typed that way).
_CLEAN_REST = str.maketrans({**LETTER_VARIANTS, **{"٠١٢٣٤٥٦٧٨٩"[d]: "۰۱۲۳۴۵۶۷۸۹"[d] for d in range(10)}})


def clean_version(text: str, quotes: list[tuple[str, str]]) -> str:
    """``text`` with each (raw quote, clean quote) replaced and Persian letters/digits elsewhere."""
    out, pos = [], 0
    for start, raw, clean in sorted((text.find(r), r, c) for r, c in quotes if r in text):
        if start >= pos:
            out += [text[pos:start].translate(_CLEAN_REST), clean]
            pos = start + len(raw)
    return "".join(out) + text[pos:].translate(_CLEAN_REST)


def char_codes(texts: dict[str, str], spans: list[AutoSpan]) -> dict[str, np.ndarray]:
    labels = {f: np.full(len(t), "", dtype=object) for f, t in texts.items()}
    for s in spans:
        labels[s.file][s.start:s.end] = s.code
    return labels


def language_ari(texts: dict[str, str], spans: list[AutoSpan], cfg: Config) -> float:
    """ARI between automatic code and language over the characters of assigned segments."""
    from sklearn.metrics import adjusted_rand_score

    codes, langs = [], []
    for s in spans:
        if s.code:
            n = s.end - s.start
            codes += [s.code] * n
            langs += [language(texts[s.file][s.start:s.end], cfg.preprocess)] * n
    return float(adjusted_rand_score(langs, codes)) if codes else 0.0


def code_map(a: dict[str, np.ndarray], b: dict[str, np.ndarray], files: list[str]) -> dict[str, str]:
    """Each code of run b → the code of run a it overlaps most on ``files`` (same text in both)."""
    pairs: dict[str, dict[str, int]] = {}
    for f in files:
        for x, y in zip(a[f], b[f]):
            pairs.setdefault(y, {}).setdefault(x, 0)
            pairs[y][x] += 1
    return {y: max(c, key=c.get) for y, c in pairs.items()}


def swapped_run(sources: list[SourceFile], texts: dict[str, str], a: dict[str, np.ndarray],
                replacement: SourceFile, text: str, cfg: Config, cache) -> tuple[dict, dict[str, str]]:
    """The corpus analyzed again with one file replaced (``text``: its decoded text): codes per
    character, and the map of its codes to run ``a``'s by overlap on the unchanged files."""
    swapped = [replacement if s.name == replacement.name else s for s in sources]
    b = char_codes({**texts, replacement.name: text}, mazmun_spans(swapped, cfg, cache))
    return b, code_map(a, b, [n for n in texts if n != replacement.name])


def quote_agreement(raw: str, clean: str, a: np.ndarray, b: np.ndarray, at: tuple[int, int],
                    bt: tuple[int, int], to_a: dict[str, str]) -> tuple[int, int]:
    """(agreeing, total) characters of one quote; messy and clean spelling aligned by folding."""
    fa, wa = fold(raw)
    fb, wb = fold(clean)
    agree = 0
    for block in difflib.SequenceMatcher(None, fa, fb, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            x = a[at[0] + wa[block.a + k]]
            y = b[bt[0] + wb[block.b + k]]
            agree += x == to_a.get(y, y)
    return agree, len(fb)


def messy_agreement(data: tuple, spans: list[AutoSpan], gold: dict[tuple[str, str], str], cfg: Config,
                    cache) -> dict[str, float]:
    """Agreement per messy file of a Farsi set (``data`` from ``load_set``; ``spans`` its run with
    ``cfg``), each file swapped for its clean version alone (see the module docstring)."""
    sources, documents, quotes = data
    by_file: dict[str, list[tuple[str, str]]] = {}
    for q in quotes:
        tidy = gold.get((q.quote_id, q.labels["code"].split(" ", 1)[0]), q.quote)
        by_file.setdefault(q.file, []).append((q.quote, tidy))
    texts = {d.name: d.text for d in documents}
    clean = {n: clean_version(t, by_file.get(n, [])) for n, t in texts.items()}
    a = char_codes(texts, spans)
    out = {}
    for name in [s.name for s in sources if s.name in clean and clean[s.name].encode("utf-8") != s.data]:
        b, to_a = swapped_run(sources, texts, a, SourceFile(name, clean[name].encode("utf-8")), clean[name],
                              cfg, cache)
        agree = total = 0
        for raw, tidy in by_file.get(name, []):
            i, j = texts[name].find(raw), clean[name].find(tidy)
            n_agree, n = quote_agreement(raw, tidy, a[name], b[name], (i, i + len(raw)),
                                         (j, j + len(tidy)), to_a)
            agree, total = agree + n_agree, total + n
        encoding = next(d.encoding for d in documents if d.name == name)
        out[f"{name} ({encoding})"] = round(agree / total, 3) if total else 1.0
    return out


def majority(codes: np.ndarray) -> str:
    values, counts = np.unique(codes, return_counts=True)
    return str(values[counts.argmax()]) if len(values) else ""


def minority_agreement(en: tuple, fa: tuple, spans: list[AutoSpan], cfg: Config, cache) -> float:
    """Check 4 of the module docstring (``en``, ``fa`` from ``load_set``; ``spans`` the English
    run with ``cfg``)."""
    (sources, documents, quotes), (fa_sources, fa_documents, fa_quotes) = en, fa
    texts, fa_texts = {d.name: d.text for d in documents}, {d.name: d.text for d in fa_documents}
    a = char_codes(texts, spans)
    english = {q.quote_id: q.quote for q in quotes}
    agree = total = 0
    for farsi in fa_sources:
        if farsi.name not in texts:
            continue
        b, to_a = swapped_run(sources, texts, a, farsi, fa_texts[farsi.name], cfg, cache)
        for q in {q.quote_id: q for q in fa_quotes if q.file == farsi.name}.values():
            i, j = texts[farsi.name].find(english.get(q.quote_id, "\0")), fa_texts[farsi.name].find(q.quote)
            if i < 0 or j < 0:
                continue
            mine = majority(b[farsi.name][j:j + len(q.quote)])
            agree += majority(a[farsi.name][i:i + len(english[q.quote_id])]) == to_a.get(mine, mine)
            total += 1
    return agree / total if total else 1.0


def small_mixed(sets: dict, seeds: list[int], cfg: Config, cache) -> dict[str, float]:
    """Check 5: language ARI of the codes on each subset of ``SMALL_MIXED`` (mean over seeds);
    its mean and worst, and the worst of the human coding's own (code level)."""
    from sklearn.metrics import adjusted_rand_score

    found, human = [], []
    for subset in SMALL_MIXED:
        sources, texts, codes, langs = [], {}, [], []
        for lang, participant in subset:
            name = f"P{participant}.txt"
            all_sources, documents, quotes = sets[lang]
            sources += [replace(s, name=f"{lang}/{name}") for s in all_sources if s.name == name]
            texts |= {f"{lang}/{name}": d.text for d in documents if d.name == name}
            for q in (q for q in quotes if q.file == name):
                codes, langs = codes + [q.labels["code"]] * len(q.quote), langs + [lang] * len(q.quote)
        found.append(np.mean([language_ari(texts, mazmun_spans(sources, replace(cfg, seed=seed), cache), cfg)
                              for seed in seeds]))
        human.append(adjusted_rand_score(langs, codes))
    return {"mean": round(float(np.mean(found)), 3), "worst": round(float(max(found)), 3),
            "coding_worst": round(float(max(human)), 3)}


def gold_texts(study: Path) -> dict[tuple[str, str], str]:
    """(quote id, code id) → the quote as the study published it in Farsi (clean typing)."""
    rows = csv.DictReader(io.StringIO((study / "gold.csv").read_text(encoding="utf-8")))
    return {(r["quote_id"], r["code_id"]): r["text_fa"] for r in rows if r.get("text_fa")}


def study_parity(study: Path, cfg: Config, seeds: list[int], cache) -> dict:
    sets = {lang: load_set(study / lang, cfg) for lang in ("en", "fa", "mixed")}
    gold = gold_texts(study)
    runs: dict[str, list] = {}
    ari: list[float] = []
    messy: dict[str, list[float]] = {}
    minority: list[float] = []
    for seed in seeds:
        seeded = replace(cfg, seed=seed)
        for lang, (sources, documents, quotes) in sets.items():
            spans = mazmun_spans(sources, seeded, cache)
            scores = compare(documents, spans, quotes, cfg.compare)["scores"]
            runs.setdefault(lang, []).append({"scores": scores})
            if lang == "mixed":
                ari.append(language_ari({d.name: d.text for d in documents}, spans, cfg))
            if lang == "fa":
                for name, value in messy_agreement(sets["fa"], spans, gold, seeded, cache).items():
                    messy.setdefault(name, []).append(value)
            if lang == "en":
                minority.append(minority_agreement(sets["en"], sets["fa"], spans, seeded, cache))
    means = {lang: summary(r) for lang, r in runs.items()}
    return {**{m: {lang: s[m][0] for lang, s in means.items()} for m in ("nmi", "recall")},
            "mixed_language_ari": round(float(np.mean(ari)), 3),
            "messy_agreement": {k: round(float(np.mean(v)), 3) for k, v in messy.items()},
            "minority_agreement": round(float(np.mean(minority)), 3),
            "small_mixed": small_mixed(sets, seeds, cfg, cache)}


def rows(study: str, r: dict) -> tuple[list[str], list[str]]:
    """Table lines and missed targets of one study."""
    nmi, rec, ari = r["nmi"], r["recall"], r["mixed_language_ari"]
    best = max(nmi["en"], nmi["fa"])
    checks = [
        ("theme NMI, fa vs en", f"{nmi['fa']:.2f} vs {nmi['en']:.2f}", abs(nmi["fa"] - nmi["en"]) <= WITHIN),
        ("theme recall, fa vs en", f"{rec['fa']:.2f} vs {rec['en']:.2f}",
         abs(rec["fa"] - rec["en"]) <= WITHIN),
        ("mixed: ARI codes × language", f"{ari:.2f}", ari <= LANGUAGE_ARI),
        ("mixed: theme NMI vs better single language", f"{nmi['mixed']:.2f} vs {best:.2f}",
         nmi["mixed"] >= best - WITHIN),
    ]
    checks += [(f"messy file {name}: same codes as clean", f"{v:.2f}", v >= MESSY_AGREEMENT)
               for name, v in r["messy_agreement"].items()]
    small = r["small_mixed"]
    checks.append(("small mixed corpora (3–5 files): ARI codes × language, worst subset",
                   f"{small['worst']:.2f} (mean {small['mean']:.2f}; the coding's own, worst: "
                   f"{small['coding_worst']:.2f})", small["worst"] <= LANGUAGE_ARI))
    lines = [f"| {study} | {what} | {value} | {'yes' if ok else '**no**'} |" for what, value, ok in checks]
    lines.append(f"| {study} | one Farsi file among English ones: its quotes' codes as in English "
                 f"| {r['minority_agreement']:.2f} | (no target) |")
    return lines, [f"{study}: {what} ({value})" for what, value, ok in checks if not ok]


def main() -> None:
    args = bench_parser(__doc__).parse_args()
    cfg, cache = bench_setup(args)
    results, lines, misses = {}, ["| study | check | value | target met |", "|---|---|---|---|"], []
    for study in sorted(p.parent for p in args.benchmark.glob("*/gold.csv")):
        print(f"bench: {study.name} …", file=sys.stderr, flush=True)
        results[study.name] = study_parity(study, cfg, args.seeds, cache)
        more_lines, more_misses = rows(study.name, results[study.name])
        lines, misses = lines + more_lines, misses + more_misses
    finish(args, "parity", "\n".join(lines), misses, {"results": results})


if __name__ == "__main__":
    main()
