"""make bench-report: what report.html and report.json cost (issue 19), on every benchmark set and on
a synthetic corpus of ~10,000 units (bench-speed's: the demo's sentences recombined).

For each corpus, `mazmun analyze` runs once (embedding cache on); then:
- `map s`: the map stage (a 2-D UMAP of the units), from the manifest;
- `render s`: report.json's numbers and report.html drawn again from the run folder, as
  `mazmun report RUN` does (reading segments.csv, codebook.json and the rest);
- `report s`: the two together, what the report costs beyond the run, stability excluded
  (target: under 10 s on the largest benchmark set);
- `stability s`: the stability stage (report.stability_runs clusterings with other seeds);
- the sizes of report.html and report.json (target: report.html under 5 MB at 10,000 units).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import update_readme  # noqa: E402
from speed import ROOT, SYNTHETIC, synthetic_corpus, timed  # noqa: E402

from pipeline.commands.report import report_files  # noqa: E402
from pipeline.runs.folder import RunFolder  # noqa: E402

MB = 1024 * 1024


def measure(folder: Path, out: Path, extra: tuple[str, ...] = ()) -> dict:
    timed([sys.executable, "-m", "pipeline", "analyze", str(folder), "--out", str(out), "--quiet",
           "--set", f"embed.cache_dir={ROOT / '.cache' / 'mazmun'}", *extra])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    report_files(RunFolder.read(out))
    render = time.perf_counter() - started
    stages = manifest["stages"]
    return {"units": manifest["counts"]["segments"], "codes": manifest["counts"]["codes"],
            "map_s": stages["map"]["seconds"], "render_s": render,
            "report_s": stages["map"]["seconds"] + render, "stability_s": stages["stability"]["seconds"],
            "html_mb": (out / "report.html").stat().st_size / MB,
            "json_mb": (out / "report.json").stat().st_size / MB}


def table(rows: dict[str, dict]) -> str:
    head = ["units", "codes", "map_s", "render_s", "report_s", "stability_s", "html_mb", "json_mb"]
    lines = ["| corpus | " + " | ".join(h.replace("_s", " s").replace("_mb", " MB") for h in head) + " |",
             "|" + "---|" * (len(head) + 1)]
    for name, r in rows.items():
        cells = [f"{r[h]:.2f}" if isinstance(r[h], float) else str(r[h]) for h in head]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=Path, default=ROOT.parent / "shared" / "benchmark")
    parser.add_argument("--units", type=int, default=10_000, help="size of the synthetic corpus (0: none)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "report.json")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="mazmun-bench-") as tmp:
        for folder in sorted(args.benchmark.glob("*/*/transcripts")):
            name = "/".join(folder.parts[-3:-1])
            rows[name] = measure(folder, Path(tmp) / name.replace("/", "_"))
            print(f"bench: {name} {rows[name]}", file=sys.stderr, flush=True)
        if args.units:
            synthetic_corpus(Path(tmp) / "synthetic", args.units)
            rows["synthetic"] = measure(Path(tmp) / "synthetic", Path(tmp) / "synthetic-run", SYNTHETIC)
    args.out.write_text(json.dumps(rows, indent=2) + "\n")
    print(table(rows))
    update_readme(table(rows), "report")
    largest = max((n for n in rows if n != "synthetic"), key=lambda n: rows[n]["units"], default=None)
    if largest:
        print(f"\nlargest benchmark set {largest}: report {rows[largest]['report_s']:.1f} s beyond the run "
              "(target < 10 s, stability excluded)")
    if "synthetic" in rows:
        big = rows["synthetic"]
        print(f"synthetic {big['units']} units: report.html {big['html_mb']:.2f} MB "
              "(target < 5 MB at 10,000 units)")


if __name__ == "__main__":
    main()
