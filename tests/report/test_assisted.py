"""The report of a run analyzed with the coders' coding: their codes applied, and every suggestion's
quote, the part of its unit suggested."""

import pytest

from pipeline.report.assisted import part, section, summary

TEXTS = {"en": "Well, as I said. Nights are the hardest part.",
         "fa": "خب، همان‌طور که گفتم. شب‌ها از همه سخت‌تر است."}


def unit(sid, source, code="", confidence="", text="", start=100, part_at=None):
    lo, hi = part_at if part_at else ("", "")
    return {"segment_id": sid, "file": "a.txt", "speaker": sid[-1], "text": text, "start": start,
            "end": start + len(text), "source": source, "suggested_code": code,
            "suggested_theme": "T " + code if code else "", "confidence": confidence,
            "suggested_start": lo, "suggested_end": hi, "code_id": ""}


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_suggestion_is_quoted_as_the_part_of_its_unit_suggested(lang):
    text = TEXTS[lang]
    cut = text.index(".") + 2
    row = unit("u1", "suggested", "Sleep", "0.8", text, 100, (100 + cut, 100 + len(text)))
    assert part(row) == text[cut:]
    assert part({**row, "suggested_start": "x"}) == text  # a hand-edited row: the whole unit
    assert part({**row, "suggested_end": 100 + len(text) + 5}) == text  # past the unit: the whole unit
    html = section(summary([row]), [row])
    assert text[cut:] in html.replace("&#x27;", "'") and text[:cut - 1] not in html


def test_the_summary_counts_every_source_and_each_code_its_coded_and_suggested_units():
    rows = [unit("u1", "human", "Sleep", "1.0"), unit("u2", "suggested", "Sleep", "0.6"),
            unit("u3", "suggested", "Sleep", "0.8"), unit("u4", "suggested", "Guilt", "0.5"),
            unit("u5", "new"), unit("u6", "")]
    found = summary(rows)
    assert found["counts"] == {"human": 1, "suggested": 3, "new": 1, "uncoded": 1}
    assert found["codes"]["Sleep"] == {"theme": "T Sleep", "human": 1, "suggested": 2, "confidence": 0.7,
                                       "participants": 3}
    assert found["codes"]["Guilt"]["human"] == 0 and found["codes"]["Guilt"]["confidence"] == 0.5
    assert summary([unit("u1", ""), unit("u2", "new")]) is None and section(None, []) == ""


def test_suggestions_are_listed_surest_first():
    rows = [unit("u1", "suggested", "Sleep", "0.4", "less sure"),
            unit("u2", "suggested", "Sleep", "0.9", "surer")]
    html = section(summary(rows), rows)
    assert html.index("surer") < html.index("less sure")
