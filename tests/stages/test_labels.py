import numpy as np
import pytest

from pipeline.stages.labels import LabelConfig, as_said, keywords, representatives, said, suggest_label

CFG = LabelConfig()


def test_ctfidf_prefers_words_distinctive_of_a_code():
    sleep = [("night", "sleep", "wake"), ("sleep", "night", "tired"), ("night", "sleep", "doctor")]
    system = [("doctor", "wait", "form"), ("form", "doctor", "list"), ("wait", "list", "doctor")]
    (w1, p1), (w2, p2) = keywords([sleep, system], CFG)
    assert set(w1[:2]) == {"night", "sleep"}
    assert w2[0] in ("doctor", "wait", "form", "list") and "night" not in w2[:3]
    assert "night sleep" in p1 or "sleep night" in p1


def test_farsi_half_space_keywords_and_mixed_codes():
    fa = [("جلسه‌ها", "بیمار"), ("جلسه‌ها", "احساس"), ("feeling", "patient")]
    other = [("دارو", "نسخه"), ("drug", "prescription")]
    (words, _), _ = keywords([fa, other], CFG)
    assert words[0] == "جلسه‌ها"
    assert "feeling" in words and "بیمار" in words  # a bilingual code shows both languages


def test_label_prefers_a_keyphrase_built_on_top_keywords():
    assert suggest_label(["sleep", "night"], ["night sleep"], CFG) == "night sleep"
    assert suggest_label(["sleep", "night", "wake"], ["form doctor"], CFG) == "sleep · night · wake"


def test_representatives_are_closest_to_the_centroid():
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.95, 0.05]])
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    assert representatives(x, [0, 1, 2, 3], 2)[-1] != 2
    assert 2 not in representatives(x, [0, 1, 2, 3], 3)


def test_a_code_in_both_languages_gets_keywords_and_a_label_in_both():
    mixed = [("feel", "guilty", "tired")] * 6 + [("عذاب", "وجدان")] * 2  # English the large majority
    other = [("drug", "prescription"), ("دارو", "نسخه")]
    (words, phrases), _ = keywords([mixed, other], LabelConfig(n_keywords=3))
    assert {"عذاب", "وجدان"} <= set(words) and words[0] in ("feel", "guilty", "tired")
    assert suggest_label(words, phrases, CFG) == "feel guilty / عذاب وجدان"


@pytest.mark.parametrize("tokens", [("feel", "guilty", "tired"), ("عذاب", "وجدان", "خستگی")])
def test_a_code_in_one_language_is_labelled_in_it(tokens):
    (words, phrases), _ = keywords([[tokens] * 3, [("other", "words", "دیگر")]], CFG)
    label = suggest_label(words, phrases, CFG)
    assert " / " not in label and label.split()[0] in tokens


def test_labels_and_keywords_are_written_in_the_quotes_own_words():
    """Chosen among lemmas, shown as the quotes say them: a lemma nobody said becomes the words
    they did say; a lemma they said stays, however often they inflect it."""
    units = [(("datum", "set"), ("data", "set")), (("datum", "set"), ("data", "sets")), (("set",), ("set",))]
    say = as_said(units, ["datum", "set", "datum set"])
    assert say == {"datum": "data", "set": "set", "datum set": "data set"}  # ties: first alphabetically
    assert suggest_label(["datum", "set"], ["datum set"], CFG, say) == "data set"
    assert suggest_label(["datum", "set"], [], CFG, say) == "data · set"
    assert said(["datum", "set", "data"], say) == ["data", "set"]


def test_farsi_terms_keep_their_dictionary_form():
    """hazm's lemmas are the infinitive and the singular Farsi codes are named with; the spoken
    word carries clitics (بیمارهایم: my patients)."""
    units = [(("فهمیدن", "بیمار"), ("بفهمم", "بیمار‌هایم"))] * 2
    say = as_said(units, ["فهمیدن", "بیمار", "فهمیدن بیمار", "patient"])
    assert all(term == shown for term, shown in say.items())


def test_terms_without_forms_stay_lemmas():
    assert as_said([(("sleep",), ())], ["sleep"]) == {"sleep": "sleep"}
