"""Human coding tables: parsing, and locating quotes exactly or after normalization."""

import pytest

from pipeline.errors import MazmunError
from pipeline.text.coding import fold, locate, locate_all, parse_coding
from tests.conftest import BENCHMARK, ROOT, TEXTS, needs_benchmark

HEADER = "file,speaker,quote_id,quote,theme_id,theme,subtheme_id,subtheme,code_id,code\n"
QUOTES = {"en": "Nights are the hardest part.", "fa": "شب‌ها از همه سخت‌تر است."}


def test_parse_reads_labels_with_ids():
    rows = parse_coding(HEADER + 'a.txt,P1,Q1,"x, y",1,Sleep,1-A,Nights,1-A-1,Waking\n', "t.csv")
    assert rows[0].quote == "x, y" and rows[0].labels == {
        "theme": "1 Sleep", "subtheme": "1-A Nights", "code": "1-A-1 Waking"}


def test_an_id_that_repeats_the_name_is_not_written_twice():
    rows = parse_coding(HEADER + 'a.txt,P1,Q1,x,T1,Sleep,,,Waking up,Waking up\n', "t.csv")
    assert rows[0].labels == {"theme": "T1 Sleep", "subtheme": "", "code": "Waking up"}


def test_parse_accepts_offsets_without_quote():
    rows = parse_coding("file,start,end,theme\na.txt,3,9,Sleep\n", "t.csv")
    assert (rows[0].start, rows[0].end, rows[0].labels["theme"]) == (3, 9, "Sleep")


@pytest.mark.parametrize("table, needle", [
    ("speaker,quote,theme\nP1,x,T\n", "file"),
    ("file,speaker,theme\na.txt,P1,T\n", "quote"),
    ("file,quote\na.txt,x\n", "theme, subtheme or code"),
])
def test_parse_names_missing_columns(table, needle):
    with pytest.raises(MazmunError) as err:
        parse_coding(table, "t.csv")
    assert err.value.code == "E501" and needle in err.value.what


def test_parse_rejects_bad_offsets():
    with pytest.raises(MazmunError, match="row 1: start"):
        parse_coding("file,start,end,theme\na.txt,x,9,T\n", "t.csv")


def test_locate_exact(lang):
    text = TEXTS[lang]
    start, end, how = locate(text, QUOTES[lang])
    assert how == "exact" and text[start:end] == QUOTES[lang]


def test_locate_after_normalization_maps_to_raw():
    raw = "م۱: شب‌ها از همه سخت‌تر است. ساعت ۳ بیدار می‌شود."
    messy = "شب ها از همه سخت تر است.  ساعت ٣ بيدار مي شود"  # spaces for ZWNJ, Arabic ي, digits
    start, end, how = locate(raw, messy)
    assert how == "normalized" and raw[start:end] == "شب‌ها از همه سخت‌تر است. ساعت ۳ بیدار می‌شود"


def test_fold_drops_diacritics_and_tatweel():
    folded, where = fold("بـالـینت  گَروه")
    assert folded == "بالینت گروه" and len(where) == len(folded)


def test_unlocatable_quotes_are_listed():
    rows = parse_coding(HEADER + "a.txt,P1,Q1,not in the text,1,T,,,,\nb.txt,P1,Q2,x,1,T,,,,\n", "t.csv")
    found, missing = locate_all(rows, {"a.txt": TEXTS["en"]})
    assert not found and [q.quote_id for q in missing] == ["Q1", "Q2"]


def test_demo_coding_is_located_exactly():
    rows = parse_coding((ROOT / "data" / "sample_coding.csv").read_text(encoding="utf-8"), "sample")
    texts = {r.file: (ROOT / "data" / "sample" / r.file).read_text(encoding="utf-8") for r in rows}
    found, missing = locate_all(rows, texts)
    assert not missing and {f.how for f in found} == {"exact"}


@needs_benchmark
@pytest.mark.parametrize("study", ["gp_iran", "covid_online"])
def test_messy_farsi_benchmark_quotes_are_all_found(study):
    """P2 (Arabic keyboard), P5 (diacritics), P7 (Windows-1256) included."""
    from pipeline.text.encoding import decode

    folder = BENCHMARK / study / "fa"
    rows = parse_coding((folder / "coding.csv").read_text(encoding="utf-8"), "coding.csv")
    texts = {p.name: decode(p.read_bytes())[0] for p in (folder / "transcripts").iterdir()}
    found, missing = locate_all(rows, texts)
    assert not missing and len(found) == len(rows)
