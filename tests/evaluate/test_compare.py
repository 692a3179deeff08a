"""mazmun compare: the pure comparison, and the command end to end with its errors."""

import csv
import json
import shutil
import zipfile

import pytest

from pipeline.evaluate.compare import AutoSpan, CompareConfig, compare
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.text.coding import parse_coding
from pipeline.types import SourceFile
from tests.conftest import TEXTS, mazmun

HEADER = "file,speaker,quote_id,quote,theme_id,theme,subtheme_id,subtheme,code_id,code\n"
ANSWERS = {
    "en": ("Nights are the hardest part.", "Every appointment is a new doctor"),
    "fa": ("شب‌ها از همه سخت‌تر است.", "هر بار یک دکتر جدید است"),
}


def _setup(lang):
    doc = ingest([SourceFile("t.txt", TEXTS[lang].encode())], IngestConfig()).documents[0]
    sleep, doctors = ANSWERS[lang]
    coding = parse_coding(HEADER + f't.txt,P1,Q1,"{sleep}",1,Sleep,,,,\nt.txt,P1,Q2,"{doctors}",2,Care,,,,\n',
                          "c.csv")
    spans = []
    for i, (quote, code) in enumerate(((sleep, "C01"), (doctors, "C02"))):
        start = doc.text.index(quote)
        spans.append(AutoSpan(f"s{i}", "t.txt", start, start + len(quote), code, "T1"))
    return doc, coding, spans


def test_matching_coding_scores_one(lang):
    doc, coding, spans = _setup(lang)
    result = compare([doc], spans, coding, CompareConfig())
    s = result["scores"]["theme"]["code"]
    assert (s["nmi"], s["coverage"], s["filler_rejection"], s["recall"], s["kappa"]) == (1, 1, 1, 1, 1)
    assert result["scores"]["theme"]["theme"]["nmi"] == 0  # one automatic theme for two human ones
    assert result["quotes"]["located"] == 2 and not result["quotes"]["not_found"]
    first = result["labels"][0]
    assert first["label"] == "1 Sleep" and first["mapped_auto"] == ["C01"] and first["recalled"]
    assert first["examples"]["agree"][0]["quote"] == ANSWERS[lang][0]


def test_unassigned_quote_is_a_disagreement(lang):
    doc, coding, spans = _setup(lang)
    spans[1] = AutoSpan("s1", "t.txt", spans[1].start, spans[1].end, "", "")
    result = compare([doc], spans, coding, CompareConfig())
    care = result["labels"][1]
    assert care["unassigned"] == 1 and not care["recalled"]
    assert care["examples"]["disagree"][0]["auto"] == ""
    assert result["matrix"]["rows"][-1] == "(not coded)" and result["matrix"]["columns"][-1] == "(unassigned)"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("compare")
    folder = base / "transcripts"
    folder.mkdir()
    for lang, text in TEXTS.items():
        (folder / f"{lang}.txt").write_text(text, encoding="utf-8")
    rows = "".join(f'{lang}.txt,P1,{lang}{i},"{q}",{i},Theme {i},,,,\n'
                   for lang in TEXTS for i, q in enumerate(ANSWERS[lang], start=1))
    (base / "coding.csv").write_text(HEADER + rows, encoding="utf-8")
    result = mazmun("analyze", folder, "--out", base / "run", "--quiet",
                  "--set", f"embed.cache_dir={base / 'cache'}")
    assert result.returncode == 0, result.stderr
    return base


def test_compare_writes_json_markdown_and_heatmap(small_run):
    result = mazmun("compare", small_run / "run", small_run / "coding.csv", "--level", "theme")
    assert result.returncode == 0, result.stderr
    run = small_run / "run"
    data = json.loads((run / "comparison.json").read_text(encoding="utf-8"))
    assert data["quotes"]["located"] == 4 and set(data["scores"]) == {"theme"}
    assert 0 <= data["scores"]["theme"]["code"]["coverage"] <= 1
    markdown = (run / "comparison.md").read_text(encoding="utf-8")
    assert "## Scores" in markdown and "### 1 Theme 1" in markdown
    assert (run / "comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "human theme vs automatic code: NMI" in result.stderr
    with open(run / "human_coding.csv", encoding="utf-8", newline="") as f:
        read = list(csv.DictReader(f))
    texts = {p.name: p.read_text(encoding="utf-8") for p in (small_run / "transcripts").iterdir()}
    assert len(read) == 4 and all(texts[r["file"]][int(r["start"]):int(r["end"])] == r["quote"] for r in read)
    assert {r["theme"] for r in read} == {"1 Theme 1", "2 Theme 2"} and "positions" not in data


def test_compare_with_a_project_records_how_positions_were_counted(small_run):
    """A .qdpx: positions read as characters, said on screen, in comparison.json and
    comparison.md; the import checkable line by line in human_coding.csv."""
    from xml.sax.saxutils import escape

    run, sources = small_run / "run", ""
    for lang, text in TEXTS.items():
        selections = "".join(
            f'<PlainTextSelection guid="s{lang}{i}" startPosition="{text.index(q)}" '
            f'endPosition="{text.index(q) + len(q)}"><Coding guid="k{lang}{i}"><CodeRef targetGUID="c{i}"/>'
            '</Coding></PlainTextSelection>' for i, q in enumerate(ANSWERS[lang]))
        sources += (f'<TextSource guid="{lang}" name="{lang}.txt"><PlainTextContent>{escape(text)}'
                    f'</PlainTextContent>{selections}</TextSource>')
    xml = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
           '<CodeBook><Codes><Code guid="c0" name="nights" isCodable="true"/><Code guid="c1" name="doctors" '
           f'isCodable="true"/></Codes></CodeBook><Sources>{sources}</Sources></Project>')
    with zipfile.ZipFile(small_run / "coding.qdpx", "w") as zf:
        zf.writestr("project.qde", xml)
    result = mazmun("compare", run, small_run / "coding.qdpx", "--level", "code")
    assert result.returncode == 0, result.stderr
    data = json.loads((run / "comparison.json").read_text(encoding="utf-8"))
    assert set(data["positions"].values()) == {"characters"} and data["unread_sources"] == {}
    assert "positions read as characters" in result.stderr
    assert "## Reading the project" in (run / "comparison.md").read_text(encoding="utf-8")
    with open(run / "human_coding.csv", encoding="utf-8", newline="") as f:
        assert all(r["found"] == "exact" for r in csv.DictReader(f))


@pytest.mark.parametrize("case, code", [("no-coding", "E501"), ("not-a-run", "E502"),
                                        ("changed", "E503"), ("unknown-file", "E501")])
def test_compare_errors_are_one_coded_line(small_run, tmp_path, case, code):
    run, coding, extra = small_run / "run", small_run / "coding.csv", []
    if case == "no-coding":
        coding = tmp_path / "missing.csv"
    elif case == "not-a-run":
        run = tmp_path
    elif case == "changed":
        changed = tmp_path / "transcripts"
        changed.mkdir()
        for path in (small_run / "transcripts").iterdir():
            text = path.read_text(encoding="utf-8") + "\nP1: more.\n"
            (changed / path.name).write_text(text, encoding="utf-8")
        extra = ["--transcripts", changed]
    else:
        coding = tmp_path / "c.csv"
        coding.write_text(HEADER + 'other.txt,P1,Q,"x",1,T,,,,\n', encoding="utf-8")
    result = mazmun("compare", run, coding, *extra)
    assert result.returncode == 2 and f"[{code}]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_comparison_that_could_not_be_kept_is_refused_before_any_work(small_run, tmp_path):
    """A folder where comparison.md should go: E401 before the transcripts (missing here, E503)
    are read."""
    run = tmp_path / "run"
    shutil.copytree(small_run / "run", run)
    (run / "comparison.md").unlink(missing_ok=True)  # an earlier test's comparison
    (run / "comparison.md").mkdir()
    result = mazmun("compare", run, small_run / "coding.csv", "--transcripts", tmp_path / "nowhere")
    assert result.returncode == 2 and "[E401]" in result.stderr and "E503" not in result.stderr
