"""The review server's API without a browser: a small hand-made run of real transcripts, the
decisions log's durability, and the guards a page on 127.0.0.1 needs."""

import csv
import hashlib
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from pipeline.commands.review import Review, make_server
from pipeline.runs.decision_log import DECISIONS, DecisionLog
from pipeline.runs.folder import RunFolder
from pipeline.runs.tables import SEGMENT_COLUMNS as COLUMNS
from pipeline.runs.tables import SUGGEST_COLUMNS
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.types import PARTICIPANT, SourceFile
from tests.conftest import TEXTS

# With ``analyze --coding``: the first unit coded by the coders, the next two suggested.
SUGGESTED = tuple({"suggested_code": "Nights", "suggested_theme": "Caring", "confidence": confidence,
                   "source": source} for confidence, source in ((1.0, "human"), (0.9, "suggested"),
                                                                (0.3, "suggested")))


def make_run(tmp_path, lang, suggested=False):
    """One transcript; each participant turn is a unit: the first two in C01, the last in C02
    (``suggested``: the columns ``analyze --coding`` adds, as ``SUGGESTED``)."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    name = f"{lang}.txt"
    (folder / name).write_text(TEXTS[lang], encoding="utf-8")
    doc = ingest([SourceFile(name, (folder / name).read_bytes())], IngestConfig()).documents[0]
    turns = [t for t in doc.turns if t.role == PARTICIPANT]
    run = tmp_path / "run"
    run.mkdir()
    with open(run / "segments.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS + (SUGGEST_COLUMNS if suggested else ()))
        writer.writeheader()
        for i, t in enumerate(turns):
            code = "C01" if i < 2 else "C02"
            row = {"segment_id": f"{name}#{t.index}", "file": name, "speaker": t.speaker,
                   "lang": lang, "start": t.start, "end": t.end, "text": doc.text[t.start:t.end],
                   "code_id": code, "theme_id": "T1", "probability": 1.0}
            if suggested:
                evidence = f"{name}#{turns[0].index}" if i else ""
                row.update({**SUGGESTED[min(i, 2)], "evidence": evidence} if i < 3 else {"source": ""})
                if i == 2:  # the part of the unit suggested: its first half
                    row.update(suggested_start=t.start, suggested_end=(t.start + t.end) // 2)
            writer.writerow(row)
    book = {"themes": [{"theme_id": "T1", "label": "caring"}],
            "codes": [{"code_id": "C01", "label": "nights", "theme_id": "T1", "keywords": ["sleep"]},
                      {"code_id": "C02", "label": "doctors", "theme_id": "T1", "keywords": []}]}
    (run / "codebook.json").write_text(json.dumps(book), encoding="utf-8")
    digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    manifest = {"input": str(folder), "inputs": {name: {"sha256": digest}}}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (run / "config.yaml").write_text(f"embed:\n  cache_dir: {tmp_path / 'cache'}\n", encoding="utf-8")
    return run


@pytest.fixture
def served(tmp_path, lang, request):
    run = make_run(tmp_path, lang, suggested=getattr(request, "param", False))
    server = make_server(Review.open(run), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield run, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def call(url, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    kind = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url + path, data=data, headers={**kind, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def test_page_and_state_are_served_with_no_outside_assets(served):
    run, url = served
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        page = response.read().decode()
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "http://" not in page and "https://" not in page
    status, view, _ = call(url, "/api/state?coder=Sara")
    raw = (run.parent / "transcripts").glob("*.txt").__next__().read_text(encoding="utf-8")
    assert status == 200 and [c["id"] for c in view["codes"]] == ["C01", "C02"]
    assert all(raw[u["start"]:u["end"]] == u["text"] for u in view["units"].values())


def test_actions_are_appended_per_coder_and_refused_when_stale(served):
    run, url = served
    assert call(url, "/api/decision", {"coder": "Sara", "action": "merge", "codes": ["C01", "C02"],
                                       "into": "C01"})[0] == 200
    status, error, _ = call(url, "/api/decision", {"coder": "Sara", "action": "accept", "code": "C02"})
    assert status == 409 and "no code C02" in error["error"]
    assert call(url, "/api/decision", {"coder": "Reza", "action": "accept", "code": "C02"})[0] == 200
    lines = (run / DECISIONS).read_text(encoding="utf-8").splitlines()
    assert [(json.loads(x)["coder"], json.loads(x)["action"]) for x in lines] == [("Sara", "merge"),
                                                                                ("Reza", "accept")]
    status, diff, _ = call(url, "/api/diff?coder=Sara&other=Reza")
    assert status == 200 and {c["code"] for c in diff["codes"]} == {"C02"} and len(diff["units"]) == 1


@pytest.mark.parametrize("served", [True], indirect=True)
def test_suggestions_wait_least_confident_first_and_each_answer_is_a_decision(served):
    run, url = served
    status, view, _ = call(url, "/api/state?coder=Sara")
    units = [u for u in view["units"]]
    nights = next(c for c in view["codes"] if c["label"] == "Nights")
    assert status == 200 and nights["status"] == "accepted" and nights["units"] == units[:1]
    assert [(s["unit"], s["code"], s["confidence"]) for s in view["suggestions"]] == [
        (units[2], nights["id"], 0.3), (units[1], nights["id"], 0.9)]
    assert view["suggestions"][0]["evidence"] == units[:1]
    low, high = (view["units"][s["unit"]] for s in view["suggestions"])
    assert view["suggestions"][0]["span"] == [low["start"], (low["start"] + low["end"]) // 2]  # a part
    assert view["suggestions"][1]["span"] == [high["start"], high["end"]]  # the whole unit
    status, view, _ = call(url, "/api/accept_suggestions", {"coder": "Sara", "min_confidence": 0.5})
    assert status == 200 and [s["unit"] for s in view["suggestions"]] == [units[2]]
    reject = {"coder": "Sara", "action": "move_unit", "unit": units[2], "code": ""}
    assert call(url, "/api/decision", reject)[0] == 200
    status, view, _ = call(url, "/api/state?coder=Sara")
    assert view["suggestions"] == []
    assert next(c for c in view["codes"] if c["label"] == "Nights")["units"] == units[:2]
    assert len(call(url, "/api/state?coder=Reza")[1]["suggestions"]) == 2  # each coder decides alone
    status, error, _ = call(url, "/api/accept_suggestions", {"coder": "Sara", "min_confidence": "all"})
    assert status == 409 and "min_confidence" in error["error"]
    records = [json.loads(x) for x in (run / DECISIONS).read_text(encoding="utf-8").splitlines()]
    assert [(r["action"], r["unit"], r["code"]) for r in records] == [
        ("move_unit", units[1], nights["id"]), ("move_unit", units[2], "")]


def test_split_reclusters_with_the_real_model_and_context_shows_the_turns(served):
    run, url = served
    status, view, _ = call(url, "/api/split", {"coder": "Sara", "code": "C01", "k": 2})
    assert status == 200 and {c["id"] for c in view["codes"]} == {"C01.1", "C01.2", "C02"}
    status, error, _ = call(url, "/api/split", {"coder": "Sara", "code": "C02", "k": 2})
    assert status == 409 and "cannot split 1 units" in error["error"]
    unit = next(iter(view["units"]))
    status, turns, _ = call(url, f"/api/context?unit={urllib.parse.quote(unit)}")
    mine = [t for t in turns if t["mark"]]
    assert status == 200 and len(mine) == 1 and turns[0]["role"] == "interviewer"
    assert mine[0]["text"][mine[0]["mark"][0]:mine[0]["mark"][1]] == view["units"][unit]["text"]


@pytest.mark.parametrize("path, body, headers, status", [
    ("/api/state?coder=Sara", None, {"Host": "evil.example:80"}, 403),  # DNS rebinding
    ("/api/decision", {"action": "accept", "code": "C01"}, {}, 409),  # no coder name
    ("/api/decision", {"coder": "Sara", "action": "delete", "code": "C01"}, {}, 409),
    ("/api/nothing", None, {}, 404),
])
def test_requests_a_page_cannot_make_are_refused(served, path, body, headers, status):
    run, url = served
    assert call(url, path, body, headers)[0] == status
    assert not (run / DECISIONS).exists()


def test_a_form_post_from_another_site_is_refused(served):
    run, url = served
    request = urllib.request.Request(url + "/api/decision", data=b"coder=x&action=accept&code=C01",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 415 and not (run / DECISIONS).exists()


def test_a_line_cut_off_by_a_kill_is_dropped_before_the_next_append(tmp_path, lang):
    run = make_run(tmp_path, lang)
    log = DecisionLog(run / DECISIONS)
    log.append({"id": "1", "coder": "Sara", "action": "accept", "code": "C01"})
    with open(run / DECISIONS, "ab") as handle:
        handle.write('{"id": "2", "coder": "Sara", "action": "rename", "label": "شب'.encode())
    assert [d["id"] for d in log.read()] == ["1"]
    log.append({"id": "3", "coder": "Sara", "action": "rename", "target": "C01", "label": "شب‌ها"})
    assert [d["id"] for d in log.read()] == ["1", "3"]
    assert RunFolder.read(run).state().codes["C01"].label == "شب‌ها"


def test_a_whole_last_line_without_its_newline_is_kept(tmp_path, lang):
    run = make_run(tmp_path, lang)
    (run / DECISIONS).write_text('{"id": "1", "coder": "Sara", "action": "accept", "code": "C01"}',
                                 encoding="utf-8")
    DecisionLog(run / DECISIONS).append({"id": "2", "coder": "Sara", "action": "reject", "code": "C02"})
    assert [d["id"] for d in DecisionLog(run / DECISIONS).read()] == ["1", "2"]
