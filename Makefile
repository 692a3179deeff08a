# mazmun — `make analyze` and `make test` bootstrap .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.mazmun-installed

IN     ?= data/sample
CONFIG ?= configs/default.yaml
OUT    ?=
SET    ?=
RUN    ?=
CODING ?=
TRANSCRIPTS ?=
LEVEL  ?= theme
FORMAT ?= qdpx
CONFIRMED ?=
PORT   ?=
DECISIONS ?=
CODEBOOK ?=
CODER  ?=
INTERVIEWER ?=
SEEDS  ?= 0 1 2
DIGEST_CHECK ?=
BENCH  ?= ../shared/benchmark

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export NUMBA_CACHE_DIR := $(CURDIR)/.cache/numba
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv analyze compare export review report import-codebook test test-fast lint bench-assist bench-report bench-digest bench-speed bench-quality bench-parity bench-ceiling bench-turns clean

help:
	@echo "make analyze [IN=folder] [CONFIG=configs/x.yaml] [OUT=runs/name] [SET='cluster.min_cluster_size=5'] [CODING=coding.csv]"
	@echo "             [DECISIONS=runs/<reviewed run>]   carry coders' decisions over to the new run"
	@echo "             [INTERVIEWER='Dana Roe']   the interviewer, as the transcripts name them"
	@echo "make compare RUN=runs/<run> CODING=coding.csv|project.qdpx|codebook.qdc [TRANSCRIPTS=folder] [LEVEL=…]"
	@echo "make export RUN=runs/<run> [FORMAT=qdpx|qdc|csv|json] [OUT=file] [CONFIRMED=1]"
	@echo "make review RUN=runs/<run> [PORT=8765]   the coders' page on http://127.0.0.1:PORT/"
	@echo "make report RUN=runs/<run> [CODER=name]   report.html and report.json drawn again with the decisions"
	@echo "make import-codebook RUN=runs/<run> CODEBOOK=book.qdc|project.qdpx CODER=name   a starting codebook"
	@echo "make test          run the test suite (real models, offline)"
	@echo "make test-fast     the suite without the browser and benchmark tests, for quick loops"
	@echo "make lint          ruff and mypy"
	@echo "make bench-speed   seconds per stage and peak memory; BERTopic side by side"
	@echo "make bench-quality agreement with human coding on ../shared/benchmark, mazmun vs BERTopic"
	@echo "make bench-parity  Farsi vs English, mixed corpora vs language, messy vs clean Farsi files"
	@echo "make bench-ceiling the same units and vectors with a classifier trained on the human coding"
	@echo "make bench-turns   preprocess time of one turn, 10k to 1M characters (is it linear?)"
	@echo "make bench-assist  assisted coding: the first files coded, the rest suggested (baselines for issue 18)"
	@echo "make bench-report  report.html and report.json: seconds beyond the run, and size (10,000 units)"
	@echo "make bench-digest  hashes of segments.csv and codebook.json on every corpus [DIGEST_CHECK=1: compare]"

venv: $(STAMP)

# torch first, from the CPU build: any other torch request would pull GBs of CUDA packages.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

analyze: $(STAMP)
	$(PY) -m pipeline analyze $(IN) --config $(CONFIG) $(if $(OUT),--out $(OUT)) \
		$(if $(DECISIONS),--decisions $(DECISIONS)) $(if $(CODING),--coding $(CODING)) \
		$(foreach s,$(SET),--set $(s)) $(if $(INTERVIEWER),--interviewer "$(INTERVIEWER)")

compare: $(STAMP)
	@test -n "$(RUN)" -a -n "$(CODING)" || { echo "usage: make compare RUN=runs/<run> CODING=coding.csv"; exit 2; }
	$(PY) -m pipeline compare $(RUN) $(CODING) --level $(LEVEL) --config $(CONFIG) \
		$(if $(TRANSCRIPTS),--transcripts $(TRANSCRIPTS))

export: $(STAMP)
	@test -n "$(RUN)" || { echo "usage: make export RUN=runs/<run> [FORMAT=qdpx|qdc|csv|json] [OUT=file] [CONFIRMED=1]"; exit 2; }
	$(PY) -m pipeline export $(RUN) --format $(FORMAT) --out $(or $(OUT),$(RUN)/export.$(FORMAT)) \
		$(if $(CONFIRMED),--confirmed) $(if $(TRANSCRIPTS),--transcripts $(TRANSCRIPTS))

review: $(STAMP)
	@test -n "$(RUN)" || { echo "usage: make review RUN=runs/<run> [PORT=8765]"; exit 2; }
	$(PY) -m pipeline review $(RUN) $(if $(PORT),--port $(PORT))

report: $(STAMP)
	@test -n "$(RUN)" || { echo "usage: make report RUN=runs/<run> [CODER=name]"; exit 2; }
	$(PY) -m pipeline report $(RUN) $(if $(CODER),--coder "$(CODER)")

import-codebook: $(STAMP)
	@test -n "$(RUN)" -a -n "$(CODEBOOK)" -a -n "$(CODER)" || \
		{ echo "usage: make import-codebook RUN=runs/<run> CODEBOOK=book.qdc CODER=name"; exit 2; }
	$(PY) -m pipeline import-codebook $(RUN) $(CODEBOOK) --coder "$(CODER)"

test: $(STAMP)
	$(PY) -m pytest -q

# For quick loops: everything but the browser and benchmark tests (make test runs all of them).
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not browser and not benchmark"

lint: $(STAMP)
	$(PY) -m ruff check pipeline tests bench
	$(PY) -m mypy

bench-speed: $(STAMP)
	$(PY) bench/speed.py --benchmark $(BENCH)

bench-quality: $(STAMP)
	$(PY) bench/quality.py --benchmark $(BENCH) --seeds $(SEEDS)

bench-parity: $(STAMP)
	$(PY) bench/parity.py --benchmark $(BENCH) --seeds $(SEEDS)

bench-ceiling: $(STAMP)
	$(PY) bench/ceiling.py --benchmark $(BENCH) --seeds $(SEEDS)

bench-turns: $(STAMP)
	$(PY) bench/turns.py

bench-assist: $(STAMP)
	$(PY) bench/assist.py --benchmark $(BENCH) --seeds $(SEEDS)

# A refactor keeps behaviour: make bench-digest before, make bench-digest DIGEST_CHECK=1 after.
bench-report: $(STAMP)
	$(PY) bench/report.py --benchmark $(BENCH)

bench-digest: $(STAMP)
	$(PY) bench/digest.py --benchmark $(BENCH) $(if $(DIGEST_CHECK),--check)

clean:
	rm -rf runs .cache .pytest_cache .ruff_cache
