"""The command line: user errors are one line and a non-zero exit, never a traceback."""


import pytest

from tests.conftest import ROOT, mazmun


@pytest.fixture
def folders(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "a.pptx").write_bytes(b"PK\x03\x04")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "a.txt").write_bytes(b"")
    (tmp_path / "bad.yaml").write_text("cluster:\n  min_size: 3\n")
    return tmp_path


@pytest.mark.parametrize("case,code", [
    ("missing", "E101"), ("empty", "E102"), ("slides", "E103"), ("broken", "E104"), ("config", "E202"),
])
def test_user_errors(folders, case, code):
    args = {"missing": ["analyze", folders / "nope"], "empty": ["analyze", folders / "empty"],
            "slides": ["analyze", folders / "slides"], "broken": ["analyze", folders / "broken"],
            "config": ["analyze", ROOT / "data" / "sample", "--config", folders / "bad.yaml"]}[case]
    result = mazmun(*args, "--out", folders / "run")
    assert result.returncode == 2
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("mazmun: error")]
    assert len(errors) == 1 and f"[{code}]" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (folders / "run").exists()


def test_verbose_shows_the_traceback(folders):
    result = mazmun("analyze", folders / "nope", "--verbose")
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_help_lists_the_commands():
    result = mazmun("--help")
    assert result.returncode == 0 and "analyze" in result.stdout
