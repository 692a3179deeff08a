"""Every error code is documented in the README's table, and every code there exists."""

import re

from pipeline import errors
from tests.conftest import ROOT


def test_the_readme_error_table_lists_exactly_the_codes_in_errors_py():
    codes = [v for k, v in vars(errors).items() if k.startswith("E_")]
    table = re.findall(r"^\| (E\d{3}) \|", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert len(codes) == len(set(codes)), "two names share a code"
    assert sorted(table) == sorted(codes)


def test_an_error_line_says_what_and_how_to_fix():
    error = errors.MazmunError(errors.E_RUN, "runs/x is not a run folder", "pass the folder analyze printed")
    line = error.line()
    assert line == "[E502] runs/x is not a run folder — pass the folder analyze printed"
