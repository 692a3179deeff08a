"""Writing REFI-QDA: a ``.qdc`` codebook, and a ``.qdpx`` project (the transcripts, the codebook,
and each coded unit as a text selection) that NVivo, ATLAS.ti, MAXQDA and QualCoder import."""

from __future__ import annotations

import bisect
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from pipeline.decisions.log import State, Unit
from pipeline.exchange.refi import CODEBOOK_NS, PROJECT_NS, USER, guid, lf_offsets
from pipeline.types import Document

SUGGESTING_USER = "mazmun-suggested"  # the coders' codes mazmun suggested: a second coder in QDA tools


@dataclass(frozen=True)
class SuggestedCoding:
    """A unit mazmun suggests one of the coders' own codes for (``analyze --coding``), not yet
    decided by a coder: ``code`` is that code's id in the state exported."""

    unit: Unit
    code: str
    span: tuple[int, ...] = ()  # the part of the unit suggested (file offsets); (): all of it


def _description(definition: str, keywords: tuple[str, ...], origin: str) -> str:
    lines = [definition.strip()] if definition.strip() else []
    if keywords:
        lines.append("Keywords: " + ", ".join(keywords))
    if origin:
        lines.append(f"mazmun candidate: {origin}")
    return "\n".join(lines)


def _code_element(parent: ET.Element, ns: str, ident: str, name: str, description: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ns}}}Code", guid=guid("code", ident), name=name, isCodable="true")
    if description:
        ET.SubElement(node, f"{{{ns}}}Description").text = description
    return node


def _codes(parent: ET.Element, ns: str, state: State) -> None:
    """Themes as top-level codes, each holding its codes (REFI-QDA has no separate theme level)."""
    codes = ET.SubElement(parent, f"{{{ns}}}Codes")
    for theme in sorted(state.themes.values(), key=lambda t: t.id):
        node = _code_element(codes, ns, theme.id, theme.label or theme.id,
                             _description(theme.definition, (), ""))
        for code in sorted((c for c in state.codes.values() if c.theme == theme.id), key=lambda c: c.id):
            _code_element(node, ns, code.id, code.label or code.id,
                          _description(code.definition, code.keywords, code.origin))
    for code in sorted((c for c in state.codes.values() if c.theme not in state.themes), key=lambda c: c.id):
        _code_element(codes, ns, code.id, code.label or code.id,
                      _description(code.definition, code.keywords, code.origin))


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def qdc(state: State) -> bytes:
    """The codebook alone (``.qdc``)."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin="mazmun")
    _codes(root, CODEBOOK_NS, state)
    return _xml(root)


def utf16_offsets(text: str, where: list[int]) -> list[int]:
    """``where`` (offsets into ``text``) counted in UTF-16 code units: a character beyond the BMP
    (an emoji) counts two, as NVivo counts."""
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    return [w + bisect.bisect_left(astral, w) for w in where]


def _selection(node: ET.Element, unit: Unit, code: str, where: list[int], user: str, when: str,
               span: tuple[int, ...] = ()) -> None:
    """``unit`` (or its ``span``) as a text selection coded with the code whose identity is ``code``."""
    start, end = span or (unit.start, unit.end)
    sel = ET.SubElement(node, f"{{{PROJECT_NS}}}PlainTextSelection",
                        guid=guid("selection", unit.segment_id, code), name=unit.segment_id,
                        startPosition=str(where[start]), endPosition=str(where[end]),
                        creatingUser=user, creationDateTime=when)
    coding = ET.SubElement(sel, f"{{{PROJECT_NS}}}Coding", guid=guid("coding", unit.segment_id, code),
                           creatingUser=user, creationDateTime=when)
    ET.SubElement(coding, f"{{{PROJECT_NS}}}CodeRef", targetGUID=guid("code", code))


def _source(parent: ET.Element, doc: Document, state: State, when: str, utf16: bool,
            suggested: tuple[SuggestedCoding, ...]) -> str:
    """One TextSource with a selection per coded unit (and per suggested unit, by the user
    ``mazmun-suggested``); returns the text stored for it."""
    text, where = lf_offsets(doc.text)
    where = utf16_offsets(text, where) if utf16 else where
    sid, user = guid("source", doc.name, doc.sha256), guid("user", USER)
    node = ET.SubElement(parent, f"{{{PROJECT_NS}}}TextSource", guid=sid, name=doc.name,
                         plainTextPath=f"internal://{sid}.txt", creatingUser=user, creationDateTime=when)
    for unit in state.units:
        code = state.assigned.get(unit.segment_id, "")
        if unit.file == doc.name and code:
            _selection(node, unit, code, where, user, when)
    for s in suggested:
        if s.unit.file == doc.name:
            _selection(node, s.unit, s.code, where, guid("user", SUGGESTING_USER), when, s.span)
    return text


def qdpx(state: State, documents: list[Document], name: str, created: datetime | None = None,
         utf16: bool = False, suggested: tuple[SuggestedCoding, ...] = ()) -> bytes:
    """A REFI-QDA project: the transcripts as plain text, the codebook, and each coded unit as a
    text selection coded by the user ``mazmun``; positions in characters, as the standard says,
    or (``utf16``) in UTF-16 code units, as NVivo counts them. ``suggested``: units coded with
    the coders' own codes (in ``state``) by a second user, ``mazmun-suggested``."""
    ET.register_namespace("", PROJECT_NS)
    when = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = guid("user", USER)
    root = ET.Element(f"{{{PROJECT_NS}}}Project", name=name, origin="mazmun",
                      creatingUserGUID=user, creationDateTime=when)
    users = ET.SubElement(root, f"{{{PROJECT_NS}}}Users")
    ET.SubElement(users, f"{{{PROJECT_NS}}}User", guid=user, name=USER)
    if suggested:
        ET.SubElement(users, f"{{{PROJECT_NS}}}User", guid=guid("user", SUGGESTING_USER),
                      name=SUGGESTING_USER)
    book = ET.SubElement(root, f"{{{PROJECT_NS}}}CodeBook")
    _codes(book, PROJECT_NS, state)
    sources = ET.SubElement(root, f"{{{PROJECT_NS}}}Sources")
    texts = {}
    for doc in documents:
        text = _source(sources, doc, state, when, utf16, suggested)
        texts[sources[-1].get("plainTextPath", "").removeprefix("internal://")] = text
    stamp = (int(when[:4]), int(when[5:7]), int(when[8:10]),
             int(when[11:13]), int(when[14:16]), int(when[17:19]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("project.qde", stamp), _xml(root))
        for path, text in texts.items():
            zf.writestr(zipfile.ZipInfo(f"sources/{path}", stamp), text.encode("utf-8"))
    return buffer.getvalue()
