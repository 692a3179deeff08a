"""The run folder's tables, rendered from what the stages computed."""

import csv
import io

import pytest

from pipeline.runs.tables import codebook_csv
from pipeline.stages.codebook import Assignment, Codebook, Entry
from pipeline.types import Segment
from tests.conftest import TEXTS


def book_of(lang, n_units):
    text = TEXTS[lang]
    units = tuple(Segment(f"u{i}", "a.txt", "P1", 0, lang, i, i + 10, text[i:i + 10], "", ())
                  for i in range(n_units))
    ids = tuple(u.segment_id for u in units)
    theme = Entry("T1", "theme", (), (), ids[:3], n_units, 1, ((lang, n_units),), children=("C01",))
    code = Entry("C01", "code", ("a",), (), ids, n_units, 1, ((lang, n_units),), parent="T1")
    return Codebook((theme,), (code,), tuple(Assignment("C01", "T1", 1.0) for _ in units)), units


@pytest.mark.parametrize("n_quotes", [1, 3, 5])
def test_codebook_csv_has_as_many_quotes_as_labels_n_quotes(lang, n_quotes):
    book, units = book_of(lang, n_quotes)
    rows = list(csv.DictReader(io.StringIO(codebook_csv(book, units, n_quotes))))
    quotes = [k for k in rows[0] if k.startswith("quote_")]
    assert quotes == [f"quote_{i + 1}" for i in range(n_quotes)]
    assert [rows[0][q] for q in quotes] == [u.text for u in units]  # verbatim, most representative first
