"""Coders' decisions replayed over a run's candidate codebook."""

import json

import pytest

from pipeline.decisions import log as dec
from pipeline.errors import MazmunError

QUOTES = {
    "en": ["Nights are the hardest part.", "I never sleep.", "The doctors never read her file.",
           "The clinic has a waiting list.", "Good morning."],
    "fa": ["شب‌ها از همه سخت‌تر است.", "من هیچ‌وقت نمی‌خوابم.", "دکترها پرونده‌اش را نمی‌خوانند.",
           "نوبت کلینیک هشت ماه بعد است.", "سلام."],
}


def state(lang):
    units, pos = [], 0
    for i, text in enumerate(QUOTES[lang]):
        units.append(dec.Unit(f"u{i}", f"{lang}.txt", "P1", pos, pos + len(text), text))
        pos += len(text) + 1
    book = {"themes": [{"theme_id": "T1", "label": "nights"}, {"theme_id": "T2", "label": "care"}],
            "codes": [{"code_id": "C01", "label": "sleep", "theme_id": "T1", "keywords": ["sleep"]},
                      {"code_id": "C02", "label": "doctors", "theme_id": "T2", "keywords": []}]}
    assigned = {"u0": "C01", "u1": "C01", "u2": "C02", "u3": "C02"}
    return dec.initial_state(units, assigned, book)


def d(action, **fields):
    return {"id": f"d-{action}", "at": "2026-11-23T10:00:00Z", "coder": "Sara", "action": action, **fields}


def test_initial_state_is_the_candidate_codebook(lang):
    s = state(lang)
    assert s.members("C01") == ["u0", "u1"] and s.assigned["u4"] == ""
    assert all(c.status == dec.CANDIDATE for c in s.codes.values())
    assert s.confirmed().codes == {} and set(s.confirmed().assigned.values()) == {""}


def test_accept_rename_define_confirm_a_code(lang):
    s = dec.apply(state(lang), [d("accept", code="C01"), d("rename", target="C01", label="بی‌خوابی"),
                                d("define", target="C01", definition="Include: broken nights."),
                                d("rename", target="T2", label="Health care")])
    c = s.codes["C01"]
    assert (c.status, c.label, c.definition) == (dec.ACCEPTED, "بی‌خوابی", "Include: broken nights.")
    assert s.themes["T2"].label == "Health care"
    confirmed = s.confirmed()
    assert set(confirmed.codes) == {"C01"} and set(confirmed.themes) == {"T1"}
    assert confirmed.assigned["u2"] == "" and confirmed.assigned["u0"] == "C01"


def test_merge_moves_units_and_later_decisions_on_the_merged_code_are_reported(lang):
    s = dec.apply(state(lang), [d("merge", codes=["C01", "C02"], into="C01", label="burden"),
                                d("accept", code="C02")])
    assert set(s.codes) == {"C01"} and s.members("C01") == ["u0", "u1", "u2", "u3"]
    assert s.codes["C01"].label == "burden" and s.codes["C01"].origin == "C01 + C02"
    assert len(s.problems) == 1 and "no code C02" in s.problems[0]


def test_split_makes_one_code_per_part(lang):
    s = dec.apply(state(lang), [d("split", code="C02", parts=[["u2"], ["u3"]])])
    assert "C02" not in s.codes and s.members("C02.1") == ["u2"] and s.members("C02.2") == ["u3"]
    assert s.codes["C02.1"].theme == "T2"
    split = d("split", code="C02", parts=[["u2"], ["u3"]])
    stale = dec.apply(state(lang), [d("move_unit", unit="u3", code=""), split])
    assert "C02" in stale.codes and stale.problems


def test_split_leaves_units_in_no_part_in_the_code(lang):
    """A split carried to a later run: the code's new units wait in it for the coder."""
    s = dec.apply(state(lang), [d("move_unit", unit="u4", code="C02"),
                                d("split", code="C02", parts=[["u2"], ["u3"]])])
    assert s.members("C02") == ["u4"] and s.members("C02.1") == ["u2"] and not s.problems


def test_create_code_makes_an_empty_code_units_can_join(lang):
    s = dec.apply(state(lang), [d("create_code", code="Q1", label="Respite", theme="T1",
                                  definition="Time away from caring."),
                                d("merge", codes=["C01", "Q1"], into="Q1"),
                                d("create_code", code="Q2", label="x", theme="T9")])
    assert s.codes["Q1"].definition == "Time away from caring." and s.members("Q1") == ["u0", "u1"]
    assert len(s.problems) == 1 and "no theme T9" in s.problems[0]


def test_reject_move_and_assign(lang):
    s = dec.apply(state(lang), [d("create_theme", theme="T3", label="access"),
                                d("move_code", code="C02", theme="T3"),
                                d("move_unit", unit="u1", code="C02"),
                                d("move_unit", unit="u4", code="C01"),
                                d("reject", code="C01")])
    assert s.codes["C02"].theme == "T3" and s.members("C02") == ["u1", "u2", "u3"]
    assert "C01" not in s.codes and s.assigned["u0"] == "" and s.assigned["u4"] == ""


def test_read_skips_a_line_cut_off_mid_write():
    lines = [json.dumps(d("accept", code="C01")), json.dumps(d("reject", code="C02"))]
    text = "\n".join(lines) + "\n" + lines[0][:20]
    assert [x["action"] for x in dec.read(text, "decisions.jsonl")] == ["accept", "reject"]


@pytest.mark.parametrize("line, message", [
    ("{not json", "not a JSON object"),
    ('{"id": ' + "9" * 5000 + "}", "not a JSON object"),  # json raises a plain ValueError here
    ('{"coder": "S", "action": "delete", "code": "C01"}', "unknown action 'delete'"),
    ('{"coder": "S", "action": "merge", "codes": ["C01"]}', "merge needs into"),
])
def test_malformed_lines_are_coded_errors(line, message):
    with pytest.raises(MazmunError) as err:
        dec.read(line + "\n" + "{}\n", "decisions.jsonl")
    assert err.value.code == "E504" and message in str(err.value) and "line 1" in str(err.value)


def test_every_action_is_declared_once_with_fields_replay_and_carry_over_can_use():
    """The schema names each action's fields; the replay has a function for each action, and
    carry-over knows how to rewrite every id field (merge's lists are rewritten apart)."""
    from pipeline.decisions.log import _ACTIONS, KINDS, SCHEMA

    assert set(_ACTIONS) == set(SCHEMA)
    for action, (required, optional) in SCHEMA.items():
        fields = {**required, **optional}
        assert set(fields.values()) <= set(KINDS), action
        if action != "merge":
            ids = {k for k, kind in fields.items() if kind in ("id", "code?")}
            assert ids <= {"code", "theme", "target", "unit"}, action
