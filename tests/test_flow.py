"""The stages as declared in ``flow.STAGES``: a consistent graph whose functions accept what the
runner passes them, run end to end on a transcript in each language."""

import dataclasses
import inspect

import numpy as np
import pytest

from pipeline.flow import INPUTS, STAGES, VIEWS, Clock, models_for, run_stage, run_stages
from pipeline.models import Models
from pipeline.run_config import Config
from pipeline.types import SourceFile
from tests.conftest import TEXTS


def test_every_stage_reads_what_is_there_before_it():
    there = set(INPUTS)
    for stage in STAGES:
        missing = set(stage.reads) - there
        assert not missing, f"{stage.name} reads {missing}, which no earlier stage writes"
        there |= set(stage.writes) | {v for v, (source, _) in VIEWS.items() if source in stage.writes}


def test_every_stage_is_named_once_and_writes_something():
    names = [s.name for s in STAGES]
    assert len(names) == len(set(names)) and all(s.writes for s in STAGES)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.name)
def test_each_stage_function_takes_what_the_runner_passes(stage):
    sections = {f.name for f in dataclasses.fields(Config)}
    models = {f.name for f in dataclasses.fields(Models)}
    assert set(stage.config) <= sections and set(stage.models) <= models
    positional = [None] * (len(stage.reads) + len(stage.config))
    inspect.signature(stage.run).bind(*positional, **{m: None for m in stage.models})


def test_a_stage_run_alone_updates_only_what_it_writes():
    ingest = STAGES[0]
    state = {"sources": [SourceFile("a.txt", TEXTS["en"].encode())]}
    run_stage(ingest, state, Config(), models_for(Config(), None))
    assert set(state) == {"sources", *ingest.writes, "texts"} and state["corpus"].documents


def test_the_runner_times_every_declared_stage(lang):
    sources = [SourceFile(f"{lang}{i}.txt", TEXTS[lang].encode()) for i in range(3)]
    clock = Clock()
    done = run_stages(sources, Config(), models_for(Config(), None), clock, log=False)
    assert list(clock.stages) == [s.name for s in STAGES]
    assert all(r["seconds"] >= 0 for r in clock.stages.values())
    assert len(done.codebook.assignments) == len(done.segmentation.segments) == len(done.space)
    assert clock.stages["embed"]["model"] == done.model_id and isinstance(done.space, np.ndarray)
