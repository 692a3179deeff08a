"""REFI-QDA exchange: .qdpx and .qdc validate against the standard's schemas, positions are right
for Farsi and for Windows line endings, and an exported project reads back as the same codings."""

import io
import re
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from pipeline.decisions import log as dec
from pipeline.errors import MazmunError
from pipeline.exchange import refi, write
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.text.coding import locate_all
from pipeline.types import SourceFile
from tests.conftest import REFI_SCHEMAS as SCHEMAS
from tests.conftest import TEXTS
from tests.text.test_speaker_lines import as_docx

etree = pytest.importorskip("lxml.etree")
needs_schemas = pytest.mark.skipif(not (SCHEMAS / "Project-mrt2019.xsd").is_file(),
                                   reason=f"REFI-QDA schemas not found at {SCHEMAS}")
QUOTES = {
    "en": ("Nights are the hardest part.", "Every appointment is a new doctor"),
    "fa": ("شب‌ها از همه سخت‌تر است.", "هر بار یک دکتر جدید است"),
}


def schema(name):
    """The schema as published. Codebook.xsd was typeset before release: its hyphens are U+2010 and
    two attributes lack the space before them, so no XML parser reads it; that is repaired here."""
    text = (SCHEMAS / name).read_text(encoding="utf-8").replace("\u2010", "-")
    text = re.sub(r'"(?=[A-Za-z]+=")', '" ', text)
    return etree.XMLSchema(etree.fromstring(text.encode("utf-8")))


def project(line_end):
    """Both languages, one file with ``line_end`` line endings; two coded units and one uncoded."""
    sources = [SourceFile(f"{lang}.txt", TEXTS[lang].replace("\n", line_end).encode("utf-8"))
               for lang in TEXTS]
    documents = list(ingest(sources, IngestConfig()).documents)
    units, assigned = [], {}
    for doc in documents:
        lang = doc.name[:2]
        for i, quote in enumerate(QUOTES[lang]):
            start = doc.text.index(quote)
            unit = dec.Unit(f"{lang}#{i}", doc.name, "P1", start, start + len(quote), quote)
            units.append(unit)
            assigned[unit.segment_id] = ("C01", "")[i] if lang == "en" else ("C01", "C02")[i]
    book = {"themes": [{"theme_id": "T1", "label": "شب‌ها / nights"}],
            "codes": [{"code_id": "C01", "label": "sleep", "theme_id": "T1", "keywords": ["sleep", "شب"]},
                      {"code_id": "C02", "label": "دکتر", "theme_id": "T1", "keywords": []}]}
    state = dec.apply(dec.initial_state(units, assigned, book),
                      [{"coder": "S", "action": "define", "target": "C01", "definition": "Broken nights."}])
    return state, documents


@needs_schemas
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_qdpx_validates_and_positions_point_at_the_quotes(line_end):
    state, documents = project(line_end)
    archive = zipfile.ZipFile(io.BytesIO(write.qdpx(state, documents, "demo")))
    root = etree.fromstring(archive.read("project.qde"))
    schema("Project-mrt2019.xsd").assertValid(root)
    ns = {"q": refi.PROJECT_NS}
    selections = 0
    for source in root.iterfind(".//q:TextSource", ns):
        stored = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://")).decode()
        assert "\r" not in stored
        for sel in source.iterfind("q:PlainTextSelection", ns):
            unit = next(u for u in state.units if u.segment_id == sel.get("name"))
            assert stored[int(sel.get("startPosition")):int(sel.get("endPosition"))] == unit.text
            selections += 1
    assert selections == 3  # the uncoded unit is not exported
    assert root.find(".//q:User", ns).get("name") == "mazmun"
    assert "Broken nights." in root.find(".//q:Code/q:Code/q:Description", ns).text


@needs_schemas
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_suggestions_are_a_second_coder_with_the_coders_own_codes(lang):
    state, documents = project("\n")
    unit = next(u for u in state.units if u.file.startswith(lang))
    part = (unit.start + 2, unit.end - 1)  # the part of the unit suggested
    data = write.qdpx(state, documents, "demo", suggested=(write.SuggestedCoding(unit, "C02", part),))
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
    schema("Project-mrt2019.xsd").assertValid(root)
    ns = {"q": refi.PROJECT_NS}
    users = {u.get("name"): u.get("guid") for u in root.iterfind(".//q:User", ns)}
    assert set(users) == {"mazmun", write.SUGGESTING_USER}
    by_suggester = [s for s in root.iterfind(".//q:PlainTextSelection", ns)
                    if s.get("creatingUser") == users[write.SUGGESTING_USER]]
    assert [s.get("name") for s in by_suggester] == [unit.segment_id]
    path = by_suggester[0].getparent().get("plainTextPath").removeprefix("internal://")
    stored = zipfile.ZipFile(io.BytesIO(data)).read(f"sources/{path}").decode("utf-8")
    start, end = int(by_suggester[0].get("startPosition")), int(by_suggester[0].get("endPosition"))
    assert stored[start:end] == unit.text[2:-1]
    rows = refi.read_qdpx(data, "demo.qdpx")
    coded = {u.segment_id for u in state.units if state.assigned[u.segment_id] == "C02"} | {unit.segment_id}
    assert sorted(r.file for r in rows if r.labels["code"] == "دکتر") == sorted(
        u.file for u in state.units if u.segment_id in coded)


@needs_schemas
def test_qdc_validates_and_reads_back():
    state, _ = project("\n")
    data = write.qdc(state)
    schema("Codebook.xsd").assertValid(etree.fromstring(data))
    paths = {p for p, _ in refi.read_qdc(data, "x.qdc").values()}
    assert paths == {("شب‌ها / nights",), ("شب‌ها / nights", "sleep"), ("شب‌ها / nights", "دکتر")}


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_round_trip_gives_the_same_codings(line_end):
    state, documents = project(line_end)
    rows = refi.read_qdpx(write.qdpx(state, documents, "demo"), "demo.qdpx")
    located, missing = locate_all(rows, {d.name: d.text for d in documents})
    assert not missing
    got = {(x.quote.file, x.start, x.end, x.quote.labels["code"], x.quote.labels["theme"]) for x in located}
    want = {(u.file, u.start, u.end, state.codes[state.assigned[u.segment_id]].label, "شب‌ها / nights")
            for u in state.units if state.assigned[u.segment_id]}
    assert got == want


def test_export_is_reproducible():
    state, documents = project("\r\n")
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert write.qdpx(state, documents, "demo", when) == write.qdpx(state, documents, "demo", when)


def test_not_a_project_is_a_coded_error():
    with pytest.raises(MazmunError) as err:
        refi.read_qdpx(b"file,quote\n", "coding.qdpx")
    assert err.value.code == "E505"


NVIVO = sorted((SCHEMAS / "samples").glob("nvivo12-*.qdpx"))


@pytest.mark.skipif(not NVIVO, reason=f"NVivo samples not found at {SCHEMAS / 'samples'}")
@pytest.mark.parametrize("path", NVIVO, ids=lambda p: p.stem)
def test_nvivo_exports_read_with_their_own_paths_and_positions(path):
    """NVivo for Windows stores sources in `Sources/` (capital S), and both NVivo exports count
    positions in UTF-16 code units: every selection must come out as whole text, as coded (in
    characters, most would start or end inside a word after the first emoji)."""
    rows = refi.read_qdpx(path.read_bytes(), path.name)
    assert len(rows) == {"nvivo12-windows": 303, "nvivo12-mac": 297}[path.stem]
    assert all(q.quote and q.quote.rstrip("\r\n") == q.quote.strip() for q in rows)  # a line, or words


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_positions_in_utf16_units_or_characters(lang):
    line = QUOTES[lang][0]
    text = f"🙂 ok 🙂\n{line}\nmore\n"
    start = text.index(line)
    whole = [(start, start + len(line))]
    assert refi.as_characters(text, [(start + 2, start + 2 + len(line))]) == (whole, refi.UTF16)
    assert refi.as_characters(text, whole) == (whole, refi.CHARACTERS)
    plain = text.replace("🙂", "-")
    assert refi.as_characters(plain, [(3, 9)]) == ([(3, 9)], refi.CHARACTERS)  # no emoji: counts agree


def _project_xml(sources: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{refi.PROJECT_NS}" name="s">'
            '<CodeBook><Codes><Code guid="t" name="Nights" isCodable="true">'
            '<Code guid="c" name="Broken sleep" isCodable="true"><Description>Woken at night.</Description>'
            f'</Code></Code></Codes></CodeBook><Sources>{sources}</Sources></Project>').encode()


def _selection(text: str, quote: str, guid: str = "s1") -> str:
    start = text.index(quote)
    return (f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{start + len(quote)}">'
            '<Coding guid="k"><CodeRef targetGUID="c"/></Coding></PlainTextSelection>')


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_sources_stored_as_docx_pdf_or_media(lang):
    """ATLAS.ti names its .qde after the project; a source stored only as .docx is read from it
    when its selections fall on that text; one whose positions do not, a PDF without a text
    representation, and an audio source are listed as not read, with why — never guessed at."""
    text = TEXTS[lang].split("\n\n")[3]
    plain = "\n".join(TEXTS[lang].split("\n\n"))
    quote = QUOTES[lang][0]
    shift = text.index(quote) + 1  # inside a word: the tool's text is not the one its .docx gives
    xml = _project_xml(
        f'<TextSource guid="a" name="docx-only" richTextPath="internal://a.docx">{_selection(plain, quote)}'
        f'</TextSource><TextSource guid="b" name="shifted" richTextPath="internal://b.docx">'
        f'<PlainTextSelection guid="s2" startPosition="{shift}" endPosition="{shift + len(quote)}">'
        f'<Coding guid="k2"><CodeRef targetGUID="c"/></Coding></PlainTextSelection></TextSource>'
        f'<PDFSource guid="p" name="scan" path="internal://p.pdf"/>'
        f'<AudioSource guid="m" name="recording" path="internal://m.mp3"/>')
    data = _zip({"My Study.qde": xml, "sources/a.docx": as_docx(TEXTS[lang].split("\n\n")),
                 "sources/b.docx": as_docx([text])})
    project = refi.read_project(data, "atlas.qdpx")
    assert [(q.file, q.quote, q.labels["code"]) for q in project.rows] == [
        ("docx-only", quote, "Broken sleep")]
    assert project.counting == {"docx-only": "characters (read from its .docx)"}
    assert set(project.unread) == {"shifted", "scan", "recording"}
    assert "do not fall on" in project.unread["shifted"] and "PDF" in project.unread["scan"]
    assert project.codes["c"] == (("Nights", "Broken sleep"), "Woken at night.")


@pytest.mark.skipif(len(NVIVO) < 2, reason=f"NVivo samples not found at {SCHEMAS / 'samples'}")
def test_nvivo_windows_and_mac_give_the_same_codings():
    """The Mac export is the same study as the Windows one with six codings fewer: every coding it
    has is in the Windows export, quote for quote; both record the UTF-16 counting they used."""
    windows, mac = (refi.read_project(p.read_bytes(), p.name) for p in sorted(NVIVO, reverse=True))
    def key(project):
        return Counter((q.file, q.quote.strip(), q.labels["code"]) for q in project.rows)
    assert not key(mac) - key(windows) and sum((key(windows) - key(mac)).values()) == 6
    for project in (windows, mac):
        assert project.counting["videos_10_selected"] == refi.UTF16 and not project.unread


@pytest.mark.parametrize("utf16", [False, True])
def test_export_counts_positions_as_asked_and_reads_back(utf16):
    """Transcripts with emoji (chat, messages): exported in characters (the standard) or UTF-16
    code units (NVivo), each read back as the same codings, with the counting recognised."""
    state, documents = project("\n")
    documents = [replace(d, text="🙂🙂 " + d.text) for d in documents]
    state = replace(state, units=tuple(replace(u, start=u.start + 3, end=u.end + 3) for u in state.units))
    project_ = refi.read_project(write.qdpx(state, documents, "demo", utf16=utf16), "demo.qdpx")
    assert set(project_.counting.values()) == {refi.UTF16 if utf16 else refi.CHARACTERS}
    texts = {d.name: d.text for d in documents}
    assert sorted(q.quote for q in project_.rows) == sorted(
        texts[u.file][u.start:u.end] for u in state.units if state.assigned[u.segment_id])


@pytest.mark.skipif(not NVIVO, reason=f"NVivo samples not found at {SCHEMAS / 'samples'}")
@pytest.mark.parametrize("path", NVIVO, ids=lambda p: p.stem)
def test_nvivo_quotes_are_located_in_their_sources_on_word_edges(path):
    """Compare finds every NVivo quote in the source it was coded in; all but the coder's own three
    selections that start or end inside a word fall on word edges."""
    data = path.read_bytes()
    archive, root = refi._open_project(data, path.name)
    texts = {name: refi._source_text(node, archive)[0] for name, node in refi._text_sources(root)[0]}
    rows = refi.read_project(data, path.name).rows
    located, missing = locate_all(rows, texts)
    assert not missing and len(located) == len(rows)
    on_edges = sum(refi._on_text(texts[x.quote.file], [(x.start, x.end)]) for x in located)
    assert on_edges >= len(rows) - 3


def test_a_project_none_of_whose_sources_can_be_read_is_E505():
    xml = _project_xml('<TextSource guid="a" name="gone" plainTextPath="internal://missing.txt"/>')
    with pytest.raises(MazmunError) as err:
        refi.read_project(_zip({"project.qde": xml}), "p.qdpx")
    assert err.value.code == "E505" and "gone" in str(err.value)
