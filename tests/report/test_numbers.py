"""The numbers behind the report's pictures: the code × participant matrix and saturation."""

import pytest

from pipeline.errors import MazmunError
from pipeline.report.numbers import ReportConfig, file_order, matrix, saturation

NAMES = {"en": ("P1 Dana.txt", "P2 Sam.txt", "Interviewer"),
         "fa": ("مصاحبه ۱.txt", "مصاحبه ۲.txt", "مصاحبه‌گر")}


def unit(file, code, speaker="P"):
    return {"file": file, "speaker": speaker, "code_id": code}


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_each_code_counts_the_units_each_participant_gave_it(lang):
    one, two, _ = NAMES[lang]
    rows = [unit(one, "C01"), unit(one, "C01"), unit(two, "C01", "Q"), unit(two, "C02"), unit(two, "")]
    found = matrix(rows)
    assert found == {"C01": {f"{one} · P": 2, f"{two} · Q": 1}, "C02": {f"{two} · P": 1}}
    assert {c: sum(n.values()) for c, n in found.items()} == {"C01": 3, "C02": 1}  # each code's size


@pytest.mark.parametrize("names, order, how", [
    (["P2.txt", "P10.txt", "P1.txt"], ["P1.txt", "P10.txt", "P2.txt"], "name"),
    (["b 2021-05-01.txt", "a 2021-06-30.txt"], ["b 2021-05-01.txt", "a 2021-06-30.txt"], "date"),
    (["ب_۱۴۰۲-۰۵-۱۲.txt", "الف_۱۴۰۲-۰۷-۰۱.txt"], ["ب_۱۴۰۲-۰۵-۱۲.txt", "الف_۱۴۰۲-۰۷-۰۱.txt"], "date"),
    (["x 20210501.txt", "y.txt"], ["x 20210501.txt", "y.txt"], "name"),  # not every file is dated
])
def test_interviews_are_in_the_order_of_the_dates_their_names_carry_else_by_name(names, order, how):
    assert file_order(names) == (order, how)


def test_saturation_counts_each_code_at_the_first_interview_it_appears_in_and_finds_where_it_flattens():
    codes = {"f1": "AB", "f2": "BC", "f3": "D", "f4": "A", "f5": "", "f6": "E", "f7": "", "f8": "B"}
    rows = [unit(f, c) for f, cs in codes.items() for c in cs]
    cfg = ReportConfig(saturation_base=2, saturation_run=2, saturation_share=0.2)
    found = saturation(rows, list(codes), cfg)
    assert [(f["new"], f["cumulative"]) for f in found["files"]] == \
        [(2, 2), (1, 3), (1, 4), (0, 4), (0, 4), (1, 5), (0, 5), (0, 5)]
    assert found["order"] == "name" and found["files"][4]["file"] == "f5"  # a file with no code is there
    assert found["saturated_at"] == "f5"  # f4–f5 bring 0 new codes of the 4 found before them
    strict = ReportConfig(saturation_base=4, saturation_run=3, saturation_share=0.0)
    stricter = saturation(rows, list(codes), strict)
    assert stricter["saturated_at"] is None  # f6 brings a new code in every run of three after f4


@pytest.mark.parametrize("setting", [{"saturation_base": 0}, {"saturation_run": 0},
                                     {"saturation_share": 1.0}, {"saturation_share": -0.1}])
def test_bad_report_settings_are_refused(setting):
    with pytest.raises(MazmunError, match="E203"):
        ReportConfig(**setting)


def test_places_read_back_from_a_report_are_pairs_of_numbers_in_the_unit_square():
    from pipeline.report.numbers import places_of

    found = places_of({"a#1": [0.5, 1], "a#2": [0.5], "a#3": [2.0, 0.1], "a#4": [True, 0.2], "a#5": "x"})
    assert found == {"a#1": (0.5, 1.0)}
    assert places_of([[0.1, 0.2]]) == {} and places_of(None) == {}
