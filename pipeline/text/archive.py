"""Zip containers (.docx, .odt, .qdpx), opened with limits: each member's declared size is checked
before anything is inflated, and ``zipfile`` never inflates a member past its declared size."""

from __future__ import annotations

import io
import zipfile
from xml.parsers import expat

MAX_MEMBER = 256 << 20  # bytes one member may expand to
MAX_TOTAL = 1 << 30  # bytes all members together may expand to


class ArchiveError(ValueError):
    """The container is not a readable zip, or expands beyond the limits; the message says which."""


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The zip in ``data`` after its members' declared sizes are checked (``kind`` names it)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ArchiveError(f"not a readable {kind} file (damaged zip: {exc})") from exc
    big = next((m for m in members if m.file_size > MAX_MEMBER), None)
    if big is not None:
        raise ArchiveError(f"{kind} member {big.filename[:80]} expands to {big.file_size >> 20} MB, "
                           f"over the {MAX_MEMBER >> 20} MB mazmun reads")
    if sum(m.file_size for m in members) > MAX_TOTAL:
        raise ArchiveError(f"{kind} file expands to over {MAX_TOTAL >> 30} GB")
    return archive


def _member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """The member ``name``, else the one whose name differs only in case or slashes (NVivo for
    Windows writes ``Sources/`` where the standard says ``sources/``); KeyError if none."""
    try:
        return archive.getinfo(name)
    except KeyError:
        want = name.replace("\\", "/").casefold()
        found = [m for m in archive.infolist() if m.filename.replace("\\", "/").casefold() == want]
        if not found:
            raise
        return found[0]


def read_member(archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One member's bytes, of an archive from ``open_zip`` (its name matched without regard to
    case); a missing or damaged member is an ArchiveError."""
    try:
        with archive.open(_member(archive, name)) as member:  # sizes checked by open_zip
            return member.read(MAX_MEMBER + 1)
    except KeyError as exc:
        raise ArchiveError(f"{kind} file has no {name[:80]}") from exc
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise ArchiveError(f"{kind} member {name[:80]} is damaged ({exc})") from exc


def check_xml(data: bytes, what: str) -> None:
    """Raise ArchiveError unless ``data`` is well-formed XML (a cut or garbled part of a file)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ArchiveError(f"{what} is damaged or cut off ({expat.ErrorString(exc.code)}, "
                           f"line {exc.lineno})") from exc
