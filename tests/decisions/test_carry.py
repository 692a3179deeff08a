"""Decisions carried from an earlier run to a new one with added and removed transcripts."""

import pytest

from pipeline.decisions import log as dec
from pipeline.decisions.carry import CarryConfig, carry_over, match_units

QUOTES = {
    "en": ["Nights are the hardest part.", "I never sleep more than a few hours.",
           "By the afternoon I am exhausted.", "The doctors never read her file.",
           "The clinic has a waiting list of eight months.", "My sister comes on Saturdays.",
           "Her new doctor listened for once.", "I sleep in the chair next to her bed."],
    "fa": ["شب‌ها از همه سخت‌تر است.", "من هیچ‌وقت بیشتر از چند ساعت نمی‌خوابم.",
           "عصر که می‌شود از خستگی از پا افتاده‌ام.", "دکترها پرونده‌اش را نمی‌خوانند.",
           "نوبت کلینیک حافظه هشت ماه بعد است.", "خواهرم شنبه‌ها می‌آید.",
           "دکتر جدیدش این بار گوش داد.", "روی صندلی کنار تختش می‌خوابم."],
}


def units(lang, placed):
    """``placed``: (quote index, file, unit id) in order; offsets follow each file's text."""
    out, pos = [], {}
    for i, file, ident in placed:
        text = QUOTES[lang][i]
        start = pos.get(file, 0)
        out.append(dec.Unit(ident, file, "P1", start, start + len(text), text, lang))
        pos[file] = start + len(text) + 1
    return out


def book(codes):
    themes = sorted({t for t, _ in codes.values()})
    return {"themes": [{"theme_id": t, "label": f"theme {t}"} for t in themes],
            "codes": [{"code_id": c, "label": label, "theme_id": t, "keywords": []}
                      for c, (t, label) in codes.items()]}


def old_run(lang):
    """a.txt: sleep (C01); b.txt: doctors (C02) and a visit (C03)."""
    us = units(lang, [(0, "a.txt", "a#1"), (1, "a.txt", "a#2"), (2, "a.txt", "a#3"),
                      (3, "b.txt", "b#1"), (4, "b.txt", "b#2"), (5, "b.txt", "b#3")])
    assigned = {"a#1": "C01", "a#2": "C01", "a#3": "C01", "b#1": "C02", "b#2": "C02", "b#3": "C03"}
    return dec.initial_state(us, assigned, book({"C01": ("T1", "sleep"), "C02": ("T2", "doctors"),
                                                 "C03": ("T2", "visits")}))


def new_run(lang):
    """b.txt removed except its doctors quote, now in renamed file b2.txt; c.txt added. The
    clustering numbers the codes differently: doctors are C01, sleep is C02."""
    us = units(lang, [(0, "a.txt", "a#1"), (1, "a.txt", "a#2"), (2, "a.txt", "a#3"),
                      (3, "b2.txt", "b2#1"), (6, "c.txt", "c#1"), (7, "c.txt", "c#2")])
    assigned = {"a#1": "C02", "a#2": "C02", "a#3": "C02", "c#2": "C02", "b2#1": "C01", "c#1": "C01"}
    return dec.initial_state(us, assigned, book({"C01": ("T1", "doctor · file"),
                                                 "C02": ("T2", "sleep · night")}))


def d(n, action, **fields):
    return {"id": f"d{n}", "at": "2026-11-20T10:00:00Z", "coder": "Sara", "action": action, **fields}


DECISIONS = [
    d(1, "accept", code="C01"), d(2, "rename", target="C01", label="Broken nights"),
    d(3, "define", target="C02", definition="Include: doctors who do not know the patient."),
    d(4, "rename", target="T1", label="Nights"), d(5, "reject", code="C03"),
    d(6, "split", code="C01", parts=[["a#1", "a#2"], ["a#3"]]),
    d(7, "move_unit", unit="b#2", code="C01.1"), d(8, "create_theme", theme="N1", label="Family"),
    d(9, "move_code", code="C02", theme="N1"),
]


def carried(lang):
    return carry_over(old_run(lang), DECISIONS, new_run(lang), unchanged={"a.txt"}, source="runs/old",
                      cfg=CarryConfig())


def test_units_match_by_text_even_in_a_renamed_file(lang):
    got = carried(lang)
    assert got.units == {"a#1": "a#1", "a#2": "a#2", "a#3": "a#3", "b#1": "b2#1"}


def test_codes_match_by_their_units_whatever_their_new_ids(lang):
    got = carried(lang)
    assert got.codes == {"C01": "C02", "C02": "C01"} and got.themes == {"T1": "T2", "T2": "T1"}


def test_confirmed_names_definitions_and_splits_carry_over(lang):
    got = carried(lang)
    state = dec.apply(new_run(lang), list(got.decisions))
    sleep = [c for c in state.codes.values() if c.label.startswith("Broken nights")]
    assert {c.id for c in sleep} == {"C02", "C02.1", "C02.2"}  # split again, under the new id
    assert state.members("C02.1") == ["a#1", "a#2"] and state.members("C02.2") == ["a#3"]
    assert state.members("C02") == ["c#2"]  # a new interview's unit waits in the split code
    assert state.codes["C01"].definition.startswith("Include: doctors")
    assert state.codes["C01"].theme == "N1" and state.themes["T2"].label == "Nights"
    assert all(x["carried_from"] == "runs/old" for x in got.decisions) and not state.problems


def test_what_cannot_be_matched_is_reported_not_guessed(lang):
    got = carried(lang)
    assert got.unmatched_codes == ("C03",)
    assert [n.split()[1] for n in got.not_carried] == ["reject", "move_unit"]
    assert "b#2 is not in the new run" in got.not_carried[1]


def test_offsets_match_units_of_an_unchanged_file_cut_differently(lang):
    old = units(lang, [(0, "a.txt", "a#1"), (1, "a.txt", "a#2")])
    joined = QUOTES[lang][0] + " " + QUOTES[lang][1]
    new = [dec.Unit("a#1", "a.txt", "P1", 0, len(joined), joined, lang)]
    assert match_units(tuple(old), tuple(new), {"a.txt"}, CarryConfig()) == {"a#2": "a#1"}
    assert match_units(tuple(old), tuple(new), set(), CarryConfig()) == {}


@pytest.mark.parametrize("share, expected", [(0.5, {"C01": "C02", "C02": "C01"}), (1.0, {"C01": "C02"})])
def test_min_share_decides_how_much_of_a_code_must_be_found(lang, share, expected):
    got = carry_over(old_run(lang), [], new_run(lang), {"a.txt"}, "old", CarryConfig(min_share=share))
    assert got.codes == expected
