"""``RUN/decisions.jsonl``: the coders' decisions, one JSON line each, appended and fsynced one at
a time so that a killed server loses at most the line it was writing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pipeline.decisions import log as dec
from pipeline.errors import E_DECISIONS, E_OUTPUT, MazmunError

DECISIONS = "decisions.jsonl"
_TAIL = 1 << 20  # how far back a cut-off last line is looked for


class DecisionLog:
    """``RUN/decisions.jsonl``, appended one fsynced line at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> list[dict[str, Any]]:
        return read_decisions(self.path)

    def append(self, record: dict[str, Any]) -> None:
        line = dec.dump([record]).encode("utf-8")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                self._drop_partial_line(fd)
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise MazmunError(E_OUTPUT, f"cannot append to {self.path}: {exc.strerror}",
                              "check the run folder's permissions and free disk space") from exc

    @staticmethod
    def _drop_partial_line(fd: int) -> None:
        """A line cut off when a server was killed mid-write is dropped before the next one; a
        whole last line that only lacks its newline (edited by hand) gets one."""
        size = os.fstat(fd).st_size
        if not size or os.pread(fd, 1, size - 1) == b"\n":
            return
        tail = os.pread(fd, min(size, _TAIL), max(0, size - _TAIL))
        try:
            json.loads(tail[tail.rfind(b"\n") + 1:])
            os.write(fd, b"\n")
        except ValueError:
            os.ftruncate(fd, size - len(tail) + tail.rfind(b"\n") + 1)


def read_decisions(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MazmunError(E_DECISIONS, f"cannot read {path}: {exc}", "repair the file: UTF-8, one decision "
                          "per line") from exc
    return dec.read(text, path.name)
