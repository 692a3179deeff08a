"""REFI-QDA exchange (the format NVivo, ATLAS.ti, MAXQDA and QualCoder share): what reading and
writing share (namespaces, GUIDs, positions), and human coding and codebooks read from a
``.qdpx`` project or ``.qdc`` codebook. ``exchange.write`` writes a run's codes as either.

Positions: a selection's ``startPosition``/``endPosition`` count characters (code points) of the
source text stored in the project. mazmun stores each transcript with Windows line endings
turned into ``\\n`` (tools that display text drop the ``\\r``, and their positions then drift by
one per line) and maps every offset accordingly. GUIDs are derived from the content, so the same
run exports the same file.
"""

from __future__ import annotations

import bisect
import io
import uuid
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from pipeline.errors import E_EXCHANGE, MazmunError
from pipeline.text.archive import ArchiveError, open_zip, read_member
from pipeline.text.coding import CodedQuote

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_ROOT = uuid.UUID("6d617a6d-756e-4d61-a000-000000000000")  # mazmun's namespace for GUIDs
USER = "mazmun"


def guid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "\x1f".join(parts)))


def lf_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` with ``\\r\\n`` as ``\\n``, and for each offset of ``text`` (0…len) its offset there."""
    out, where, n = [], [], 0
    for i, ch in enumerate(text):
        where.append(n)
        if ch == "\r" and text[i + 1:i + 2] == "\n":
            continue
        out.append(ch)
        n += 1
    where.append(n)
    return "".join(out), where


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in node if _local(c.tag) == name]


def _parse(data: bytes, source: str) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise MazmunError(E_EXCHANGE, f"{source} is not valid XML ({exc})",
                          "export it again from your QDA program (REFI-QDA project or codebook)") from exc


MAX_DEPTH = 100  # levels of codes under codes; real codebooks have a handful


def code_paths(parent: ET.Element) -> dict[str, tuple[tuple[str, ...], str]]:
    """Every Code under ``parent`` (at any depth): guid → (names from the top code down, description)."""
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    codes = next((n for n in parent.iter() if _local(n.tag) == "Codes"), None)
    stack: list[tuple[ET.Element, tuple[str, ...]]] = \
        [(c, ()) for c in reversed(_children(codes, "Code"))] if codes is not None else []
    while stack:  # depth first, without recursion: a hostile file may nest codes very deep
        code, path = stack.pop()
        here = (*path, code.get("name", ""))
        if len(here) > MAX_DEPTH:
            raise MazmunError(E_EXCHANGE, f"codes nested over {MAX_DEPTH} levels deep",
                              "export the codebook again from your QDA program")
        found[code.get("guid", "")] = (here, "".join(d.text or "" for d in _children(code, "Description")))
        stack.extend((child, here) for child in reversed(_children(code, "Code")))
    return found


def with_sets(paths: dict[str, tuple[tuple[str, ...], str]],
              root: ET.Element) -> dict[str, tuple[tuple[str, ...], str]]:
    """Codes grouped by sets rather than by nesting (MAXQDA's code sets; a flat codebook): a
    top-level code that is a member of a set sits under the set's name, as under a theme. A code
    in several sets sits under the first."""
    placed: dict[str, str] = {}
    for node in root.iter():
        if _local(node.tag) == "Set":
            for member in _children(node, "MemberCode"):
                placed.setdefault(member.get("targetGUID", ""), node.get("name", ""))
    return {g: ((placed[g], *path), text) if len(path) == 1 and placed.get(g) else (path, text)
            for g, (path, text) in paths.items()}


def read_qdc(data: bytes, source: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """A ``.qdc`` codebook (or the codebook of a ``.qde`` project): guid → (path of names, description)."""
    root = _parse(data, source)
    return with_sets(code_paths(root), root)


def _labels(path: tuple[str, ...]) -> dict[str, str]:
    """Top code = theme, the one under it = sub-theme (when there are three levels or more), leaf = code."""
    return {"theme": path[0], "subtheme": path[1] if len(path) >= 3 else "", "code": path[-1]}


class Unreadable(ValueError):
    """A source of the project whose text cannot be read; the message says why."""


def _member(path: str) -> str:
    return "sources/" + path.removeprefix("internal://") if path.startswith("internal://") else path


def _rich_text(node: ET.Element, archive: zipfile.ZipFile) -> str:
    """The text of a source the tool stored only as a .docx (paragraphs, one per line)."""
    import docx  # python-docx, imported on use

    member = _member(node.get("richTextPath", ""))
    if not member.lower().endswith(".docx"):
        raise Unreadable(f"no plain text, and its rich text {member[:60]!r} is not a .docx")
    try:
        document = docx.Document(io.BytesIO(read_member(archive, member, ".qdpx")))
        return "\n".join(p.text for p in document.paragraphs)
    except Exception as exc:  # noqa: BLE001 - any failure of the reader makes the source unreadable
        raise Unreadable(f"its .docx {member[:60]} cannot be read ({type(exc).__name__})") from exc


def _source_text(node: ET.Element, archive: zipfile.ZipFile) -> tuple[str, bool]:
    """The source's plain text, and whether it came from its .docx (positions then checked)."""
    inline = _children(node, "PlainTextContent")
    if inline:
        return inline[0].text or "", False
    if not node.get("plainTextPath"):
        return _rich_text(node, archive), True
    member = _member(node.get("plainTextPath", ""))
    try:
        return read_member(archive, member, ".qdpx").decode("utf-8-sig"), False
    except (ArchiveError, UnicodeDecodeError) as exc:
        raise Unreadable(f"no readable text ({member[:80]}: {exc})") from exc


def _position(sel: ET.Element, key: str, source: str) -> int:
    value = sel.get(key, "0").strip()
    if not value.isdigit() or len(value) > 12:
        raise MazmunError(E_EXCHANGE, f"{source}: selection {sel.get('name', '')[:40]!r} has {key} "
                          f"{value[:20]!r}, not a character position",
                          "export the project again from your QDA program")
    return int(value)


def _utf16_to_chars(ends: list[int], unit: int, length: int) -> int:
    """The character offset of UTF-16 code unit offset ``unit``; ``ends``: the unit offset after
    each character beyond the BMP (two units each), in order; ``length``: the text's characters."""
    return min(unit - bisect.bisect_right(ends, unit), length)


def _on_text(text: str, spans: list[tuple[int, int]]) -> int:
    """How many spans start and end at word edges of ``text`` (a selection a coder made)."""
    def edge(i: int) -> bool:
        return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())
    return sum(edge(a) and edge(b) for a, b in spans if 0 <= a <= b <= len(text))


CHARACTERS, UTF16 = "characters", "UTF-16 code units"


def as_characters(text: str, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], str]:
    """Selections' positions as character offsets, and what the tool counted. REFI-QDA says
    characters, NVivo writes UTF-16 code units (an emoji counts two): read them as whichever
    lands more selections on word edges. Where the text has no character beyond the BMP the
    two counts agree: "characters"."""
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    if not astral:
        return spans, CHARACTERS
    ends = [a + j + 2 for j, a in enumerate(astral)]
    converted = [(_utf16_to_chars(ends, a, len(text)), _utf16_to_chars(ends, b, len(text))) for a, b in spans]
    if _on_text(text, converted) > _on_text(text, spans):
        return converted, UTF16
    return spans, CHARACTERS


@dataclass(frozen=True)
class Project:
    """What a ``.qdpx`` holds for mazmun: its coded selections, how each source's positions were
    counted, the sources that could not be read (with why), and its codebook."""

    rows: list[CodedQuote]
    counting: dict[str, str]  # source name → CHARACTERS or UTF16
    unread: dict[str, str]  # source name → why its text or selections cannot be used
    codes: dict[str, tuple[tuple[str, ...], str]]  # guid → (names from the top down, description)


def _open_project(data: bytes, source: str) -> tuple[zipfile.ZipFile, ET.Element]:
    """The archive and its project XML: ``project.qde``, or the .qde named after the project
    (ATLAS.ti), the one nearest the archive's root."""
    try:
        archive = open_zip(data, ".qdpx")
        qde = min((n for n in archive.namelist() if n.lower().endswith(".qde")), key=lambda n: n.count("/"))
        return archive, _parse(read_member(archive, qde, ".qdpx"), source)
    except (ArchiveError, ValueError) as exc:
        raise MazmunError(E_EXCHANGE, f"{source} is not a readable REFI-QDA project (a zip with a .qde)"
                          + (f": {exc}" if str(exc) else ""),
                          "export the project from your QDA program as REFI-QDA (.qdpx)") from exc


def _text_sources(root: ET.Element) -> tuple[list[tuple[str, ET.Element]], dict[str, str]]:
    """(name, node) of each source with text selections (a PDF's text representation too), and
    the sources that have none, with why."""
    sources = next((n for n in root.iter() if _local(n.tag) == "Sources"), None)
    found, skipped = [], {}
    for node in list(sources) if sources is not None else []:
        kind, name = _local(node.tag), node.get("name", "")
        text = node if kind == "TextSource" else next(iter(_children(node, "Representation")), None)
        if text is not None:
            found.append((name, text))
        elif kind == "PDFSource":
            skipped[name] = "a PDF source without a text representation (its codings are page regions)"
        else:
            skipped[name] = f"{kind}: not a text source"
    return found, skipped


def _selections(name: str, node: ET.Element, archive: zipfile.ZipFile, source: str,
                rows: list[CodedQuote], codes: dict) -> str:
    """Add the source's coded selections to ``rows``; return how its positions are counted."""
    text, from_docx = _source_text(node, archive)
    found = _children(node, "PlainTextSelection")
    spans, counting = as_characters(text, [(_position(s, "startPosition", source),
                                            _position(s, "endPosition", source)) for s in found])
    if from_docx and found and _on_text(text, spans) * 2 < len(spans):
        raise Unreadable("stored only as a .docx, and its selections do not fall on that text's words "
                         "(the tool's plain text differs)")
    for (start, end), sel in sorted(zip(spans, found), key=lambda s: s[0][0]):
        for coding in _children(sel, "Coding"):
            ref = next(iter(_children(coding, "CodeRef")), None)
            path = codes.get(ref.get("targetGUID", "") if ref is not None else "")
            if path:
                rows.append(CodedQuote(len(rows) + 1, name, "", sel.get("name") or f"{name}:{start}",
                                       text[start:end], _labels(path[0])))
    return counting + (" (read from its .docx)" if from_docx else "")


def read_project(data: bytes, source: str) -> Project:
    """A ``.qdpx`` project as a QDA program exported it: every coded text selection with its quote
    read from the project's own copy of the transcript (located in the run's files by ``mazmun
    compare``). A source that cannot be read is listed with why, never guessed at."""
    archive, root = _open_project(data, source)
    codes = with_sets(code_paths(root), root)
    rows: list[CodedQuote] = []
    counting: dict[str, str] = {}
    nodes, unread = _text_sources(root)
    for name, node in nodes:
        try:
            counting[name] = _selections(name, node, archive, source, rows, codes)
        except Unreadable as exc:
            unread[name] = str(exc)
    if nodes and not counting:
        name, why = next(iter(unread.items()))
        raise MazmunError(E_EXCHANGE, f"{source}: no source's text can be read ({name}: {why})",
                          "export the project again with its sources included as plain text")
    return Project(rows, counting, unread, codes)


def read_qdpx(data: bytes, source: str) -> list[CodedQuote]:
    """The coded selections of ``read_project``."""
    return read_project(data, source).rows
