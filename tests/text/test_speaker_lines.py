"""Transcription tools' exports (tests/fixtures/exports, written for the project from the vendors'
documented formats): speakers, roles and times right, every unit a clean quote of its file."""

import io
import json

import docx
import pytest

from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.preprocess import PreprocessConfig, preprocess
from pipeline.stages.segment import SegmentConfig, segment
from pipeline.text.formats import visual_order
from pipeline.text.speaker_lines import HEAD, MARKS, SPEECH, TAG, classify
from pipeline.text.timemarks import enclosed, time_at
from pipeline.types import INTERVIEWER, PARTICIPANT, SourceFile
from tests.conftest import ROOT

EXPORTS = ROOT / "tests" / "fixtures" / "exports"
FORMATS = sorted(json.loads((EXPORTS / "en" / "expected.json").read_text(encoding="utf-8")))


def as_docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def export(lang: str, name: str) -> SourceFile:
    """The fixture as the tool writes it (.docx built from its paragraphs)."""
    if name.endswith(".docx"):
        paragraphs = json.loads((EXPORTS / lang / f"{name}.json").read_text(encoding="utf-8"))
        return SourceFile(name, as_docx(paragraphs))
    return SourceFile(name, (EXPORTS / lang / name).read_bytes())


def exports(lang: str) -> list[SourceFile]:
    return [export(lang, name) for name in FORMATS]


@pytest.mark.parametrize("name", FORMATS)
def test_speakers_roles_and_times(lang, name):
    expected = json.loads((EXPORTS / lang / "expected.json").read_text(encoding="utf-8"))[name]
    corpus = ingest([export(lang, name)], IngestConfig())
    (doc,) = corpus.documents
    got = [[t.speaker, t.role, time_at(doc.marks, t.start)] for t in doc.turns]
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    assert [g[2] for g in got] == pytest.approx([e[2] for e in expected])
    for turn in doc.turns:  # the speech alone: no label, no time mark, no preamble
        said = doc.text[turn.start:turn.end]
        assert said == said.strip() and not enclosed(said) and turn.speaker not in said
        assert not said.startswith(("SUMMARY", "SPEAKERS", "Night shifts interview"))


def test_units_are_quotes_without_marks(lang):
    corpus = ingest(exports(lang), IngestConfig())
    assert len(corpus.documents) == len(FORMATS) and not corpus.skipped
    result = segment(preprocess(corpus, PreprocessConfig()), corpus.texts, SegmentConfig())
    texts = corpus.texts
    assert {s.file for s in result.segments} == set(texts)
    for unit in result.segments:
        assert texts[unit.file][unit.start:unit.end] == unit.text
        assert not enclosed(unit.text) and "#00:" not in unit.text
        assert unit.speaker in {"Sam Lee", "Speaker 2", "B", "IP", "سارا کریمی", "گوینده ۲", "مصاحبه‌شونده"}


def test_interviewer_detected_and_recorded(lang):
    corpus = ingest(exports(lang), IngestConfig())
    how = {i.file: i.how for i in corpus.interviewers}
    assert how["f4.txt"] == how["maxqda.txt"] == "label"
    assert {how[n] for n in FORMATS if n not in ("f4.txt", "maxqda.txt")} == {"detected"}
    assert all(len(i.speakers) == 1 for i in corpus.interviewers)


def test_named_interviewer_wins_over_detection():
    """--interviewer: a speaker who asks nothing is still the interviewer when named."""
    text = "Dana: Tell me about it?\n\nSam: It was hard. Why do you ask? Who knows?\n\nDana: Go on?\n"
    corpus = ingest([SourceFile("a.txt", text.encode())], IngestConfig(interviewers=("sam",)))
    assert [t.role for t in corpus.documents[0].turns] == [PARTICIPANT, INTERVIEWER, PARTICIPANT]
    assert corpus.interviewers[0].how == "named"


@pytest.mark.parametrize("line,kind,label", [
    ("Dana Roe  0:03", HEAD, "Dana Roe"),
    ("Speaker 1 (00:00:03):", HEAD, "Speaker 1"),
    ("[00:00:03.12] - Speaker 1", HEAD, "Speaker 1"),
    ("[Dana Roe] 10:02:03", HEAD, "Dana Roe"),
    ("10:15:30 From Dana Roe to Everyone:", HEAD, "Dana Roe"),
    ("سارا کریمی  1:02:03", HEAD, "سارا کریمی"),
    ("Interviewer:", HEAD, "Interviewer"),
    ("[00:00:03] Dana Roe: Hello there", TAG, "Dana Roe"),
    ("Dana Roe: [00:00:03] Hello there", TAG, "Dana Roe"),
    ("B: Also ich fand das spannend. #00:01:02-3#", TAG, "B"),
    ("00:01:02", MARKS, ""),
    ("00:00:03.000 --> 00:00:07.000", MARKS, ""),
    ("We met at 10:30 and talked.", SPEECH, ""),
    ("I think so.", SPEECH, ""),
    ("Dr. Karimi said: no", SPEECH, ""),
])
def test_line_kinds(line, kind, label):
    got = classify(line, 0, len(line), 4)
    assert (got.kind, got.label) == (kind, label)


def test_a_time_in_speech_is_not_a_mark_nor_a_heading():
    text = "P1: We start at 7:30 every day.\n\nP1: Then at 19:00 the night team comes.\n"
    (doc,) = ingest([SourceFile("a.txt", text.encode())], IngestConfig()).documents
    assert doc.marks == () and len(doc.turns) == 2 and "7:30" in doc.text[doc.turns[0].start:doc.turns[0].end]


def test_pdf_transcripts_read_like_the_others(lang):
    """A transcript printed to PDF (a page break inside a turn): the same speakers and roles."""
    pdf = SourceFile("printed.pdf", (EXPORTS / lang / "printed.pdf").read_bytes())
    corpus = ingest([pdf], IngestConfig())
    (doc,) = corpus.documents
    expected = json.loads((EXPORTS / lang / "expected.json").read_text(encoding="utf-8"))["otter.txt"]
    assert [[t.speaker, t.role] for t in doc.turns] == [e[:2] for e in expected]
    last = doc.text[doc.turns[-1].start:doc.turns[-1].end]
    assert last.endswith(("paper.", "کاغذی است.")) and corpus.interviewers[0].how == "detected"


def test_pdfs_that_would_be_misread_are_refused():
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    corpus = ingest([SourceFile("scan.pdf", buffer.getvalue()), SourceFile("bad.pdf", b"%PDF-1.4 junk")],
                    IngestConfig())
    reasons = {s.name: s.reason for s in corpus.skipped}
    assert "no text layer" in reasons["scan.pdf"] and "not a readable .pdf" in reasons["bad.pdf"]
    fa = (EXPORTS / "fa" / "otter.txt").read_text(encoding="utf-8")
    assert visual_order("\n".join(line[::-1] for line in fa.splitlines())) and not visual_order(fa)


def test_a_line_read_as_speech_keeps_its_times():
    """"Yes 10:30" looks like a heading; in a file of tags it is speech, and its time is said."""
    text = "P1: We start early.\n\nYes 10:30\n\nP1: Then the night team.\n\nI: Why?\n\nP1: Rules.\n"
    (doc,) = ingest([SourceFile("a.txt", text.encode())], IngestConfig()).documents
    assert doc.marks == () and "10:30" in doc.spoken
