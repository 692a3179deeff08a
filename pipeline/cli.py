"""Command line: ``mazmun analyze DIR [--config F] [--set section.key=value ...] [--out DIR]`` and
``mazmun compare RUN CODING [--level theme|subtheme|code]`` and
``mazmun export RUN --format qdpx|qdc|csv|json --out PATH [--confirmed] [--coder NAME]`` and
``mazmun review RUN [--port N]`` and ``mazmun import-codebook RUN FILE.qdc --coder NAME``."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from pipeline.errors import E_INTERNAL, MazmunError


def _offline_environment() -> None:
    """No downloads at run time: a missing model fails at once. numba's compiled code is cached."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(".cache/numba").resolve()))


def _verbose(command: argparse.ArgumentParser) -> None:
    """``--verbose`` after the command too; absent there, it leaves the one before it alone."""
    command.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="show tracebacks on errors")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mazmun", description="Candidate codes and themes from Farsi/English interview transcripts.")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="transcript folder → candidate codebook run folder")
    analyze.add_argument("folder", type=Path,
                         help="folder of transcripts (.txt .md .docx .odt .pdf .vtt .srt .csv)")
    analyze.add_argument("--config", type=Path, help="YAML config (default: built-in defaults)")
    analyze.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                         help="override one setting, e.g. --set cluster.min_cluster_size=5 (repeatable)")
    analyze.add_argument("--out", type=Path, help="run folder (default: runs/<folder>-<time>)")
    analyze.add_argument("--decisions", type=Path, metavar="RUN",
                         help="carry coders' decisions over from a reviewed run "
                         "(its folder or its decisions.jsonl)")
    analyze.add_argument("--coding", type=Path, metavar="FILE",
                         help="the coders' coding of some files (coding .csv, a QDA project .qdpx, or a "
                         "reviewed run): suggest their codes for the rest")
    analyze.add_argument("--interviewer", action="append", default=[], metavar="NAME",
                         help="a speaker who is the interviewer, as the transcripts name them "
                         "(repeatable; adds to ingest.interviewers)")
    analyze.add_argument("--quiet", action="store_true", help="print only the run folder")
    _verbose(analyze)
    comp = commands.add_parser("compare", help="score a run against human coding (writes comparison.*)")
    comp.add_argument("run", type=Path, help="run folder written by 'mazmun analyze'")
    comp.add_argument("coding", type=Path, help="human coding: a CSV (file, speaker, quote (or start, end), "
                      "theme_id, theme, subtheme_id, subtheme, code_id, code), a REFI-QDA project .qdpx, "
                      "or a codebook .qdc (codes compared by meaning)")
    comp.add_argument("--level", choices=("theme", "subtheme", "code"), help="human level shown in detail")
    comp.add_argument("--auto-level", choices=("code", "theme"), help="automatic level shown in detail")
    comp.add_argument("--transcripts", type=Path, help="transcript folder (default: the run's input)")
    comp.add_argument("--config", type=Path, help="YAML config whose 'compare' section is used")
    comp.add_argument("--set", dest="overrides", action="append", default=[], metavar="compare.KEY=VALUE")
    comp.add_argument("--quiet", action="store_true", help="print only the comparison file")
    _verbose(comp)
    _export_parser(commands)
    rev = commands.add_parser("review", help="the coders' page: confirm, rename, merge, split codes "
                              "(served on 127.0.0.1; actions saved to RUN/decisions.jsonl)")
    rev.add_argument("run", type=Path, help="run folder written by 'mazmun analyze'")
    rev.add_argument("--port", type=int, help="port (default: review.port, 8765; 0 picks a free one)")
    rev.add_argument("--config", type=Path, help="YAML config whose 'review' section is used")
    rev.add_argument("--set", dest="overrides", action="append", default=[], metavar="review.KEY=VALUE")
    _verbose(rev)
    rep = commands.add_parser("report", help="report.html and report.json drawn again with the coders' "
                              "decisions (after review)")
    rep.add_argument("run", type=Path, help="run folder written by 'mazmun analyze'")
    rep.add_argument("--coder", help="only this coder's decisions (default: every coder's, in order)")
    _verbose(rep)
    imp = commands.add_parser("import-codebook", help="a REFI-QDA codebook (.qdc) as a starting point: "
                              "its codes appear on the review page, nearest candidate codes suggested")
    imp.add_argument("run", type=Path, help="run folder written by 'mazmun analyze'")
    imp.add_argument("codebook", type=Path, help="codebook (.qdc) or project (.qdpx) exported by NVivo, "
                     "ATLAS.ti, MAXQDA, QualCoder")
    imp.add_argument("--coder", required=True, help="the coder whose decisions these become")
    _verbose(imp)
    return parser


def _export_parser(commands: argparse._SubParsersAction) -> None:
    from pipeline.commands.export import FORMATS

    exp = commands.add_parser("export", help="a run's codes as REFI-QDA (.qdpx project, .qdc codebook), "
                              "CSV or JSON")
    exp.add_argument("run", type=Path, help="run folder written by 'mazmun analyze'")
    exp.add_argument("--format", required=True, choices=FORMATS,
                     help="qdpx: project for NVivo, ATLAS.ti, MAXQDA, QualCoder; qdc: codebook alone; "
                     "csv: one row per coded unit; json: codebook with units")
    exp.add_argument("--out", type=Path, required=True, help="file to write")
    exp.add_argument("--confirmed", action="store_true", help="only the codes coders accepted")
    exp.add_argument("--coder", help="replay only this coder's decisions (default: everyone's, in order)")
    exp.add_argument("--transcripts", type=Path,
                     help="transcript folder for .qdpx (default: the run's input)")
    exp.add_argument("--positions", choices=("characters", "utf16"), default="characters",
                     help="how a .qdpx counts positions: characters (the REFI-QDA standard) or utf16 "
                     "(as NVivo counts them: an emoji counts two); they differ only after an emoji")
    _verbose(exp)


def _export(args: argparse.Namespace) -> int:
    from pipeline.commands.export import export_run

    state = export_run(args.run, args.format, args.out, args.confirmed, args.coder, args.transcripts,
                       args.positions)
    coded = sum(1 for c in state.assigned.values() if c)
    print(f"mazmun: {len(state.codes)} codes in {len(state.themes)} themes, {coded} coded units "
          f"→ {args.out}", file=sys.stderr)
    for problem in state.problems:
        print(f"mazmun: decision not applied: {problem}", file=sys.stderr)
    print(args.out)
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from pipeline.commands.analyze import analyze
    from pipeline.run_config import load_config

    cfg = load_config(args.config, args.overrides)
    if args.interviewer:
        from dataclasses import replace

        cfg = replace(cfg, ingest=replace(cfg.ingest, interviewers=cfg.ingest.interviewers
                                          + tuple(args.interviewer)))
    out = args.out or Path("runs") / f"{args.folder.resolve().name}-{time.strftime('%Y%m%d-%H%M%S')}"
    result = analyze(args.folder, cfg, out, log=not args.quiet, decisions=args.decisions, coding=args.coding)
    counts = result.manifest["counts"]
    carried = result.manifest.get("carried")
    if carried:
        print(f"mazmun: carried {carried['decisions']} decisions from {carried['from']} "
              f"({carried['codes_matched']} codes matched); not carried: {len(carried['not_carried'])}",
              file=sys.stderr)
        for line in carried["not_carried"]:
            print(f"mazmun: not carried: {line}", file=sys.stderr)
    if not args.quiet:
        total = max(counts["segments"], 1)
        taught = result.manifest["stages"].get("suggest", {}).get("units")
        found = (f"{taught['human']} coded by you, {taught['suggested']} suggested your codes, "
                 f"{taught['uncoded']} uncoded, {taught['new']} new → {counts['codes']} new candidate codes"
                 if taught else f"{counts['codes']} codes in {counts['themes']} themes, "
                 f"{counts['unassigned'] / total:.0%} unassigned")
        print(f"mazmun: {counts['files']} files ({counts['skipped']} skipped), {counts['segments']} "
              f"meaning units → {found}", file=sys.stderr)
        for skip in result.manifest["skipped"]:
            print(f"mazmun: skipped {skip['file']}: {skip['reason']}", file=sys.stderr)
        print(f"mazmun: read {out / 'report.html'} (or report.md)", file=sys.stderr)
    print(out)
    return 0


def _import_codebook(args: argparse.Namespace) -> int:
    from pipeline.commands.import_codebook import import_codebook

    records, result = import_codebook(args.run, args.codebook, args.coder)
    made = sum(1 for r in records if r["action"] == "create_code")
    print(f"mazmun: {made} codes from {args.codebook.name} added for {args.coder} "
          f"({len(result['rows']) - made} were there already); open them with 'mazmun review'",
          file=sys.stderr)
    for row in result["rows"]:
        print(f"mazmun:   {row['code']}  ← nearest candidate {row['candidate']} {row['candidate_label']}"
              f"{' (mutual)' if row['mutual'] else ''}", file=sys.stderr)
    print(args.run / "decisions.jsonl")
    return 0


def _compare_codebook(args: argparse.Namespace) -> int:
    from pipeline.commands.import_codebook import compare_codebook

    result = compare_codebook(args.run, args.coding)
    if not args.quiet:
        print(f"mazmun: {result['matched']} of {result['human_codes']} human codes have a mutual "
              f"nearest candidate code; {len(result['unclaimed'])} candidate codes are nearest to none",
              file=sys.stderr)
    print(args.run / "codebook_comparison.md")
    return 0


def _codebook_only(path: Path) -> bool:
    """A .qdpx project that holds a codebook and no sources (a codebook in a project, as MAXQDA
    exports one): compared as a codebook. A project with sources and no codings is an error."""
    if path.suffix.lower() != ".qdpx" or not path.is_file():
        return False
    from pipeline.exchange.refi import read_project

    project = read_project(path.read_bytes(), path.name)
    if project.codes and not project.rows and not project.counting and not project.unread:
        print(f"mazmun: {path.name} holds a codebook and no sources: its codes are compared by meaning",
              file=sys.stderr)
        return True
    return False


def _compare(args: argparse.Namespace) -> int:
    from dataclasses import replace

    if args.coding.suffix.lower() == ".qdc" or _codebook_only(args.coding):
        return _compare_codebook(args)
    from pipeline.commands.compare import compare_run
    from pipeline.run_config import load_config

    cfg = load_config(args.config, args.overrides).compare
    cfg = replace(cfg, level=args.level or cfg.level, auto_level=args.auto_level or cfg.auto_level)
    result = compare_run(args.run, args.coding, args.transcripts, cfg)
    if not args.quiet:
        q = result["quotes"]
        print(f"mazmun: {q['located']}/{q['total']} human quotes located"
              + (f"; {len(q['not_found'])} not found (listed in comparison.md)" if q["not_found"] else ""),
              file=sys.stderr)
        for name, how in result.get("positions", {}).items():
            print(f"mazmun: {name}: positions read as {how}", file=sys.stderr)
        for name, why in result.get("unread_sources", {}).items():
            print(f"mazmun: source not read: {name}: {why}", file=sys.stderr)
        for level, by_auto in result["scores"].items():
            s = by_auto[cfg.auto_level]
            print(f"mazmun: human {level} vs automatic {cfg.auto_level}: "
                  f"NMI {s['nmi']:.2f}  ARI {s['ari']:.2f}  "
                  f"coverage {s['coverage']:.2f}  filler rejection {s['filler_rejection']:.2f}  "
                  f"recall {s['recall']:.2f}  kappa {s['kappa']:.2f}", file=sys.stderr)
    print(args.run / "comparison.md")
    return 0


def _review(args: argparse.Namespace) -> int:
    from pipeline.commands.review import serve
    from pipeline.run_config import load_config

    port = [f"review.port={args.port}"] if args.port is not None else []  # checked like the config's
    try:
        serve(args.run, load_config(args.config, args.overrides + port))
    except KeyboardInterrupt:
        print("mazmun: review stopped; every decision is in decisions.jsonl", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from pipeline.commands.report import report_run

    view = report_run(args.run, args.coder)
    decided = view["decisions"]
    print(f"mazmun: {view['codes']} codes in {view['themes']} themes after {decided['count']} decisions "
          f"→ {args.run / 'report.html'}", file=sys.stderr)
    for problem in decided["not_applied"]:
        print(f"mazmun: decision not applied: {problem}", file=sys.stderr)
    print(args.run / "report.html")
    return 0


def main(argv: list[str] | None = None) -> int:
    _offline_environment()
    args = _parser().parse_args(argv)
    try:
        return {"analyze": _analyze, "compare": _compare, "export": _export, "review": _review,
                "report": _report, "import-codebook": _import_codebook}[args.command](args)
    except MazmunError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"mazmun: error {exc.line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mazmun: interrupted; no run folder was written", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line for the user, the traceback on request
        if args.verbose:
            traceback.print_exc()
        first = (str(exc).splitlines() or [""])[0][:200]
        print(f"mazmun: error [{E_INTERNAL}] {type(exc).__name__}: {first} — this is a bug in mazmun: "
              "please report it with the output of --verbose", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
