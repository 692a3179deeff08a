"""``mazmun report RUN``: report.html and report.json drawn again after the coders' decisions."""

import json
import shutil

import pytest

from tests.conftest import mazmun


@pytest.fixture
def run(sample_run, tmp_path):
    shutil.copytree(sample_run, tmp_path / "run")
    return tmp_path / "run"


def _decide(run, *decisions):
    with open(run / "decisions.jsonl", "a", encoding="utf-8") as log:
        for d in decisions:
            log.write(json.dumps(d, ensure_ascii=False) + "\n")


def _book(run):
    return json.loads((run / "codebook.json").read_text(encoding="utf-8"))


def test_the_report_shows_the_codebook_as_the_coders_left_it(run):
    codes = sorted(_book(run)["codes"], key=lambda c: -c["size"])
    kept, merged, absorbed, rejected = (c["code_id"] for c in codes[:4])
    _decide(run, {"coder": "Sara", "action": "rename", "target": kept, "label": "شب‌های بی‌خوابی / sleepless"},
            {"coder": "Sara", "action": "merge", "codes": [merged, absorbed], "into": merged},
            {"coder": "Reza", "action": "reject", "code": rejected},
            {"coder": "Sara", "action": "define", "target": kept, "definition": "شب‌هایی که مراقب نمی‌خوابد"})
    before = json.loads((run / "report.json").read_text(encoding="utf-8"))
    result = mazmun("report", run)
    assert result.returncode == 0, result.stderr
    after = json.loads((run / "report.json").read_text(encoding="utf-8"))
    sizes = {c["code_id"]: c["size"] for c in codes}
    assert absorbed not in after["matrix"] and rejected not in after["matrix"]
    assert sum(after["matrix"][merged].values()) == sizes[merged] + sizes[absorbed]
    assert after["matrix"][kept] == before["matrix"][kept]
    assert after["stability"]["codes"][kept] == before["stability"]["codes"][kept]  # same units: kept
    assert merged not in after["stability"]["codes"]  # a merged code was made by no clustering
    assert after["overview"]["decisions"] == {"count": 4, "coders": ["Reza", "Sara"], "not_applied": []}
    assert after["map"] == before["map"]
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "شب‌های بی‌خوابی / sleepless" in html and "4 decisions by Reza, Sara" in html
    assert "Definition: شب‌هایی که مراقب نمی‌خوابد" in html
    only = mazmun("report", run, "--coder", "Reza")
    assert only.returncode == 0, only.stderr
    reza = json.loads((run / "report.json").read_text(encoding="utf-8"))
    assert set(reza["matrix"]) == set(sizes) - {rejected}  # only Reza's rejection


def test_a_folder_that_is_no_run_is_refused_with_a_coded_line(tmp_path):
    result = mazmun("report", tmp_path)
    assert result.returncode == 2 and "[E5" in result.stderr and "Traceback" not in result.stderr


def test_after_compare_the_report_shows_agreement_heat_map_best_codes_and_label_agreement(run):
    from tests.conftest import SAMPLE

    compared = mazmun("compare", run, SAMPLE.parent / "sample_coding.csv")
    assert compared.returncode == 0, compared.stderr
    result = mazmun("report", run)
    assert result.returncode == 0, result.stderr
    found = json.loads((run / "report.json").read_text(encoding="utf-8"))["comparison"]
    comparison = json.loads((run / "comparison.json").read_text(encoding="utf-8"))
    assert found["scores"] == comparison["scores"] and found["matrix"] == comparison["matrix"]
    assert set(found["best"]) == {item["label"] for item in comparison["labels"]}
    named = found["label_agreement"]
    assert named["matched"] >= 1 and 0 <= named["hit1"] <= named["hit3"] <= 1
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "Compared with human coding" in html
    assert html.count("<tr><th><bdi>") >= len(found["matrix"]["rows"])  # a heat map row per human label
