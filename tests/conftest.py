import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.browser import browser  # noqa: F401 (the page tests' fixture: headless Chromium)

# Property tests run the same examples every time (CI stays reproducible and bounded); set
# HYPOTHESIS_PROFILE=explore to search new ones.
settings.register_profile("mazmun", deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("explore", parent=settings.get_profile("mazmun"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mazmun"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
BENCHMARK = Path(os.environ.get("MAZMUN_BENCHMARK", ROOT.parent / "shared" / "benchmark"))
# REFI-QDA's XML schemas sit beside the benchmark in shared/.
REFI_SCHEMAS = Path(os.environ.get("MAZMUN_REFI_SCHEMAS", BENCHMARK.parent / "refi-qda"))
BENCH_SETS = sorted(p.parent for p in BENCHMARK.glob("*/*/transcripts")) if BENCHMARK.is_dir() else []
BENCH_FILES = sorted(BENCHMARK.glob("*/*/transcripts/*")) if BENCHMARK.is_dir() else []



def needs_benchmark(test):
    """A test that reads the benchmark: skipped without it, left out by ``make test-fast``."""
    found = pytest.mark.skipif(not BENCH_FILES, reason=f"benchmark not found at {BENCHMARK}")
    return pytest.mark.benchmark(found(test))

# One short interview excerpt per language, with trivial talk, a consent line and two topics.
EN_TEXT = (
    "Interviewer: Good morning. Is it all right if I record?\n\n"
    "P1: Yes. Good morning.\n\n"
    "Interviewer: How are your nights?\n\n"
    "P1: Right. Nights are the hardest part. My mother wakes up three times and tries to leave the "
    "house, so I never sleep more than a few hours and I am exhausted all day long.\n\n"
    "MODERATOR: And the doctors?\n\n"
    "P1: Every appointment is a new doctor who has not read her file, and the memory clinic has a "
    "waiting list of eight months. Okay.\n"
)
FA_TEXT = (
    "مصاحبه‌گر: سلام. اجازه می‌دهید صدا را ضبط کنم؟\n\n"
    "م۱: بله. سلام.\n\n"
    "مصاحبه گر: شب‌ها چطور است؟\n\n"
    "م۱: خب. شب‌ها از همه سخت‌تر است. مادرم چند بار بیدار می‌شود و می‌خواهد از خانه برود بیرون، "
    "برای همین من هیچ‌وقت بیشتر از چند ساعت نمی‌خوابم و تمام روز خسته‌ام.\n\n"
    "مصاحبه‌گر: و دکترها؟\n\n"
    "م۱: هر بار یک دکتر جدید است که پرونده‌اش را نخوانده و نوبت کلینیک حافظه هشت ماه بعد است. باشه.\n"
)
TEXTS = {"en": EN_TEXT, "fa": FA_TEXT}


@pytest.fixture(params=["en", "fa"])
def lang(request):
    return request.param


def mazmun(*args, cwd=ROOT, prefix=(), timeout=900) -> subprocess.CompletedProcess:
    """The real command line, ``python -m pipeline ARGS``, in a fresh process (``prefix``: a
    command it runs under, e.g. one that cuts the network)."""
    return subprocess.run([*prefix, sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """The demo corpus analyzed once per test session, with its own embedding cache. Tests only
    read it; a test that changes a run works on a copy."""
    base = tmp_path_factory.mktemp("sample-run")
    result = mazmun("analyze", SAMPLE, "--out", base / "run", "--quiet",
                    "--set", f"embed.cache_dir={base / 'cache'}")
    assert result.returncode == 0, result.stderr[-3000:]
    return base / "run"


CODED = {"en": "en_caregiver_01.txt", "fa": "fa_caregiver_04.txt"}  # the files coded in ``assisted_run``


@pytest.fixture(scope="session")
def assisted_run(tmp_path_factory) -> tuple[Path, set[str]]:
    """The demo analyzed once with the coders' coding of one English and one Farsi interview
    (``analyze --coding``), and the names of the codes in that coding. Tests only read it."""
    base = tmp_path_factory.mktemp("assisted")
    table = (SAMPLE.parent / "sample_coding.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    coding = base / "coding.csv"
    coding.write_text(table[0] + "".join(r for r in table[1:] if r.split(",")[0] in CODED.values()),
                      encoding="utf-8")
    result = mazmun("analyze", SAMPLE, "--out", base / "run", "--quiet", "--coding", coding,
                    "--set", f"embed.cache_dir={base / 'cache'}")
    assert result.returncode == 0, result.stderr[-3000:]
    codes = {f"{r['code_id']} {r['code']}" for r in csv.DictReader(coding.open(encoding="utf-8"))}
    return base / "run", codes
