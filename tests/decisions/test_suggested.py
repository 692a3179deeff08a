"""The review queue of suggestions (``analyze --coding``)."""

import pytest

from pipeline.decisions import log as dec
from pipeline.decisions.suggested import queue, with_coders_codes
from pipeline.stages.suggest import Suggestion
from pipeline.types import HUMAN, SUGGESTED

CODES = {"en": ("Broken nights", "Own health"), "fa": ("شب‌های بی‌خوابی", "سلامت خود مراقب")}


def _state(lang, suggestions):
    units = tuple(dec.Unit(f"u{i}", f"{lang}.txt", "P", 10 * i, 10 * i + 8, "x" * 8, lang)
                  for i in range(len(suggestions)))
    uncoded = dict.fromkeys((u.segment_id for u in units), "")
    base = dec.initial_state(units, uncoded, {"themes": [], "codes": []})
    return with_coders_codes(base, suggestions)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_least_confident_first_then_closest_to_two_codes_each_with_its_alternative(lang):
    nights, health = CODES[lang]
    suggestions = (Suggestion(nights, "caring", 1.0, HUMAN), Suggestion(health, "caring", 1.0, HUMAN),
                   Suggestion(nights, "caring", 0.57, SUGGESTED, (), None, health, 0.20),
                   Suggestion(nights, "caring", 0.57, SUGGESTED, (), (30, 34), health, 0.01),
                   Suggestion(health, "caring", 0.29, SUGGESTED, (0,), None, nights, 0.30),
                   Suggestion(health, "caring", 0.86, SUGGESTED, (), None, "", 1.0))
    state = _state(lang, suggestions)
    waiting = queue(state, suggestions, decided={"u5"})
    assert [w["unit"] for w in waiting] == ["u4", "u3", "u2"]  # u5 is decided
    ids = {state.codes[c].label: c for c in state.codes}
    assert [w["alternative"] for w in waiting] == [ids[nights], ids[health], ids[health]]
    assert waiting[1]["span"] == [30, 34] and waiting[2]["span"] == [20, 28]
    assert waiting[0]["evidence"] == ["u0"]
