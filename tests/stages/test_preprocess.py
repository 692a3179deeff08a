import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.preprocess import PreprocessConfig, language, preprocess
from pipeline.text.farsi import content_tokens, normalize, readable_lemma
from pipeline.types import SourceFile
from tests.conftest import TEXTS

CFG = PreprocessConfig()


def _turns(text, name="t.txt", encoding="utf-8"):
    corpus = ingest([SourceFile(name, text.encode(encoding))], IngestConfig())
    return corpus.documents[0], preprocess(corpus, CFG)


def test_language_per_turn(lang):
    doc, turns = _turns(TEXTS[lang])
    assert {t.lang for t in turns} == {lang}
    assert language("من در گروه Balint شرکت کردم و خیلی یاد گرفتم", CFG) == "fa"
    assert language("We call it tarof, تعارف, in Iran.", CFG) == "en"


def test_sentences_tile_participant_speech(lang):
    doc, turns = _turns(TEXTS[lang])
    for pt in turns:
        inside = "".join(doc.text[s.start:s.end] for s in pt.sentences)
        whole = doc.text[pt.turn.start:pt.turn.end]
        assert re.sub(r"\s", "", inside) == re.sub(r"\s", "", whole)
        assert all(doc.text[s.start:s.end] == doc.text[s.start:s.end].strip() for s in pt.sentences)
    assert max(len(pt.sentences) for pt in turns) >= 3


def test_content_tokens_drop_fillers_and_stop_words(lang):
    doc, turns = _turns(TEXTS[lang])
    first = turns[0].sentences  # "Yes. Good morning." / "بله. سلام."
    assert all(s.tokens == () for s in first)
    tokens = {t for pt in turns for s in pt.sentences for t in s.tokens}
    expected = {"en": {"sleep", "doctor", "exhaust", "clinic"}, "fa": {"شب", "دکتر", "بیدار", "کلینیک"}}[lang]
    assert expected <= tokens, tokens


def test_each_token_keeps_the_word_it_was_read_from(lang):
    doc, turns = _turns(TEXTS[lang])
    sentences = [s for pt in turns for s in pt.sentences if s.tokens]
    assert sentences and all(len(s.forms) == len(s.tokens) for s in sentences)
    assert all(form in s.norm.lower() for s in sentences for form in s.forms)
    assert any(form != token for s in sentences for token, form in zip(s.tokens, s.forms))  # inflected


MESSY = ("مصاحبه گر: سلام.\n\n"
         "P2: مي خواهم بگويم كه جلسـه ها خيلي كمك كرد. ٥ بار رفتم و بيمارها را بهتر فهميدم.\n")
CLEAN = "مصاحبه‌گر: سلام.\n\nP2: می‌خواهم بگویم که جلسه‌ها خیلی کمک کرد. ۵ بار رفتم و بیمارها را بهتر فهمیدم.\n"


def test_messy_and_clean_farsi_give_the_same_tokens_and_raw_offsets():
    messy_doc, messy = _turns(MESSY)
    clean_doc, clean = _turns(CLEAN)
    assert [s.tokens for s in messy[0].sentences] == [s.tokens for s in clean[0].sentences]
    assert [s.norm for s in messy[0].sentences] == [s.norm for s in clean[0].sentences]
    for s in messy[0].sentences:  # offsets point into the raw (messy) text
        assert messy_doc.text[s.start:s.end] in MESSY
    assert messy_doc.text[messy[0].sentences[0].start:messy[0].sentences[0].end].startswith("مي خواهم")


TIDY = ("مصاحبه‌گر: بفرمایید.\n\n"
        "P5: هیچ‌وقت فکر نمی‌کردم آن‌ها و شرکت‌کننده‌های دیگر این‌قدر کمک کنند. ۳ جلسه رفته‌ام.\n")
MESS = {  # each way real files differ from TIDY, one at a time
    "arabic letters": TIDY.replace("ی", "ي").replace("ک", "ك"),
    "half-spaces as spaces": TIDY.replace("\u200c", " "),
    "half-spaces left out": TIDY.replace("هیچ‌وقت", "هیچوقت").replace("آن‌ها", "آنها"),
    "endings joined": TIDY.replace("رفته‌ام", "رفتهام"),
    "diacritics": TIDY.replace("فکر", "فِکر").replace("کمک", "کُمَک"),
    "tatweel": TIDY.replace("جلسه", "جلـــسه"),
    "arabic-indic digits": TIDY.replace("۳", "٣"),
    "ascii digits": TIDY.replace("۳", "3"),
}


@pytest.mark.parametrize("kind", [*MESS, "all together"])
def test_each_kind_of_messy_farsi_reads_like_clean(kind):
    messy = MESS.get(kind) or (MESS["arabic letters"].replace("\u200c", " ").replace("۳", "٣")
                                .replace("فكر", "فِكر").replace("جلسه", "جلـسه"))
    doc, turns = _turns(messy)
    _, clean = _turns(TIDY)
    assert [s.norm for s in turns[0].sentences] == [s.norm for s in clean[0].sentences]
    assert [s.tokens for s in turns[0].sentences] == [s.tokens for s in clean[0].sentences]
    first = turns[0].sentences[0]
    start = messy.index("P5: ") + 4
    assert doc.text[first.start:first.end] == messy[start:messy.index(".", start) + 1]  # raw offsets


def test_windows_1256_file_reads_like_utf8():
    text = TIDY.replace("ی", "ي").replace("۳", "3")  # Windows-1256 has Arabic ي, no Persian ی or ۳
    doc, turns = _turns(text, encoding="cp1256")
    _, clean = _turns(TIDY)
    assert doc.encoding == "cp1256"
    assert [s.norm for s in turns[0].sentences] == [s.norm for s in clean[0].sentences]


@pytest.mark.parametrize("raw", ["كتاب‌ها را ديدم", "کتاب\u200cها را دیدم", "کِتاب‌ها را دیـــدم", "٥ كتاب",
                                 "آنها هیچوقت شرکت کننده"])
def test_normalize_map_is_monotone_and_complete(raw):
    norm, mapping = normalize(raw)
    assert len(mapping) == len(norm) + 1
    assert mapping == sorted(mapping) and mapping[-1] == len(raw)


@pytest.mark.parametrize("typed,tidy", [("کردهاند", "کرده‌اند"), ("زدهام", "زده‌ام"), ("خانهام", "خانه‌ام"),
                                        ("جلسههایمان", "جلسه‌هایمان"), ("پرندهای", "پرنده‌ای"),
                                        ("الهام", "الهام"), ("اتهام", "اتهام"), ("جلسه", "جلسه"),
                                        ("جلسه‌های", "جلسه‌های"), ("بیمار‌هایشان", "بیمار‌هایشان"),
                                        ("می‌کردهاند", "می‌کرده‌اند")])
def test_endings_typed_without_a_half_space_are_split_off(typed, tidy):
    """… and an ending already after its half-space stays whole (جلسه‌های, not جلسه‌ه‌ای)."""
    assert normalize(typed)[0] == tidy  # الهام, اتهام: words of their own, not اله + ام


@pytest.mark.parametrize("word,lemma", [("حرفش", "حرف"), ("قلبم", "قلب"), ("مادرش", "مادر"),
                                        ("احساساتم", "احساسات"), ("مردم", "مردم"), ("آدم", "آدم"),
                                        ("درست", "درست"), ("نمی‌خواهم", "خواستن")])
def test_possessive_clitics_come_off_words_hazm_keeps_whole(word, lemma):
    assert readable_lemma(word) == lemma  # مردم, آدم, درست are words, not مرد + م …


def test_spoken_fillers_with_half_spaces_are_stop_words_and_bash_reads_as_budan():
    assert content_tokens("توی جلسه این‌که گفتم هیچ‌وقت یادم نمی‌رود")[0] == ("جلسه", "یاد", "رفتن")
    assert readable_lemma("باشید") == readable_lemma("باشم") == "بودن"  # hazm: باشید#باش


def test_negated_verbs_and_ellipses_read_as_the_plain_word():
    assert readable_lemma("نکرده") == readable_lemma("کرده")
    assert content_tokens("…باور کن، حرفش را زد")[0][:1] == ("باور",)


def test_a_name_hazm_would_cut_stays_whole_when_repeated_and_the_stem_never_said():
    _, turns = _turns("مصاحبه‌گر: ?\n\nم۱: گروه بالینت به من کمک کرد. حرفش را زدم و حرف زدن آسان شد. "
                      "بالینت را دوست داشتم و قلبم آرام شد.\n")
    tokens = [t for s in turns[0].sentences for t in s.tokens]
    assert "بالینت" in tokens and "بالین" not in tokens  # hazm alone: بالین (bedside) + ت
    assert "حرف" in tokens and "حرفش" not in tokens  # حرف is said on its own: حرفش is حرف + ش
    assert "قلب" in tokens  # قلبم said once: an incidental "my heart", not a name
    assert content_tokens("گروه بالینت")[0] == ("گروه", "بالین")


def test_a_noun_with_a_clitic_hazm_takes_for_a_verb_is_the_noun_when_the_corpus_bears_it_out():
    """hazm reads خوابم (my sleep) as the verb خفتن and صورتم (my face) as صور: the corpus says
    خواب and صورت, and no other word of it reads as خفتن or صور. A verb the corpus uses in other
    forms keeps its reading (بینم: دیدن, as می‌بینم, though بین is said)."""
    text = ("مصاحبه‌گر: ?\n\nم۱: خواب کافی ندارم. خوابم کم است و صورتم خسته است. صورت بیمار را "
            "می‌بینم. بین دو جلسه بیمار را بینم.\n")
    _, turns = _turns(text)
    tokens = [t for s in turns[0].sentences for t in s.tokens]
    assert tokens.count("خواب") == 2 and "خفتن" not in tokens
    assert tokens.count("صورت") == 2 and "صور" not in tokens
    assert tokens.count("دیدن") == 2
    assert (readable_lemma("خوابم"), readable_lemma("صورتم")) == ("خفتن", "صور")  # hazm, knowing no corpus


def test_half_space_words_stay_whole_and_verbs_read_as_infinitives():
    tokens, n_words = content_tokens("نمی‌خواهم جلسه‌ها را از دست بدهم")
    assert "جلسه" in tokens or "جلسه‌ها" in tokens
    assert all(" " not in t for t in tokens) and n_words == 6
    assert readable_lemma("می‌روم") == "رفتن"
    assert readable_lemma("بیمارها") == "بیمار"


def test_normalized_reads_messy_farsi_like_clean():
    from pipeline.stages.preprocess import normalized

    clean, messy = "می‌خواهید برگردیم به سؤال ۲؟", "مي خواهيد برگرديم به سؤال ٢؟"
    assert normalized(messy, CFG) == normalized(clean, CFG)
    assert normalized("How are\n  your nights? ", CFG) == "How are your nights?"


@settings(max_examples=60)
@given(st.text("سلام کتاب‌ها يك ۱۲۳ ٤٥ ـَُ...؟!. \u200c\n\tab", max_size=400))
def test_normalized_farsi_maps_back_in_order(text):
    """Every position of the normalized text maps into the raw text, in order, whatever the raw
    text (repeats with diacritics and tatweel once cost minutes to align: now linear)."""
    norm, mapping = normalize(text * 3)
    assert len(mapping) == len(norm) + 1 and mapping[-1] == len(text * 3)
    assert all(0 <= a <= b <= len(text * 3) for a, b in zip(mapping, mapping[1:]))
