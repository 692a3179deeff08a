"""The messy-vs-clean agreement of `make bench-parity` (bench/parity.py): the clean version of a
file and the character alignment between a messy quote and its clean spelling."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from parity import clean_version, code_map, quote_agreement  # noqa: E402

MESSY = "P2: سلام. مي خواهم ٣ بار بروم. تمام."
QUOTE = "مي خواهم ٣ بار بروم."
CLEAN_QUOTE = "می‌خواهم ۳ بار بروم."


def test_clean_version_swaps_quotes_and_fixes_letters_elsewhere():
    clean = clean_version("كار. " + MESSY, [(QUOTE, CLEAN_QUOTE)])
    assert clean == "کار. P2: سلام. " + CLEAN_QUOTE + " تمام."


def test_agreement_aligns_messy_and_clean_spelling():
    clean = clean_version(MESSY, [(QUOTE, CLEAN_QUOTE)])
    i, j = MESSY.index(QUOTE), clean.index(CLEAN_QUOTE)
    a = np.full(len(MESSY), "", dtype=object)
    b = np.full(len(clean), "", dtype=object)
    a[i:i + len(QUOTE)] = "C01"
    b[j:j + len(CLEAN_QUOTE)] = "X"
    same = quote_agreement(QUOTE, CLEAN_QUOTE, a, b, (i, i + len(QUOTE)), (j, j + len(CLEAN_QUOTE)),
                           {"X": "C01"})
    assert same[0] == same[1] > 0
    b[j:j + 5] = "Y"  # part of the clean run coded elsewhere
    part = quote_agreement(QUOTE, CLEAN_QUOTE, a, b, (i, i + len(QUOTE)), (j, j + len(CLEAN_QUOTE)),
                           {"X": "C01", "Y": "C02"})
    assert part[0] < part[1]


def test_codes_of_the_clean_run_map_by_overlap():
    a = {"P1.txt": np.array(["C01"] * 5 + ["C02"] * 5, dtype=object)}
    b = {"P1.txt": np.array(["B"] * 4 + ["A"] * 6, dtype=object)}
    assert code_map(a, b, ["P1.txt"]) == {"B": "C01", "A": "C02"}
