"""make bench-digest: the sha256 of `segments.csv` and `codebook.json` of `mazmun analyze` on the
demo corpus and on every transcript set of the benchmark: `configs/default.yaml` on every set,
each other config in `configs/` on the demo corpus and on the sets in its language (`fa.yaml` on
`*/fa`, `en-minilm.yaml` on `*/en`).

A change meant to keep behaviour (a refactor) must leave every digest equal:

    make bench-digest                        # before: writes bench/results/digest.json
    make bench-digest DIGEST_CHECK=1         # after: compares with that file, exit 1 on a difference

Each run is `python -m pipeline analyze` in a child process, so the check does not depend on
how the package is laid out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("segments.csv", "codebook.json")


def corpora(benchmark: Path) -> dict[str, Path]:
    """The demo corpus and every benchmark folder that holds a `transcripts` folder."""
    found = {"sample": ROOT / "data" / "sample"}
    for folder in sorted(benchmark.glob("*/*/transcripts")):
        found[f"{folder.parents[1].name}/{folder.parent.name}"] = folder
    return found


def runs(configs: list[Path], found: dict[str, Path]) -> list[tuple[Path, str, Path]]:
    """(config, corpus name, folder) for every run the check makes."""
    chosen = []
    for config in configs:
        language = config.stem.split("-")[0]
        for name, folder in found.items():
            if config.stem == "default" or name == "sample" or name.endswith(f"/{language}"):
                chosen.append((config, name, folder))
    return chosen


def digest(folder: Path, config: Path, out: Path) -> dict[str, str]:
    command = [sys.executable, "-m", "pipeline", "analyze", str(folder), "--config", str(config),
               "--out", str(out), "--quiet"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"bench-digest: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in FILES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=ROOT.parent / "shared" / "benchmark")
    parser.add_argument("--configs", nargs="*", type=Path, default=sorted((ROOT / "configs").glob("*.yaml")))
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "digest.json")
    parser.add_argument("--check", action="store_true", help="compare with --results instead of writing it")
    args = parser.parse_args()
    found: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for config, name, folder in runs(args.configs, corpora(args.benchmark)):
            key = f"{config.stem}:{name}"
            out = Path(tmp) / key.replace("/", "-").replace(":", "-")
            found[key] = digest(folder, config.resolve(), out)
            print(f"{key:32} " + "  ".join(f"{f} {h[:12]}" for f, h in found[key].items()), flush=True)
    if not args.check:
        args.results.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
        print(f"bench-digest: {len(found)} runs → {args.results}")
        return
    before = json.loads(args.results.read_text(encoding="utf-8"))
    differ = sorted(k for k in found if before.get(k) != found[k])
    for key in differ:
        print(f"bench-digest: differs: {key}")
    print(f"bench-digest: {len(found) - len(differ)} of {len(found)} runs byte-identical")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
