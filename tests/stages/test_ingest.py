import re
from collections import Counter

import pytest

from pipeline.stages.ingest import IngestConfig, fold_label, ingest, parse_turns, role_of
from pipeline.types import INTERVIEWER, PARTICIPANT, SourceFile
from tests.conftest import BENCH_FILES, BENCHMARK, TEXTS, needs_benchmark

CFG = IngestConfig()


def test_turns_roles_and_offsets(lang):
    text = TEXTS[lang]
    turns = parse_turns(text, "x", CFG)
    assert [t.role for t in turns] == [INTERVIEWER, PARTICIPANT] * 3
    for turn in turns:
        body = text[turn.start:turn.end]
        assert body == body.strip() and ":" not in body[:3]
    assert text[turns[1].start:turns[1].end] in (("Yes. Good morning."), "بله. سلام.")


@pytest.mark.parametrize("label", ["Interviewer", "INTERVIEWER", "moderator", "Facilitator 2", "I", "Q",
                                   "مصاحبه‌گر", "مصاحبه گر", "مصاحبه كننده", "پرسشگر"])
def test_interviewer_labels(label):
    assert role_of(label, CFG.interviewer_patterns) == INTERVIEWER


@pytest.mark.parametrize("label", ["P3", "Participant 4", "Dr Karimi", "م۴", "شرکت‌کننده ۲", "Ida",
                                   "R", "R12", "Respondent 3"])
def test_participant_labels(label):
    """"R" is the respondent in the I/R convention (and "R12" a survey's respondent id)."""
    assert role_of(label, CFG.interviewer_patterns) == PARTICIPANT


def test_fold_label_unifies_keyboard_variants():
    assert fold_label("مصاحبه‌گر") == fold_label("مصاحبه گر") == fold_label("مصاحبه  گر")
    assert fold_label("كيان") == fold_label("کیان")


def test_untagged_paragraph_in_tagged_file_belongs_to_participant(lang):
    more = "more words here" if lang == "en" else "ادامه می‌دهم"
    text = TEXTS[lang] + "\n(continues after a pause) " + more + "\n"
    turns = parse_turns(text, "x", CFG)
    assert turns[-1].role == PARTICIPANT
    assert turns[-1].speaker == turns[1].speaker


def test_plain_paragraphs_are_the_participant(lang):
    paragraphs = [p.split(": ", 1)[1] for p in TEXTS[lang].split("\n\n") if p.strip()]
    text = "\n\n".join(paragraphs)
    turns = parse_turns(text, "P9", CFG)
    assert len(turns) == len(paragraphs)
    assert {(t.speaker, t.role) for t in turns} == {("P9", PARTICIPANT)}


def test_lines_without_blank_lines_are_turns():
    text = "Interviewer: How was it?\nP1: It was hard.\nI could not sleep.\nInterviewer: Why?\nP1: Noise."
    turns = parse_turns(text, "x", CFG)
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == [
        ("Interviewer", "How was it?"), ("P1", "It was hard.\nI could not sleep."),
        ("Interviewer", "Why?"), ("P1", "Noise.")]


def test_custom_interviewer_pattern():
    cfg = IngestConfig(interviewer_patterns=(r"dr\.? ?smith",))
    turns = parse_turns("DR SMITH: Hello.\n\nAnna: Hi there.\n", "x", cfg)
    assert [t.role for t in turns] == [INTERVIEWER, PARTICIPANT]


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n ", "empty"),
    ("only_interviewer.txt", b"Interviewer: Hello?\n\nInterviewer: Anyone?\n", "only interviewer"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    ("latin.txt", "P1: Grüße aus Köln, sagte sie.\n\nP1: Ja.".encode("latin-1"), "UTF-8"),
    ("slides.key", b"PK\x03\x04", "unsupported"),
    ("slides.pdf", b"%PDF-1.4", "not a readable .pdf"),
    (".DS_Store", b"\x00\x01", "hidden"),
])
def test_bad_files_are_skipped_with_a_reason(name, data, reason):
    corpus = ingest([SourceFile(name, data), SourceFile("ok.txt", TEXTS["en"].encode())], CFG)
    assert [d.name for d in corpus.documents] == ["ok.txt"]
    assert len(corpus.skipped) == 1 and corpus.skipped[0].name == name
    assert reason in corpus.skipped[0].reason


@needs_benchmark
@pytest.mark.parametrize("path", BENCH_FILES, ids=lambda p: "/".join(p.parts[-4:]))
def test_benchmark_files_parse(path):
    (doc,) = ingest([SourceFile(path.name, path.read_bytes())], CFG).documents
    roles = Counter(t.role for t in doc.turns)
    if "serdif" in path.parts:  # real sessions: a moderator's few tagged words among untagged talk
        tagged = re.findall(r"^MODERATOR:", path.read_text(encoding="utf-8"), re.M)
        assert roles[PARTICIPANT] >= 5 and roles[INTERVIEWER] == len(tagged) >= 1
    else:
        assert roles[PARTICIPANT] >= 5 and roles[INTERVIEWER] >= 5
    assert {t.speaker for t in doc.turns if t.role == PARTICIPANT} == {path.stem}


SERDIF = BENCHMARK / "serdif"


@pytest.mark.benchmark
@pytest.mark.skipif(not (SERDIF / "raw").is_dir(), reason="serdif benchmark not found")
def test_serdif_original_odt_files_give_the_transcripts_turns_and_roles():
    """The authors' .odt files and their .txt copies: the same speakers, every moderator turn of
    the .txt found in the .odt (which splits a few lines the .txt joins), offsets in each file's
    own text."""
    def words(doc, turn):
        return " ".join(doc.text[turn.start:turn.end].split())

    for odt in sorted((SERDIF / "raw").glob("*.odt")):
        txt = SERDIF / "en" / "transcripts" / f"{odt.stem}.txt"
        (a,) = ingest([SourceFile(txt.name, txt.read_bytes())], CFG).documents
        (b,) = ingest([SourceFile(odt.name, odt.read_bytes())], CFG).documents
        assert {t.speaker for t in a.turns} == {t.speaker for t in b.turns} == {"MODERATOR", odt.stem}
        asked = {words(b, t) for t in b.turns if t.role == INTERVIEWER}
        mine = [words(a, t) for t in a.turns if t.role == INTERVIEWER]
        assert mine and all(any(w.startswith(m[:40]) for w in asked) for m in mine)
        for doc in (a, b):
            assert all(doc.text[t.start:t.end].strip() == doc.text[t.start:t.end] != "" for t in doc.turns)
