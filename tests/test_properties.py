"""Property-based tests of hostile input (Hypothesis): random bytes, encodings, line endings,
tags and lengths for ingest; random action dicts for decisions; random positions and missing
attributes for REFI-QDA; random settings; and whole runs of the command line. The invariants:
a result or one coded error, never a traceback; every quote is ``raw[start:end]``; nothing
outside the new run is touched."""

import csv
import dataclasses
import io
import json
import math
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import cli
from pipeline.decisions import log as dec
from pipeline.errors import E_RUN, MazmunError
from pipeline.exchange.refi import read_qdpx
from pipeline.review import view as review
from pipeline.run_config import SECTIONS, load_config
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.preprocess import PreprocessConfig, preprocess
from pipeline.types import SourceFile

LETTERS = "abcdefg ABC 123 .,:?!؟ سلام کتاب‌ها يك ۱۲۳ ٤٥ \u200c\u200f\ufeff\t\x00\x07ـَ«»"
LABELS = ["Interviewer", "P1", "MODERATOR", "مصاحبه‌گر", "مصاحبه گر", "م۱", "Q", "I", "Case study", "",
          "[00:00:03] Dana Roe", "Speaker 1 (00:01:02)", "10:15:30 From Sam to Everyone"]
TIMES = ["", "  0:03", " [00:00:03.5]", " #00:01:02-3#", " (1:02:03)", "0:0:3.450 --> 0:0:9.5", " 99:99"]
ENDINGS = ["\n", "\r\n", "\r", "\n\n", "\u2028"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1256"]
CACHE = Path(tempfile.gettempdir()) / "mazmun-property-cache"  # embeddings of the whole runs
SUFFIXES = [".txt", ".md", ".csv", ".vtt", ".srt", ".docx", ".odt", ".pdf", ""]


@st.composite
def transcripts(draw):
    """Transcript-like text: lines with or without speaker tags, any line endings."""
    lines = draw(st.lists(st.tuples(st.sampled_from(LABELS), st.text(LETTERS, max_size=80),
                                    st.sampled_from([1, 1, 1, 2, 50, 400]), st.sampled_from(TIMES),
                                    st.booleans()), max_size=12))
    ending = draw(st.sampled_from(ENDINGS))
    out = []
    for label, words, times, mark, heading in lines:  # some lines long; tools' headings and marks
        words = words * times + (mark if not heading else "")
        out.append(f"{label}{mark}{ending}{words}" if label and heading else
                   f"{label}: {words}" if label else words)
    return ending.join(out)


@st.composite
def files(draw):
    """A file as found in a folder: transcript text in some encoding, or random bytes."""
    if draw(st.booleans()):
        data = draw(transcripts()).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    else:
        data = draw(st.binary(max_size=300))
    if draw(st.booleans()):  # a zip, as .docx/.odt/.qdpx are
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr(draw(st.sampled_from(["word/document.xml", "content.xml", "x"])), data)
        data = buffer.getvalue()
    return draw(st.text("abP1_", min_size=1, max_size=8)) + draw(st.sampled_from(SUFFIXES)), data


def _check_corpus(sources, corpus):
    assert len(corpus.documents) + len(corpus.skipped) == len({s.name for s in sources})
    assert all(s.reason.strip() for s in corpus.skipped)
    for doc in corpus.documents:
        for turn in doc.turns:
            quote = doc.text[turn.start:turn.end]
            assert 0 <= turn.start < turn.end <= len(doc.text) and quote == quote.strip()
        assert [m.start for m in doc.marks] == sorted(m.start for m in doc.marks)
        assert all(0 <= m.start < m.end <= len(doc.text) and m.seconds >= 0 for m in doc.marks)
        assert len(doc.spoken) == len(doc.text)


@settings(max_examples=150)
@given(st.lists(files(), min_size=1, max_size=4, unique_by=lambda f: f[0]))
def test_ingest_reads_or_skips_every_file(found):
    sources = [SourceFile(name, data) for name, data in found]
    _check_corpus(sources, ingest(sources, IngestConfig()))


@settings(max_examples=40)
@given(transcripts())
def test_every_sentence_is_a_span_of_the_raw_text(text):
    corpus = ingest([SourceFile("t.txt", text.encode("utf-8", errors="replace"))], IngestConfig())
    for turn in preprocess(corpus, PreprocessConfig()):
        raw = corpus.documents[0].text
        for s in turn.sentences:
            assert turn.turn.start <= s.start < s.end <= turn.turn.end
            assert raw[s.start:s.end].strip() == raw[s.start:s.end]


# Decisions -----------------------------------------------------------------------------------

IDS = st.sampled_from(["C01", "C02", "T1", "N1", "u1", "u2", "", "C01.1"])


def _nested(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=2)


VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | IDS | st.text(max_size=10),
                      _nested, max_leaves=6)
FIELD_NAMES = sorted({f for req, opt in dec.SCHEMA.values() for f in (*req, *opt)} | {"id", "at", "extra"})


@st.composite
def actions(draw):
    body = {"action": draw(st.sampled_from([*dec.SCHEMA, "bogus"]) | VALUES), "coder": draw(IDS | VALUES)}
    for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=5)):
        body[name] = draw(IDS | st.lists(IDS, max_size=3) | st.lists(st.lists(IDS, max_size=2), max_size=3)
                          | VALUES)
    return body


def _state():
    units = [dec.Unit(f"u{i}", "a.txt", "P1", i * 10, i * 10 + 5, "words") for i in (1, 2, 3)]
    book = {"themes": [{"theme_id": "T1", "label": "t"}],
            "codes": [{"code_id": c, "label": c, "theme_id": "T1", "keywords": []} for c in ("C01", "C02")]}
    return dec.initial_state(units, {"u1": "C01", "u2": "C02", "u3": ""}, book)


def _consistent(state):
    assert all(code == "" or code in state.codes for code in state.assigned.values())
    assert all(c.theme in state.themes for c in state.codes.values())


@settings(max_examples=400)
@given(st.lists(actions(), max_size=4))
def test_decisions_are_checked_or_applied_never_crash(bodies):
    state = _state()
    for body in bodies:
        try:
            dec.check(body, "test")
        except MazmunError as exc:
            assert exc.code == "E504"
            continue
        state = dec.apply(state, [body])
        _consistent(state)


@settings(max_examples=300)
@given(actions())
def test_the_review_page_records_only_decisions_replay_accepts(body):
    state = _state()
    try:
        record = review.decision(body, state, "coder", "id1", "now")
    except MazmunError:
        return
    (again,) = dec.read(dec.dump([record]), "log")
    _consistent(dec.apply(state, [again]))


@settings(max_examples=200)
@given(st.lists(st.one_of(st.text(max_size=40), st.builds(json.dumps, actions())), max_size=5),
       st.booleans())
def test_a_decisions_file_reads_or_is_E504(lines, newline):
    text = "\n".join(lines) + ("\n" if newline else "")
    try:
        for d in dec.read(text, "decisions.jsonl"):
            dec.check(d, "again")
    except MazmunError as exc:
        assert exc.code == "E504"


# REFI-QDA ------------------------------------------------------------------------------------

POSITIONS = st.one_of(st.none(), st.integers(-5, 60).map(str), st.sampled_from(["abc", "", "1e3", " 3", "٣"]))


@st.composite
def projects(draw):
    text = draw(st.text(LETTERS, max_size=50))
    selections = []
    for start, end, ref in draw(st.lists(st.tuples(POSITIONS, POSITIONS, st.sampled_from(["c1", "c2", None])),
                                         max_size=4)):
        given = (("startPosition", start), ("endPosition", end))
        attrs = "".join(f' {k}="{v}"' for k, v in given if v is not None)
        coding = f'<Coding guid="g"><CodeRef targetGUID="{ref}"/></Coding>' if ref else ""
        selections.append(f'<PlainTextSelection guid="s"{attrs}>{coding}</PlainTextSelection>')
    source = draw(st.sampled_from(['plainTextPath="internal://s1.txt"', 'plainTextPath="internal://gone.txt"',
                                   ""]))
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0"><CodeBook><Codes><Code guid="c1" name="T">'
           '<Code guid="c2" name="C"/></Code></Codes></CodeBook><Sources>'
           f'<TextSource guid="s1" name="P1" {source}>{"".join(selections)}</TextSource></Sources></Project>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr("sources/s1.txt", text.encode("utf-8"))
    return buffer.getvalue(), text


@settings(max_examples=200)
@given(projects())
def test_a_project_reads_as_quotes_of_its_text_or_is_E505(project):
    data, text = project
    try:
        rows = read_qdpx(data, "p.qdpx")
    except MazmunError as exc:
        assert exc.code == "E505"
        return
    assert all(row.quote in text for row in rows)


@settings(max_examples=100)
@given(st.binary(max_size=400))
def test_random_bytes_are_no_project(data):
    try:
        read_qdpx(data, "p.qdpx")
    except MazmunError as exc:
        assert exc.code == "E505"


# Settings ------------------------------------------------------------------------------------

SECTION_KEYS = ["seed", "nope.key", "cluster", *(f"{name}.{f.name}" for name, cls in SECTIONS.items()
                                                  for f in dataclasses.fields(cls))]
RAW_VALUES = st.one_of(st.sampled_from(["0", "-1", "1e999", ".inf", "-.inf", ".nan", "[", "[a, b]", "null",
                                        "{a: 1}", "true", "~", "''", "cosine", "bogus", "'('", "3.5"]),
                       st.text(max_size=8))


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(SECTION_KEYS), RAW_VALUES), max_size=3))
def test_settings_load_or_are_coded_errors(pairs):
    try:
        cfg = load_config(None, [f"{key}={value}" for key, value in pairs])
    except MazmunError as exc:
        assert exc.code in ("E201", "E202", "E203")
        return
    numbers = [getattr(getattr(cfg, name), f.name) for name in SECTIONS
               for f in dataclasses.fields(getattr(cfg, name))]
    assert all(math.isfinite(v) for v in numbers if isinstance(v, float))  # no nan or inf passes


# Whole runs ------------------------------------------------------------------------------------

def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), transcripts(), st.sampled_from(ENCODINGS)),
                min_size=1, max_size=3, unique_by=lambda f: f[0]))
def test_a_run_ends_in_a_run_folder_or_one_coded_line(found):
    import contextlib

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "in").mkdir()
        for name, text, encoding in found:
            (base / "in" / f"{name}.txt").write_bytes(text.encode(encoding, errors="replace"))
        (base / "elsewhere.txt").write_text("not mazmun's")
        before = _tree(base)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = cli.main(["analyze", str(base / "in"), "--out", str(base / "run"),
                               "--set", f"embed.cache_dir={CACHE}", "--set", "cluster.runs=2"])
        after = {k: v for k, v in _tree(base).items() if not k.startswith("run/")}
        assert after == before  # nothing outside the new run touched
        errors = [ln for ln in err.getvalue().splitlines() if ln.startswith("mazmun: error [E")]
        assert (status, len(errors)) in ((0, 0), (2, 1)), err.getvalue()
        if status == 0:
            docs = {d.name: d.text for d in ingest([SourceFile(f"{n}.txt", before[f"in/{n}.txt"])
                                                    for n, _, _ in found], IngestConfig()).documents}
            with open(base / "run" / "segments.csv", encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    assert docs[row["file"]][int(row["start"]):int(row["end"])] == row["text"]



# Coding that teaches suggestions (analyze --coding) ----------------------------------------------

CODED_TEXT = "P1: I never sleep at night.\nP1: The doctor is new every time. يك كتاب‌ها ۱۲۳\n"


@st.composite
def coding_tables(draw) -> bytes:
    """A coding table as a coder might save it: real columns with any values, or random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    offsets = st.one_of(st.just(""), st.integers(-3, 120).map(str), st.text(LETTERS, max_size=3))
    rows = draw(st.lists(st.tuples(st.sampled_from(["a.txt", "a", "b.txt", "", " a.txt "]),
                                   st.one_of(st.sampled_from(["I never sleep", "The doctor", "يك كتاب"]),
                                             st.text(LETTERS, max_size=20)),
                                   offsets, offsets, st.text(LETTERS, max_size=8),
                                   st.text(LETTERS, max_size=8)), max_size=6))
    columns = draw(st.sampled_from([["file", "quote", "start", "end", "code", "theme"],
                                    ["file", "quote", "code"], ["quote", "code"], ["file", "start", "end"]]))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        values = dict(zip(["file", "quote", "start", "end", "code", "theme"], row))
        writer.writerow(values[c] for c in columns)
    return buffer.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(coding_tables(), st.lists(st.integers(0, len(CODED_TEXT)), min_size=2, max_size=8))
def test_any_coding_table_teaches_suggestions_or_is_E501(data, cuts):
    import numpy as np

    from pipeline.runs.coding import read_teaching
    from pipeline.stages.suggest import SuggestConfig, suggest_codes
    from pipeline.types import Corpus, Document, Segment

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "coding.csv"
        path.write_bytes(data)
        try:
            coding = read_teaching(path)
        except MazmunError as exc:
            assert exc.code == "E501"
            return
    bounds = sorted(set(cuts))
    units = tuple(Segment(f"a.txt#{i}", "a.txt", "P1", 0, "en", s, e, CODED_TEXT[s:e], "", ())
                  for i, (s, e) in enumerate(zip(bounds, bounds[1:])))
    x = np.random.default_rng(len(units)).normal(size=(len(units), 4))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    corpus = Corpus((Document("a.txt", CODED_TEXT, "utf-8", "", ()),))
    try:
        found = suggest_codes(corpus, (), units, x, x, coding, SuggestConfig(k=2))
    except MazmunError as exc:
        assert exc.code == "E501"
        return
    assert len(found.suggestions) == len(units) and found.open.shape == (len(units),)
    assert all(s.code in found.theme_of or not s.code for s in found.suggestions)
    assert all(s.theme == found.theme_of[s.code] for s in found.suggestions if s.code)


SUGGESTION_VALUES = {  # what a hand-edited segments.csv may hold in the columns analyze --coding adds
    "suggested_code": st.one_of(st.sampled_from(["Nights", "Doctors", ""]), st.text(LETTERS, max_size=6)),
    "suggested_theme": st.one_of(st.sampled_from(["Caring", ""]), st.text(LETTERS, max_size=6)),
    "suggested_start": st.one_of(st.just(""), st.integers(-5, 2000).map(str), st.text(LETTERS, max_size=3)),
    "suggested_end": st.one_of(st.just(""), st.integers(-5, 2000).map(str), st.text(LETTERS, max_size=3)),
    "confidence": st.one_of(st.just(""), st.floats(allow_nan=True).map(str), st.text(LETTERS, max_size=3)),
    "alternative_code": st.one_of(st.sampled_from(["Nights", "Doctors", ""]), st.text(LETTERS, max_size=6)),
    "margin": st.one_of(st.just(""), st.floats(allow_nan=True).map(str), st.text(LETTERS, max_size=3)),
    "source": st.sampled_from(["human", "suggested", "new", "", "other"]),
    "evidence": st.text(LETTERS, max_size=12),
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["en", "fa"]),
       st.lists(st.fixed_dictionaries(SUGGESTION_VALUES), min_size=1, max_size=5))
def test_hand_edited_suggestions_review_and_export_or_are_E502(lang, edits):
    from pipeline.commands.export import export_run
    from pipeline.decisions.suggested import queue
    from pipeline.runs.folder import RunFolder
    from tests.commands.test_review import make_run

    with tempfile.TemporaryDirectory() as tmp:
        run = make_run(Path(tmp), lang, suggested=True)
        with open(run / "segments.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row, edit in zip(rows, edits):
            row.update(edit)
        with open(run / "segments.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        try:
            folder = RunFolder.read(run)
            state = folder.state()
            waiting = queue(state, folder.suggestions, set())
            export_run(run, "qdpx", Path(tmp) / "out.qdpx", transcripts=Path(tmp) / "transcripts")
        except MazmunError as exc:
            assert exc.code == E_RUN, exc
            return
        for item in waiting:  # each waiting suggestion names a code of the state and a part of its unit
            unit = next(u for u in state.units if u.segment_id == item["unit"])
            assert item["code"] in state.codes and unit.start <= item["span"][0] < item["span"][1] <= unit.end


UNIT_IDS = st.sampled_from([f"{lang}.txt#{i}" for lang in ("en", "fa") for i in (1, 3, 5)])  # make_run's
REPORT_PARTS = st.fixed_dictionaries({}, optional={
    "map": VALUES | st.dictionaries(UNIT_IDS, st.lists(st.floats(), max_size=3) | VALUES),
    "stability": VALUES | st.fixed_dictionaries({"runs": VALUES, "ari": VALUES, "found_at": VALUES,
                                                 "codes": st.dictionaries(IDS, VALUES)}),
    "overview": VALUES})


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["en", "fa"]), REPORT_PARTS | VALUES)
def test_a_hand_edited_report_json_is_drawn_again_or_is_E502(lang, edited):
    from pipeline.commands.report import report_files
    from pipeline.runs.folder import RunFolder
    from tests.commands.test_review import make_run

    with tempfile.TemporaryDirectory() as tmp:
        run = make_run(Path(tmp), lang)
        (run / "report.json").write_text(json.dumps(edited), encoding="utf-8")
        try:
            files = report_files(RunFolder.read(run))
        except MazmunError as exc:
            assert exc.code == E_RUN, exc
            return
        numbers = json.loads(files["report.json"])
        assert sum(sum(n.values()) for n in numbers["matrix"].values()) == 3  # the run's three coded units
        assert files["report.html"].startswith(b"<!doctype html>")
