"""Command line: ``mazmun analyze DIR [--config F] [--set section.key=value ...] [--out DIR]``."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from .errors import MazmunError


def _offline_environment() -> None:
    """No downloads at run time: a missing model fails at once. numba's compiled code is cached."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(".cache/numba").resolve()))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mazmun", description="Candidate codes and themes from Farsi/English interview transcripts.")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="transcript folder → candidate codebook run folder")
    analyze.add_argument("folder", type=Path,
                         help="folder of transcripts (.txt .md .docx .odt .vtt .srt .csv)")
    analyze.add_argument("--config", type=Path, help="YAML config (default: built-in defaults)")
    analyze.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                         help="override one setting, e.g. --set cluster.min_cluster_size=5 (repeatable)")
    analyze.add_argument("--out", type=Path, help="run folder (default: runs/<folder>-<time>)")
    analyze.add_argument("--quiet", action="store_true", help="print only the run folder")
    analyze.add_argument("--verbose", action="store_true", help="show tracebacks on errors")
    return parser


def _analyze(args: argparse.Namespace) -> int:
    from .runner import analyze
    from .settings import load_config

    cfg = load_config(args.config, args.overrides)
    out = args.out or Path("runs") / f"{args.folder.resolve().name}-{time.strftime('%Y%m%d-%H%M%S')}"
    result = analyze(args.folder, cfg, out, log=not args.quiet)
    counts = result.manifest["counts"]
    if not args.quiet:
        total = max(counts["segments"], 1)
        print(f"mazmun: {counts['files']} files ({counts['skipped']} skipped), {counts['segments']} "
              f"meaning units → {counts['codes']} codes in {counts['themes']} themes, "
              f"{counts['unassigned'] / total:.0%} unassigned", file=sys.stderr)
        for skip in result.manifest["skipped"]:
            print(f"mazmun: skipped {skip['file']}: {skip['reason']}", file=sys.stderr)
        print(f"mazmun: read {out / 'report.md'}", file=sys.stderr)
    print(out)
    return 0


def main(argv: list[str] | None = None) -> int:
    _offline_environment()
    args = _parser().parse_args(argv)
    try:
        return _analyze(args)
    except MazmunError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"mazmun: error {exc.line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mazmun: interrupted; no run folder was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
