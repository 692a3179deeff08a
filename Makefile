# mazmun — `make analyze` and `make test` bootstrap .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.mazmun-installed

IN     ?= data/sample
CONFIG ?= configs/default.yaml
OUT    ?=
SET    ?=
BENCH  ?= ../shared/benchmark

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export NUMBA_CACHE_DIR := $(CURDIR)/.cache/numba
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv analyze test lint bench-speed clean

help:
	@echo "make analyze [IN=folder] [CONFIG=configs/x.yaml] [OUT=runs/name] [SET='cluster.min_cluster_size=5']"
	@echo "make test          run the test suite (real models, offline)"
	@echo "make lint          ruff"
	@echo "make bench-speed   seconds per stage and peak memory; BERTopic side by side"

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
		$(foreach s,$(SET),--set $(s))

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check pipeline tests bench

bench-speed: $(STAMP)
	$(PY) bench/speed.py --benchmark $(BENCH)

clean:
	rm -rf runs .cache .pytest_cache .ruff_cache
