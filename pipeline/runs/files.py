"""The run folder on disk: which files mazmun writes, and writing them without harming others.

mazmun never deletes or replaces what it did not write. A run is written only into a new folder,
an empty one, or a folder that is exactly an earlier mazmun run (its ``manifest.json`` is
mazmun's and every other entry is a file mazmun writes into runs); anything else is refused
before any work is done. Files are written under a temporary name beside their place and renamed
into it; a failed write leaves no temporary copy behind.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from pipeline.errors import E_OUTPUT, MazmunError

EXPORT_FORMATS = ("qdpx", "qdc", "csv", "json")
# Written by ``mazmun analyze``.
RUN_FILES = ("segments.csv", "segments.parquet", "dropped.csv", "codebook.json", "codebook.csv",
             "report.md", "report.json", "report.html", "config.yaml", "manifest.json", "decisions.jsonl")
# Written into a run folder later: by compare, review, import-codebook, and export's default path.
DERIVED = ("comparison.json", "comparison.md", "comparison.png", "human_coding.csv",
           "codebook_comparison.json", "codebook_comparison.md", *(f"export.{f}" for f in EXPORT_FORMATS))
OURS = frozenset(RUN_FILES + DERIVED)


def _is_manifest(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"mazmun", "inputs", "stages", "counts"} <= set(data)


def foreign_entries(folder: Path) -> list[str]:
    """The entries of ``folder`` mazmun did not write: all of them when it is not a mazmun run."""
    entries = sorted(p.name for p in folder.iterdir())
    if not _is_manifest(folder / "manifest.json"):
        return entries
    return [e for e in entries if e not in OURS or (folder / e).is_symlink() or not (folder / e).is_file()]


def _refuse(what: str, fix: str = "choose a new --out (or leave it out: runs/<folder>-<time>)") -> NoReturn:
    raise MazmunError(E_OUTPUT, what, fix)


def check_output(out: Path, source: Path | None = None) -> None:
    """Raise E401 unless a run can be written to ``out`` without touching anything mazmun did
    not write; checked before any work (and again just before writing)."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        _refuse(f"output {out} exists and is not a folder mazmun wrote")
    if out.is_dir():
        try:
            foreign = foreign_entries(out)
        except OSError as exc:
            _refuse(f"cannot read the output folder {out}: {exc.strerror}")
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            _refuse(f"output folder {out} holds files mazmun did not write ({shown}); they are kept",
                    "choose a new --out, or move those files elsewhere first")
    if source is not None and out.resolve().is_relative_to(source.resolve()):
        _refuse(f"output folder {out} is inside the input folder {source}",
                "write runs outside the transcripts, e.g. --out runs/<name>")
    probe_writable(out.parent)
    if out.is_dir() and any(out.iterdir()):
        probe_writable(out)  # an earlier run's files are removed from it once the new one is in place


def probe_writable(folder: Path) -> None:
    """Raise E401 unless a file can be created in ``folder`` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".mazmun-probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        _refuse(f"cannot write in {folder}: {exc.strerror or exc}",
                "check the path and its permissions, or pass another --out")


def write_run(out: Path, files: dict[str, bytes]) -> None:
    """Write all files into a temporary sibling folder, then rename it into place; an earlier
    run there is replaced, and only the files it holds that mazmun wrote are removed."""
    check_output(out)
    tmp: Path | None = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        if out.exists() and any(out.iterdir()):
            _swap(out, tmp)
        else:
            tmp.rename(out)
        tmp = None
    except OSError as exc:
        _refuse(f"cannot write the run folder {out}: {exc.strerror or exc}",
                "check the path, its permissions and free disk space, or pass another --out")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)  # our own temporary folder, never a user's


def _swap(out: Path, new: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(old)
    try:
        new.rename(out)
    except OSError:
        old.rename(out)
        raise
    for entry in old.iterdir():
        if entry.name in OURS and entry.is_file() and not entry.is_symlink():
            entry.unlink()
    try:
        old.rmdir()
    except OSError:  # a file appeared in the old run while this one was computed: keep it
        kept = out.parent / f"{out.name}.kept-{os.getpid()}"
        old.rename(kept)
        print(f"mazmun: files added to {out} during the run were kept in {kept}", file=sys.stderr)


def check_destination(path: Path, replaceable: Callable[[Path], bool] | None = None) -> None:
    """Raise E401 unless ``write_atomic`` may write ``path``: checked before any work, so that a
    command never computes what it cannot keep."""
    if path.is_symlink() or (path.exists() and not (path.is_file() and (
            (path.name in OURS and _is_manifest(path.parent / "manifest.json"))
            or (replaceable is not None and replaceable(path))))):
        _refuse(f"{path} exists and mazmun did not write it; it is kept",
                "choose another --out, or move that file first")
    probe_writable(path.parent)


def write_atomic(path: Path, data: bytes, replaceable: Callable[[Path], bool] | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed into place.
    An existing ``path`` is replaced only when mazmun wrote it: a file of a run folder
    (``DERIVED``), or one ``replaceable`` recognises."""
    check_destination(path, replaceable)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        _refuse(f"cannot write {path}: {exc.strerror or exc}",
                "choose another path, or check its folder's permissions and free disk space")
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
