import io

import pytest

from pipeline.stages.ingest import IngestConfig, parse_turns
from pipeline.text.formats import FormatError, extract
from pipeline.types import INTERVIEWER, PARTICIPANT
from tests.conftest import TEXTS

PARAGRAPHS = {lang: [p for p in text.split("\n\n") if p.strip()] for lang, text in TEXTS.items()}


def _roles(text):
    return [(t.speaker, t.role) for t in parse_turns(text, "x", IngestConfig())]


def _docx(paragraphs):
    import docx

    doc = docx.Document()
    for p in paragraphs:
        doc.add_paragraph(p.strip())
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _odt(paragraphs):
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    for p in paragraphs:
        doc.text.addElement(P(text=p.strip()))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("maker,suffix", [(_docx, ".docx"), (_odt, ".odt")])
def test_word_processor_files_keep_turns(lang, maker, suffix):
    text, _ = extract("t" + suffix, maker(PARAGRAPHS[lang]), ())
    assert text == "\n\n".join(p.strip() for p in PARAGRAPHS[lang])
    assert _roles(text) == _roles(TEXTS[lang].strip())


def test_vtt_voices_and_consecutive_cues_merge(lang):
    speaker = "P1" if lang == "en" else "م۱"
    words = PARAGRAPHS[lang][3].split(": ", 1)[1]
    half = len(words) // 2
    vtt = (f"WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How are you?</v>\n\n"
           f"2\n00:00:05.000 --> 00:00:09.000\n<v {speaker}>{words[:half]}</v>\n\n"
           f"3\n00:00:09.000 --> 00:00:12.000\n<v {speaker}>{words[half:]}</v>\n")
    text, _ = extract("zoom.vtt", vtt.encode(), ())
    assert _roles(text) == [("Interviewer", INTERVIEWER), (speaker, PARTICIPANT)]
    assert words[:half].strip() in text and words[half:].strip() in text


def test_srt_inline_speakers():
    srt = ("1\n00:00:01,000 --> 00:00:03,000\nModerator: Welcome, everyone.\n\n"
           "2\n00:00:04,000 --> 00:00:08,000\nP2: The waiting lists are very long here.\n")
    text, _ = extract("teams.srt", srt.encode(), ())
    assert _roles(text) == [("Moderator", INTERVIEWER), ("P2", PARTICIPANT)]


def test_csv_speaker_text_columns(lang):
    rows = [p.split(": ", 1) for p in PARAGRAPHS[lang]]
    data = "Speaker,Text\n" + "".join(f'{s},"{t.strip()}"\n' for s, t in rows)
    text, _ = extract("t.csv", data.encode(), ())
    assert _roles(text) == _roles(TEXTS[lang].strip())


ANSWERS = {"en": ["The waiting list for the clinic is far too long for my mother.",
                  "Nurses explained every step, which helped me a lot."],
           "fa": ["صف انتظار درمانگاه برای مادرم خیلی طولانی است.",
                  "پرستارها همه‌ی مراحل را توضیح دادند و این خیلی کمکم کرد."]}


@pytest.mark.parametrize("header", ["Answer", "Response ID,Submitted,Rating,What could we do better?"])
def test_survey_csv_one_respondent_per_row(lang, header):
    """Open-ended survey exports: an answer column (named, or the column of free text beside
    ids, dates and ratings); each row a respondent, named by its id or its row."""
    wide = "," in header
    rows = "".join((f'R{i},2026-03-0{i},4,"{a}"\n' if wide else f'"{a}"\n')
                   for i, a in enumerate(ANSWERS[lang], start=1))
    text, _ = extract("survey.csv", (header + "\n" + rows).encode(), ())
    who = ["R1", "R2"] if wide else ["Respondent 1", "Respondent 2"]
    assert _roles(text) == [(w, PARTICIPANT) for w in who]
    assert all(a in text for a in ANSWERS[lang])


def test_survey_csv_reads_every_free_text_column(lang):
    """Two open-ended questions: both answers of each respondent, in the columns' order; the
    rating column is not text."""
    first, second = ANSWERS[lang]
    data = f'ID,Rating,Q1,Q2\n7,5,"{first}","{second}"\n9,2,"{second}","{first}"\n'
    text, _ = extract("survey.csv", data.encode(), ())
    assert _roles(text) == [("Respondent 7", PARTICIPANT)] * 2 + [("Respondent 9", PARTICIPANT)] * 2
    assert text.index(first) < text.index(second) < text.index(first, text.index(second))


def test_csv_without_text_is_an_error():
    with pytest.raises(FormatError, match="text"):
        extract("t.csv", b"a,b\n1,2\n", ())


def test_corrupt_docx_is_an_error():
    with pytest.raises(FormatError, match="docx"):
        extract("t.docx", b"PK\x03\x04 not really a zip", ())
