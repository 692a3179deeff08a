import re

import pytest

from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.preprocess import PreprocessConfig, preprocess
from pipeline.stages.segment import SegmentConfig, segment
from pipeline.types import PARTICIPANT, SourceFile
from tests.conftest import BENCH_SETS, TEXTS, needs_benchmark


def _segment(sources, cfg=None):
    cfg = cfg or SegmentConfig()
    corpus = ingest(sources, IngestConfig())
    turns = preprocess(corpus, PreprocessConfig())
    return corpus, segment(turns, {d.name: d.text for d in corpus.documents}, cfg)


def assert_nothing_lost(corpus, result):
    """Every non-space character of participant speech is in exactly one segment or dropped span."""
    for doc in corpus.documents:
        owner = {}
        for item in [s for s in result.segments if s.file == doc.name] + \
                    [d for d in result.dropped if d.file == doc.name]:
            assert doc.text[item.start:item.end] == item.text
            for i in range(item.start, item.end):
                assert i not in owner, f"{doc.name}: character {i} in two units"
                owner[i] = item
        for turn in doc.turns:
            if turn.role != PARTICIPANT:
                continue
            for i in range(turn.start, turn.end):
                if not doc.text[i].isspace():
                    assert i in owner, f"{doc.name}: {doc.text[i:i + 30]!r} lost"
                    assert owner[i].speaker == turn.speaker and owner[i].turn == turn.index


def test_units_stay_in_their_turn_and_trivial_talk_is_dropped(lang):
    corpus, result = _segment([SourceFile("t.txt", TEXTS[lang].encode())])
    assert_nothing_lost(corpus, result)
    assert len(result.segments) == 2  # the sleep answer and the doctors answer
    dropped = {d.text for d in result.dropped}
    trivial = {"en": {"Yes. Good morning.", "Right.", "Okay."}, "fa": {"بله. سلام.", "خب.", "باشه."}}
    assert dropped >= trivial[lang]
    assert all(s.speaker in ("P1", "م۱") for s in result.segments)
    assert all(len(s.forms) == len(s.tokens) > 0 for s in result.segments)  # each token's spoken word


def test_long_turns_split_at_sentence_boundaries(lang):
    corpus, result = _segment([SourceFile("t.txt", TEXTS[lang].encode())],
                              SegmentConfig(min_words=3, max_words=12))
    assert_nothing_lost(corpus, result)
    assert len(result.segments) > 2
    for s in result.segments:
        assert re.search(r"[.!?؟]$", s.text), s.text


def test_segment_ids_are_unique_and_stable(lang):
    _, first = _segment([SourceFile("t.txt", TEXTS[lang].encode())])
    _, again = _segment([SourceFile("t.txt", TEXTS[lang].encode())])
    ids = [s.segment_id for s in first.segments]
    assert len(set(ids)) == len(ids) and ids == [s.segment_id for s in again.segments]


@pytest.mark.parametrize("bad", [{"min_words": 0}, {"min_words": 20, "max_words": 10}])
def test_config_is_validated(bad):
    from pipeline.errors import MazmunError

    with pytest.raises(MazmunError, match="E203"):
        SegmentConfig(**bad)


@needs_benchmark
@pytest.mark.parametrize("folder", BENCH_SETS, ids=lambda p: "/".join(p.parts[-2:]))
def test_nothing_lost_on_benchmark(folder):
    paths = sorted((folder / "transcripts").iterdir())
    corpus, result = _segment([SourceFile(p.name, p.read_bytes()) for p in paths])
    assert len(corpus.documents) == len(paths)
    assert_nothing_lost(corpus, result)
    assert len(result.segments) >= 8 * 5


def test_non_thematic_sentences_are_dropped_with_their_kind(lang):
    from dataclasses import replace

    from pipeline.stages.segment import NON_THEMATIC

    corpus = ingest([SourceFile("t.txt", TEXTS[lang].encode())], IngestConfig())
    turns = preprocess(corpus, PreprocessConfig())
    sleep = turns[1]
    marked = tuple(replace(s, thematic=i != 1, kind="" if i != 1 else "demographics")
                   for i, s in enumerate(sleep.sentences))
    turns = (turns[0], replace(sleep, sentences=marked), *turns[2:])
    result = segment(turns, {d.name: d.text for d in corpus.documents}, SegmentConfig(min_words=1))
    assert_nothing_lost(corpus, result)
    gap = marked[1]
    assert any(d.start == gap.start and d.reason == f"{NON_THEMATIC} (demographics)" for d in result.dropped)
    assert not any(s.start <= gap.start < s.end for s in result.segments)
