"""make bench-turns: seconds to ingest and preprocess one participant turn of 10k to 1M
characters, Farsi and English (the demo corpus's participant sentences repeated), after the
models are loaded. Linear time shows as a constant number of microseconds per character and a
growth exponent near 1 (seconds ∝ characters^exponent, fitted over the sizes)."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.stages.ingest import IngestConfig, ingest  # noqa: E402
from pipeline.stages.preprocess import PreprocessConfig, preprocess  # noqa: E402
from pipeline.types import SourceFile  # noqa: E402

SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)


def participant_talk(lang: str) -> str:
    """The demo corpus's participant paragraphs in one language, joined."""
    parts = []
    for path in sorted((ROOT / "data" / "sample").glob(f"{lang}_*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            label, _, text = para.partition(": ")
            if text and not re.match(r"(interviewer|مصاحبه)", label.strip(), re.I):
                parts.append(" ".join(text.split()))
    return " ".join(parts) + " "


def seconds(lang: str, chars: int) -> float:
    talk = participant_talk(lang)
    head = "Interviewer: Tell me about it.\n\nP1: " if lang == "en" else "مصاحبه‌گر: تعریف کنید.\n\nم۱: "
    text = head + (talk * (chars // len(talk) + 1))[:chars]
    started = time.perf_counter()
    corpus = ingest([SourceFile("turn.txt", text.encode("utf-8"))], IngestConfig())
    turns = preprocess(corpus, PreprocessConfig())
    assert len(turns) == 1 and turns[0].sentences
    return time.perf_counter() - started


def exponent(rows: list[dict]) -> float:
    """Least-squares slope of log(seconds) against log(characters)."""
    xs, ys = [math.log(r["chars"]) for r in rows], [math.log(r["seconds"]) for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--no-write", action="store_true", help="print only; keep bench/results as is")
    args = parser.parse_args()
    for lang in ("en", "fa"):
        seconds(lang, 2_000)  # loads hazm and spaCy
    results = {}
    lines = ["| turn (characters) | en s | en µs/char | fa s | fa µs/char |", "|---:|---:|---:|---:|---:|"]
    for lang in ("en", "fa"):
        results[lang] = [{"chars": n, "seconds": round(seconds(lang, n), 3)} for n in args.sizes]
    for i, n in enumerate(args.sizes):
        en, fa = results["en"][i]["seconds"], results["fa"][i]["seconds"]
        lines.append(f"| {n:,} | {en:.2f} | {en / n * 1e6:.1f} | {fa:.2f} | {fa / n * 1e6:.1f} |")
    slopes = {lang: round(exponent(rows), 2) for lang, rows in results.items()}
    lines.append(f"\ngrowth exponent (1 = linear): en {slopes['en']}, fa {slopes['fa']}")
    print("\n".join(lines))
    if not args.no_write:
        (ROOT / "bench" / "results").mkdir(exist_ok=True)
        (ROOT / "bench" / "results" / "turns.json").write_text(
            json.dumps({"sizes": args.sizes, "seconds": results, "exponent": slopes}, indent=1) + "\n")


if __name__ == "__main__":
    main()
