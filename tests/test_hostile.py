"""What a hostile afternoon found (issue 14), one test per case: careless users, damaged files,
kills and hostile pages end in a coded line and lose nothing, never in a traceback."""

import dataclasses
import io
import json
import os
import shutil
import socket
import threading
import tracemalloc
import typing
import urllib.error
import urllib.request
import zipfile

import pytest

from pipeline import cli
from pipeline.commands.review import Review, make_server
from pipeline.errors import MazmunError
from pipeline.exchange.refi import read_qdpx
from pipeline.run_config import SECTIONS, load_config
from pipeline.runs.decision_log import DECISIONS
from pipeline.runs.files import write_run
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.types import SourceFile
from tests.conftest import ROOT, SAMPLE, TEXTS, mazmun
from tests.text.test_formats import _docx, _odt


def status_of(*args, cwd=ROOT):
    """The real command line in a fresh process: (exit status, stderr)."""
    result = mazmun(*args, cwd=cwd)
    return result.returncode, result.stderr


def in_process(capsys, *args):
    """The command line in this process (models already loaded): (exit status, stderr)."""
    status = cli.main([str(a) for a in args])
    return status, capsys.readouterr().err


def coded_error(status, stderr, code):
    """Exit 2 with exactly one coded line, no traceback."""
    assert status == 2, stderr[-2000:]
    errors = [ln for ln in stderr.splitlines() if ln.startswith("mazmun: error")]
    assert len(errors) == 1 and f"[{code}]" in errors[0], stderr[-2000:]
    assert "Traceback" not in stderr


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def demo(sample_run):
    """The session's run of the demo corpus (``run``, with its embedding ``cache``); tests that
    change it work on a copy."""
    return sample_run.parent


@pytest.fixture
def run(demo, tmp_path):
    shutil.copytree(demo / "run", tmp_path / "run")
    return tmp_path / "run"


# 1. Data loss ------------------------------------------------------------------------------------

def test_1_out_with_a_foreign_manifest_is_refused_before_any_work(tmp_path):
    mine = tmp_path / "mine"
    (mine / "src").mkdir(parents=True)
    (mine / "manifest.json").write_text('{"v":3}')
    (mine / "NOTES.md").write_text("n")
    (mine / "src" / "app.js").write_text("1")
    before = snapshot(mine)
    status, stderr = status_of("analyze", SAMPLE, "--out", mine)
    coded_error(status, stderr, "E401")
    assert "mazmun: read" not in stderr  # refused before the pipeline read a file
    assert snapshot(mine) == before


def test_1_a_memo_in_a_previous_run_is_kept(demo, run, capsys):
    (run / "my_memo.txt").write_text("themes I noticed")
    before = snapshot(run)
    status = cli.main(["analyze", str(SAMPLE), "--out", str(run), "--quiet"])
    stderr = capsys.readouterr().err
    assert status == 2 and "[E401]" in stderr and "my_memo.txt" in stderr
    assert snapshot(run) == before


def test_1_a_previous_run_is_replaced_and_nothing_else(demo, run, capsys):
    (run / "comparison.md").write_text("old comparison")  # written by mazmun compare
    status = cli.main(["analyze", str(SAMPLE), "--out", str(run), "--quiet",
                       "--set", f"embed.cache_dir={demo / 'cache'}"])
    assert status == 0, capsys.readouterr().err
    assert not (run / "comparison.md").exists() and (run / "manifest.json").is_file()
    assert sorted(p.name for p in run.parent.iterdir()) == ["run"]  # no hidden copies left


# 2. One malformed request breaks export ------------------------------------------------------

@pytest.fixture
def served(run):
    server = make_server(Review.open(run), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield run, server.server_address[1]
    server.shutdown()
    server.server_close()


def post(port, body, headers=None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/decision", data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("body", [
    {"action": "create_theme", "theme": 5, "label": "t"},
    {"action": "accept", "code": True},
    {"action": "accept", "code": ["C01"]},
    {"action": "rename", "target": "C01", "label": None},
    {"action": "merge", "codes": "C01", "into": "C01"},
    {"action": "split", "code": "C01", "parts": [[1, 2], [3]]},
    {"action": "move_unit", "unit": {"a": 1}, "code": ""},
    {"action": ["accept"], "code": "C01"},
])
def test_2_mistyped_decisions_are_refused_and_export_still_works(served, body, tmp_path, capsys):
    run, port = served
    assert post(port, {"coder": "x", **body}) == 409
    assert post(port, {"coder": {"name": "x"}, "action": "accept", "code": "C01"}) == 409
    assert not (run / DECISIONS).exists()
    assert post(port, {"coder": "x", "action": "accept", "code": "C01"}) == 200
    status, stderr = in_process(capsys, "export", run, "--format", "csv", "--out", tmp_path / "codes.csv")
    assert status == 0, stderr


@pytest.mark.parametrize("line", ['{"coder":"x","action":"accept","code":["C01"]}',
                                  '{"coder":"x","action":"create_theme","theme":5,"label":"t"}',
                                  '{"coder":"x","action":"accept","code":"C01","extra":1}'])
@pytest.mark.parametrize("fmt", ["qdpx", "qdc", "csv", "json"])
def test_2_a_mistyped_line_is_E504_in_every_export(run, line, fmt, tmp_path, capsys):
    (run / DECISIONS).write_text(line + "\n")
    status, stderr = in_process(capsys, "export", run, "--format", fmt, "--out", tmp_path / f"x.{fmt}")
    coded_error(status, stderr, "E504")
    assert "line 1" in stderr


# 3 and 5. Damaged word-processor files ---------------------------------------------------------

def _rezip(data, member, change):
    """``data`` (a zip) with ``member``'s bytes passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


GARBAGE, CUT = (lambda b: b"\x00garbage<<" + b[:10]), (lambda b: b[: len(b) // 2])


@pytest.mark.parametrize("maker,suffix,member", [
    (_docx, ".docx", "word/document.xml"), (_docx, ".docx", "[Content_Types].xml"),
    (_odt, ".odt", "content.xml"), (_odt, ".odt", "styles.xml")])
@pytest.mark.parametrize("change", [GARBAGE, CUT], ids=["garbage", "cut"])
def test_3_5_a_damaged_file_is_skipped_and_the_others_are_read(maker, suffix, member, change, lang, capfd):
    paragraphs = [p for p in TEXTS[lang].split("\n\n") if p.strip()]
    bad = _rezip(maker(paragraphs), member, change)
    good = [SourceFile(f"good{i}{suffix}", maker(paragraphs)) for i in range(6)]
    corpus = ingest([SourceFile(f"bad{suffix}", bad), *good], IngestConfig())
    assert [d.name for d in corpus.documents] == [g.name for g in good]
    (skipped,) = corpus.skipped
    assert skipped.name == f"bad{suffix}" and suffix in skipped.reason
    assert capfd.readouterr().out == ""  # nothing of the file is printed


# 4. Long turns ------------------------------------------------------------------------------------

def _long(lang, n):
    words = TEXTS[lang].split("\n\n")[3].split(": ", 1)[1] + " "
    return (words * (n // len(words) + 1))[:n]


@pytest.mark.parametrize("n", [1_200_000])
def test_4_an_english_turn_over_spacys_limit_is_read(n):
    from pipeline.stages.preprocess import PreprocessConfig, preprocess

    head = "Interviewer: How are your nights?\n\nP1: "
    text = head + _long("en", n)
    corpus = ingest([SourceFile("long.txt", text.encode())], IngestConfig())
    (turn,) = preprocess(corpus, PreprocessConfig())
    covered = sum(s.end - s.start for s in turn.sentences)
    assert turn.sentences[0].start == len(head) and turn.sentences[-1].end == len(text.rstrip())
    assert covered >= 0.97 * n  # the sentences tile the turn (spaces between them left out)


def test_4_a_long_farsi_turn_is_normalized_piece_by_piece():
    from pipeline.text import farsi

    raw = _long("fa", 150_000)
    norm, mapping = farsi.normalize(raw)  # quadratic before: about 8 minutes
    assert len(mapping) == len(norm) + 1 and mapping[-1] == len(raw)
    assert all(a <= b for a, b in zip(mapping, mapping[1:]))
    assert norm.count("\u200c") >= raw.count("\u200c")


def test_4_a_20_mb_file_is_refused_unread_with_its_reason(tmp_path):
    from pipeline.runs.sources import read_sources

    (tmp_path / "huge.txt").write_bytes(b"P1: " + b"word " * 4_000_000)
    (tmp_path / "ok.txt").write_text(TEXTS["en"])
    sources = read_sources(tmp_path, IngestConfig())
    corpus = ingest(sources, IngestConfig())
    assert [d.name for d in corpus.documents] == ["ok.txt"]
    assert "20.0 MB" in corpus.skipped[0].reason and "ingest.max_file_mb" in corpus.skipped[0].reason


# 6. compare with no located quote ------------------------------------------------------------

@pytest.mark.parametrize("table", ["file,quote,theme\n",
                                   "file,quote,theme\nen_caregiver_01.txt,words nobody said,T\n"])
def test_6_compare_with_no_located_quote_is_E501(run, table, tmp_path, capsys):
    (tmp_path / "coding.csv").write_text(table)
    coded_error(*in_process(capsys, "compare", run, tmp_path / "coding.csv"), "E501")


def _qdpx(selections, text="P1: words said here\n"):
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
           '<CodeBook><Codes><Code guid="c1" name="T" isCodable="true"/></Codes></CodeBook><Sources>'
           f'<TextSource guid="s1" name="P1" plainTextPath="internal://s1.txt">{selections}</TextSource>'
           '</Sources></Project>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/s1.txt", text)
    return out.getvalue()


def test_6_an_empty_project_is_E501(run, tmp_path, capsys):
    (tmp_path / "p.qdpx").write_bytes(_qdpx(""))
    coded_error(*in_process(capsys, "compare", run, tmp_path / "p.qdpx"), "E501")


@pytest.mark.parametrize("start,end", [("abc", "5"), ("1", "-3"), ("1e9", "2"), ("", "4")])
def test_6_a_bad_position_in_a_project_is_E505(run, start, end, tmp_path, capsys):
    sel = (f'<PlainTextSelection guid="x" startPosition="{start}" endPosition="{end}">'
           '<Coding guid="y"><CodeRef targetGUID="c1"/></Coding></PlainTextSelection>')
    (tmp_path / "p.qdpx").write_bytes(_qdpx(sel))
    coded_error(*in_process(capsys, "compare", run, tmp_path / "p.qdpx"), "E505")


# 7 and 8. The review server's corners -----------------------------------------------------------

def test_7_the_page_cannot_be_framed_and_other_origins_are_refused(served):
    run, port = served
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    decision = {"coder": "x", "action": "accept", "code": "C01"}
    assert post(port, decision, {"Origin": "http://evil.example"}) == 403
    here = f"http://127.0.0.1:{port}"
    assert post(port, decision, {"Origin": here, "Sec-Fetch-Site": "cross-site"}) == 403
    assert not (run / DECISIONS).exists()
    assert post(port, decision, {"Origin": here, "Sec-Fetch-Site": "same-origin"}) == 200


def raw_request(port, head, body=b""):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + body)
        sock.shutdown(socket.SHUT_WR)  # a server that waits for more would hang here, not answer
        return int(sock.makefile("rb").readline().split()[1])


@pytest.mark.parametrize("path,length,body,status", [
    ("decision", "abc", b"{}", 411), ("decision", "-1", b'{"coder":"x","action":"accept","code":"C01"}', 411),
    ("decision", None, b"[" * 200_000, 400), ("split", None, b'{"coder":"x","code":"C01","k":1e999}', 409),
    ("decision", str(10 << 20), b"{}", 413)])
def test_8_malformed_requests_are_answered_and_change_nothing(served, path, length, body, status, capfd):
    run, port = served
    path = f"/api/{path}"
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length if length is not None else len(body)}")
    assert raw_request(port, head, body) == status
    assert not (run / DECISIONS).exists()
    assert "Traceback" not in capfd.readouterr().err


# 9. Settings that passed validation and then crashed ---------------------------------------------

@pytest.mark.parametrize("setting,code", [("reduce.metric=bogus", "E203"), ("embed.model=package:os", "E301"),
                                          ("embed.cache_dir=/proc/nope", "E203"),
                                          ("preprocess.spacy_model=nope_pipeline", "E203")])
def test_9_bad_settings_are_coded_errors(setting, code, tmp_path):
    status, stderr = status_of("analyze", SAMPLE, "--out", tmp_path / "run", "--set", setting)
    coded_error(status, stderr, code)
    assert not (tmp_path / "run").exists()


FLOATS = [f"{name}.{f.name}" for name, cls in SECTIONS.items() for f in dataclasses.fields(cls)
          if typing.get_type_hints(cls)[f.name] is float]


@pytest.mark.parametrize("key", FLOATS)
def test_9_no_setting_takes_nan_or_infinity(key):
    for value in (".nan", ".inf", "-.inf"):
        with pytest.raises(MazmunError, match="E203"):
            load_config(None, [f"{key}={value}"])


# 10. Also seen ----------------------------------------------------------------------------------

def test_10_an_unwritable_out_is_found_before_any_work(tmp_path):
    (tmp_path / "file").write_text("x")
    status, stderr = status_of("analyze", SAMPLE, "--out", tmp_path / "file" / "run")
    coded_error(status, stderr, "E401")
    assert "mazmun: read" not in stderr


def test_10_a_failed_write_leaves_no_hidden_copy(tmp_path):
    (tmp_path / "mine.txt").write_text("x")
    with pytest.raises(MazmunError, match="E401"):
        write_run(tmp_path / "run", {"a.csv": b"1", "missing/b.csv": b"2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_10_export_works_from_another_directory(run, tmp_path):
    manifest = json.loads((run / "manifest.json").read_text())
    assert os.path.isabs(manifest["input"])
    status, stderr = status_of("export", run.resolve(), "--format", "qdpx", "--out", "x.qdpx", cwd=tmp_path)
    assert status == 0, stderr
    assert zipfile.is_zipfile(tmp_path / "x.qdpx")


@pytest.mark.parametrize("fmt", ["qdpx", "qdc", "csv", "json"])
def test_10_export_never_replaces_a_file_it_did_not_write(run, fmt, tmp_path, capsys):
    thesis = tmp_path / f"thesis.{fmt}"
    thesis.write_text("my own work")
    coded_error(*in_process(capsys, "export", run, "--format", fmt, "--out", thesis), "E401")
    assert thesis.read_text() == "my own work"
    for _ in range(2):  # its own export it replaces
        assert in_process(capsys, "export", run, "--format", fmt, "--out", tmp_path / f"codes.{fmt}")[0] == 0


def test_10_a_huge_zip_member_is_refused_before_it_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", "<Project/>")
        with zf.open("sources/s1.txt", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(950):
                member.write(block)
    data = out.getvalue()
    tracemalloc.start()
    with pytest.raises(MazmunError, match="E505"):
        read_qdpx(data, "big.qdpx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 << 20


def test_10_a_review_port_out_of_range_is_E203(run, capsys):
    coded_error(*in_process(capsys, "review", run, "--port", "70000"), "E203")


def test_a_bug_is_one_line_with_E900_and_the_traceback_on_request(run, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr("pipeline.commands.export.export_run", broken)
    status, stderr = in_process(capsys, "export", run, "--format", "csv", "--out", run / "x.csv")
    assert status == 70 and stderr.count("mazmun: error [E900]") == 1 and "Traceback" not in stderr
    status, stderr = in_process(capsys, "--verbose", "export", run, "--format", "csv", "--out", run / "x.csv")
    assert status == 70 and "Traceback" in stderr
