"""mazmun export end to end: a demo run (one Farsi file with Windows line endings) exported in
every format, decisions replayed, and the exported project read back by mazmun compare."""

import csv
import io
import json
import zipfile

import pytest

from tests.conftest import SAMPLE, mazmun
from tests.exchange.test_refi import SCHEMAS, etree, schema

CRLF_FILE = "fa_caregiver_04.txt"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    folder = base / "transcripts"
    folder.mkdir()
    for path in SAMPLE.iterdir():
        text = path.read_text(encoding="utf-8")
        data = text.replace("\n", "\r\n") if path.name == CRLF_FILE else text
        (folder / path.name).write_bytes(data.encode("utf-8"))
    result = mazmun("analyze", folder, "--out", base / "run", "--quiet",
                  "--set", f"embed.cache_dir={base / 'cache'}")
    assert result.returncode == 0, result.stderr
    return base


def export(run, fmt, out, *extra):
    result = mazmun("export", run, "--format", fmt, "--out", out, *extra)
    assert result.returncode == 0, result.stderr
    return out


def test_every_format_is_written(demo_run, tmp_path):
    run = demo_run / "run"
    book = json.loads((run / "codebook.json").read_text(encoding="utf-8"))
    data = json.loads(export(run, "json", tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [c["code_id"] for c in data["codes"]] == sorted(c["code_id"] for c in book["codes"])
    written = export(run, "csv", tmp_path / "c.csv").read_text(encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(written)))
    raw = {p.name: p.read_bytes().decode("utf-8") for p in (demo_run / "transcripts").iterdir()}
    assert table and all(raw[r["file"]][int(r["start"]):int(r["end"])] == r["quote"] for r in table)
    assert any("\r\n" in raw[r["file"]] for r in table)
    if (SCHEMAS / "Codebook.xsd").is_file():
        schema("Codebook.xsd").assertValid(etree.parse(str(export(run, "qdc", tmp_path / "c.qdc"))))
        qdpx = zipfile.ZipFile(export(run, "qdpx", tmp_path / "c.qdpx"))
        schema("Project-mrt2019.xsd").assertValid(etree.fromstring(qdpx.read("project.qde")))


@pytest.mark.parametrize("fmt", ["qdpx", "csv"])
def test_compare_reads_the_export_back_as_the_same_coding(demo_run, tmp_path, fmt):
    run = demo_run / "run"
    coding = export(run, fmt, tmp_path / f"own.{fmt}")
    result = mazmun("compare", run, coding, "--level", "code")
    assert result.returncode == 0, result.stderr
    data = json.loads((run / "comparison.json").read_text(encoding="utf-8"))
    assert data["quotes"]["located"] == data["quotes"]["total"] > 0
    scores = data["scores"]["code"]["code"]
    assert scores["nmi"] == pytest.approx(1) and scores["coverage"] == pytest.approx(1)
    named = data["label_agreement"]  # each code's label is its human code's name: ranked first
    assert named["matched"] == len(json.loads((run / "codebook.json").read_text())["codes"])
    assert named["hit1"] == 1.0
    assert "## Label agreement" in (run / "comparison.md").read_text(encoding="utf-8")


def test_confirmed_exports_only_accepted_codes(demo_run, tmp_path):
    run = demo_run / "run"
    lines = [{"coder": "Sara", "action": "accept", "code": "C02"},
             {"coder": "Sara", "action": "rename", "target": "C02", "label": "مراقبت / care"},
             {"coder": "Reza", "action": "accept", "code": "C01"}]
    (run / "decisions.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                         encoding="utf-8")
    try:
        sara = json.loads(export(run, "json", tmp_path / "s.json", "--confirmed", "--coder", "Sara")
                          .read_text(encoding="utf-8"))
        both = json.loads(export(run, "json", tmp_path / "b.json", "--confirmed").read_text(encoding="utf-8"))
    finally:
        (run / "decisions.jsonl").unlink()
    assert [(c["code_id"], c["label"], c["status"]) for c in sara["codes"]] == [
        ("C02", "مراقبت / care", "accepted")]
    assert [c["code_id"] for c in both["codes"]] == ["C01", "C02"]


def test_a_broken_decision_line_is_one_coded_error(demo_run, tmp_path):
    run = demo_run / "run"
    (run / "decisions.jsonl").write_text('{"coder": "S", "action": "delete"}\n', encoding="utf-8")
    try:
        result = mazmun("export", run, "--format", "csv", "--out", tmp_path / "x.csv")
    finally:
        (run / "decisions.jsonl").unlink()
    assert result.returncode == 2 and "[E504]" in result.stderr and "decisions.jsonl line 1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.csv").exists()


def test_a_qdc_codebook_is_a_comparison_target_and_a_starting_point(demo_run, tmp_path):
    """The run's own codebook, exported as .qdc: each code finds itself by meaning; imported,
    its codes appear (once, however often imported) beside the candidates for the coder."""
    import shutil

    from pipeline.runs.folder import RunFolder

    run = tmp_path / "run"
    shutil.copytree(demo_run / "run", run)
    book = export(run, "qdc", tmp_path / "own.qdc")
    result = mazmun("compare", run, book)
    assert result.returncode == 0, result.stderr
    data = json.loads((run / "codebook_comparison.json").read_text(encoding="utf-8"))
    assert data["human_codes"] == len(RunFolder.read(run).state().codes)
    assert sum(r["code"] == r["candidate_label"] for r in data["rows"]) >= data["human_codes"] / 2
    assert "mutual nearest" in (run / "codebook_comparison.md").read_text(encoding="utf-8")
    for _ in range(2):
        result = mazmun("import-codebook", run, book, "--coder", "Sara")
        assert result.returncode == 0, result.stderr
    state = RunFolder.read(run).state("Sara")
    imported = [c for c in state.codes.values() if c.origin == "own.qdc"]
    assert len(imported) == data["human_codes"] and not state.problems
    assert "nearest candidate" in result.stderr


def test_a_project_with_a_codebook_and_no_codings_is_a_starting_codebook(demo_run, tmp_path):
    """As MAXQDA exports a codebook in a project: flat codes with their descriptions, grouped by
    code sets, no coded text. Compare reads it as a codebook; import-codebook puts each code
    under its set (the theme) and writes what it read to human_coding.csv."""
    import shutil
    from xml.sax.saxutils import quoteattr

    from pipeline.runs.folder import RunFolder

    run = tmp_path / "run"
    shutil.copytree(demo_run / "run", run)
    state = RunFolder.read(run).state()
    codes = sorted(state.codes.values(), key=lambda c: c.id)
    elements = "".join(f'<Code guid="{c.id}" name={quoteattr(c.label)} isCodable="true"><Description>'
                       f'Talk about {", ".join(c.keywords[:3])}.</Description></Code>' for c in codes)
    members = {t: "".join(f'<MemberCode targetGUID="{c.id}"/>' for c in codes if c.theme == t)
               for t in state.themes}
    sets = "".join(f'<Set guid="set-{t.id}" name={quoteattr("Set " + t.label)}>{members[t.id]}</Set>'
                   for t in state.themes.values())
    xml = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="MAXQDA 24">'
           f'<CodeBook><Codes>{elements}</Codes></CodeBook><Sets>{sets}</Sets></Project>')
    book = tmp_path / "maxqda.qdpx"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("project.qde", xml)
    result = mazmun("compare", run, book)
    assert result.returncode == 0, result.stderr
    assert "holds a codebook and no sources" in result.stderr
    result = mazmun("import-codebook", run, book, "--coder", "Sara")
    assert result.returncode == 0, result.stderr
    imported = [c for c in RunFolder.read(run).state("Sara").codes.values() if c.origin == "maxqda.qdpx"]
    themes = RunFolder.read(run).state("Sara").themes
    assert len(imported) == len(codes) and all(themes[c.theme].label.startswith("Set ") for c in imported)
    with open(run / "human_coding.csv", encoding="utf-8", newline="") as f:
        read = list(csv.DictReader(f))
    assert len(read) == len(codes) and {r["found"] for r in read} == {"codebook only"}
    assert all(r["theme"].startswith("Set ") for r in read)


def test_an_export_that_could_not_be_written_is_refused_before_any_work(tmp_path):
    """E401 comes first: the run folder (missing here, E502) is not even read."""
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / "file" / "codes.csv"
    result = mazmun("export", tmp_path / "no-run", "--format", "csv", "--out", out)
    assert result.returncode == 2 and "[E401]" in result.stderr and "E502" not in result.stderr
