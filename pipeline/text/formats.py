"""Turn each supported file type into transcript text: ``Speaker: words`` paragraphs.

Plain text keeps its decoded characters exactly (offsets point into it). Word processor,
subtitle and CSV files are flattened to paragraphs joined by blank lines, PDF files to their
text layer's lines; offsets then point into that extracted text.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import unicodedata

from pipeline.text.archive import ArchiveError, check_xml, open_zip, read_member
from pipeline.text.encoding import DecodeError, decode

TEXT_TYPES = (".txt", ".md")


class FormatError(ValueError):
    """The file is of a supported type but cannot be read; the message says why."""


def _paragraphs(parts: list[str]) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _checked_zip(data: bytes, kind: str, parts: tuple[str, ...]) -> None:
    """Refuse a container that is no zip, expands too far, or whose XML ``parts`` (those that
    exist) are cut off or garbled: its reader would fail, or silently read half of it."""
    try:
        archive = open_zip(data, kind)
        for name in parts:
            if name in archive.namelist():
                check_xml(read_member(archive, name, kind), f"{kind} part {name}")
    except ArchiveError as exc:
        raise FormatError(str(exc)) from exc


def _unreadable(kind: str, exc: Exception) -> FormatError:
    first = (str(exc).splitlines() or [""])[0][:160]
    return FormatError(f"not a readable {kind} file ({type(exc).__name__}: {first})")


def read_docx(data: bytes) -> str:
    import docx  # python-docx, imported on use

    _checked_zip(data, ".docx", ("[Content_Types].xml", "word/document.xml", "word/_rels/document.xml.rels"))
    try:
        doc = docx.Document(io.BytesIO(data))
        return _paragraphs([p.text for p in doc.paragraphs])
    except Exception as exc:  # noqa: BLE001 - any failure of the reader makes the file unreadable
        raise _unreadable(".docx", exc) from exc


def _walk(node):
    yield node
    for child in node.childNodes:
        yield from _walk(child)


def read_odt(data: bytes) -> str:
    from odf import opendocument, teletype, text  # odfpy, imported on use

    _checked_zip(data, ".odt", ("content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"))
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # odfpy prints what it cannot parse
            doc = opendocument.load(io.BytesIO(data))
        order = {id(n): i for i, n in enumerate(_walk(doc.text))}
        parts = [teletype.extractText(p) for p in sorted(
            doc.text.getElementsByType(text.P) + doc.text.getElementsByType(text.H),
            key=lambda n: order[id(n)])]
    except Exception as exc:  # noqa: BLE001 - any failure of the reader makes the file unreadable
        raise _unreadable(".odt", exc) from exc
    return _paragraphs(parts)


_CUE_TIME = re.compile(r"(\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3})\s*-->")
_VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")
_TAGS = re.compile(r"</?[^>]+>")
_INLINE_SPEAKER = re.compile(r"^([^:\n]{1,40}):\s+(.*)$", re.S)


def _cues(text: str) -> list[tuple[str, str, str]]:
    """(speaker, words, start time) per subtitle cue; speaker is '' when the cue names none."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [ln.strip() for ln in block.strip().split("\n") if ln.strip()]
        while lines and not _CUE_TIME.match(lines[0]):
            lines.pop(0)  # WEBVTT header, NOTE blocks, cue numbers and identifiers
        cue = _CUE_TIME.match(lines[0]) if len(lines) >= 2 else None
        if cue is None:
            continue
        start = cue.group(1)
        body = " ".join(lines[1:])
        voice = _VOICE.search(body)
        speaker = voice.group(1).strip() if voice else ""
        words = _TAGS.sub("", body).strip()
        inline = _INLINE_SPEAKER.match(words)
        if not speaker and inline:
            speaker, words = inline.group(1).strip(), inline.group(2).strip()
        if words:
            cues.append((speaker, words, start))
    return cues


def read_subtitles(data: bytes, fallbacks: tuple[str, ...]) -> tuple[str, str]:
    """Zoom/Teams .vtt and .srt: consecutive cues of one speaker become one turn, which starts
    with its first cue's time as a mark: ``[00:00:03.000] Dana Roe: words``."""
    text, encoding = decode(data, fallbacks)
    turns: list[list[str]] = []
    heads: list[tuple[str, str]] = []
    for speaker, words, start in _cues(text):
        if turns and heads[-1][0] == speaker:
            turns[-1].append(words)
        else:
            turns.append([words])
            heads.append((speaker, start))
    parts = [f"[{t}] " + (f"{s}: " if s else "") + " ".join(w) for (s, t), w in zip(heads, turns)]
    return _paragraphs(parts), encoding


_PAGE_NUMBER = re.compile(r"\s*(?:page\s*|صفحه\s*|-\s*)?[\d۰-۹]+(?:\s*(?:of|/|از)\s*[\d۰-۹]+)?\s*-?\s*", re.I)
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_FORWARD = frozenset("در به از که را این با است".split())
_BACKWARD = frozenset(w[::-1] for w in _FORWARD)


def _page_lines(text: str) -> list[str]:
    """A page's lines without the page number a word processor prints at its top or bottom."""
    lines = text.splitlines()
    while lines and (not lines[0].strip() or _PAGE_NUMBER.fullmatch(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1].strip() or _PAGE_NUMBER.fullmatch(lines[-1])):
        lines.pop()
    return lines


def read_pdf(data: bytes) -> str:
    """A PDF's text, page after page (a turn goes on over a page break); Arabic presentation
    forms read as letters. A PDF without a text layer (a scan), or whose Farsi comes out in
    visual order (reversed words), is refused: it would be misread."""
    import pypdf  # imported on use

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FormatError("PDF is encrypted; save an unprotected copy, or export the transcript as .docx")
        lines = [ln for page in reader.pages for ln in _page_lines(page.extract_text() or "")]
    except FormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the reader makes the file unreadable
        raise _unreadable(".pdf", exc) from exc
    text = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), "\n".join(lines))
    if not text.strip():
        raise FormatError("PDF has no text layer (a scan?); run OCR on it, or use the transcript's .docx")
    if visual_order(text):
        raise FormatError("the PDF's Farsi text comes out in visual order (words reversed); "
                          "export the transcript as .docx or .txt instead")
    return text


def visual_order(text: str) -> bool:
    """Whether Farsi ``text`` reads backwards: its commonest words ("در", "به", "از", …) occur
    reversed more often than as themselves (a PDF that stores the glyphs as they are laid out)."""
    words = re.findall(r"\w+", text)
    return sum(w in _BACKWARD for w in words) > max(3, sum(w in _FORWARD for w in words))


_SPEAKER_COLUMNS = ("speaker", "name", "role", "participant", "respondent", "respondent id",
                    "response id", "responseid", "id", "گوینده", "پاسخ‌دهنده", "پاسخ دهنده")
_TEXT_COLUMNS = ("text", "utterance", "content", "transcript", "answer", "response", "comment",
                 "comments", "متن", "پاسخ")
MIN_ANSWER_WORDS = 3  # a column of free text: its cells hold this many words on average


def _text_columns(header: list[str], rows: list[list[str]]) -> list[int]:
    """The named text column, else every column of free text: cells of at least
    ``MIN_ANSWER_WORDS`` words on average (open-ended answers, not ids, dates or ratings)."""
    named = next((header.index(c) for c in _TEXT_COLUMNS if c in header), None)
    if named is not None:
        return [named]
    words = [sum(len(r[i].split()) for r in rows if len(r) > i) / max(len(rows), 1)
             for i in range(len(header))]
    return [i for i, w in enumerate(words) if w >= MIN_ANSWER_WORDS]


def read_csv(data: bytes, fallbacks: tuple[str, ...]) -> tuple[str, str]:
    """A CSV, one turn or one respondent per row: a speaker column (or a respondent id) and a
    text column. Without a speaker column (open-ended survey answers) each row is its own
    respondent, "Respondent N" by its row (an id that is a number: "Respondent 17"). Without a
    named text column, every column of free text is read, a row's answers in the columns' order."""
    text, encoding = decode(data, fallbacks)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1 << 30)  # one answer may be long; the file's size is limited on reading
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise FormatError(f"not a readable CSV file ({exc})") from exc
    if not rows:
        return "", encoding
    header = [h.strip().lower() for h in rows[0]]
    columns = _text_columns(header, rows[1:])
    if not columns:
        raise FormatError("CSV needs a 'text' column (or one of free text) in its first row; found "
                          + ", ".join(header[:6]))
    speaker = next((header.index(c) for c in _SPEAKER_COLUMNS
                    if c in header and header.index(c) not in columns), None)
    parts = []
    for n, r in enumerate(rows[1:], start=1):
        who = r[speaker].strip() if speaker is not None and len(r) > speaker else str(n)
        who = who if not who or any(c.isalpha() for c in who) else f"Respondent {who}"  # ids: 17
        for said in (r[c].strip() for c in columns if len(r) > c):
            if said:
                parts.append(f"{who}: {said}" if who else said)
    return _paragraphs(parts), encoding


def extract(name: str, data: bytes, fallbacks: tuple[str, ...]) -> tuple[str, str]:
    """Return ``(text, encoding)`` for a file; raise DecodeError/FormatError with the reason."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in TEXT_TYPES:
        return decode(data, fallbacks)
    if suffix == ".docx":
        return read_docx(data), "docx"
    if suffix == ".odt":
        return read_odt(data), "odt"
    if suffix == ".pdf":
        return read_pdf(data), "pdf"
    if suffix in (".vtt", ".srt"):
        return read_subtitles(data, fallbacks)
    if suffix == ".csv":
        return read_csv(data, fallbacks)
    raise FormatError(f"unsupported file type '{suffix or name}'")


__all__ = ["DecodeError", "FormatError", "extract", "TEXT_TYPES"]
