"""Study: the kind of study, from the shape of the talk or from the config."""

import pytest

from pipeline.config import build
from pipeline.errors import MazmunError
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.study import StudyConfig, detect
from pipeline.types import SourceFile
from tests.conftest import TEXTS


def _kind(files: dict[str, str], **cfg) -> str:
    corpus = ingest([SourceFile(n, t.encode()) for n, t in files.items()], IngestConfig())
    return detect(corpus, StudyConfig(**cfg)).kind


def test_an_interview_is_an_interview(lang):
    assert _kind({"a.txt": TEXTS[lang], "b.txt": TEXTS[lang]}) == "interview"


def test_a_session_where_the_moderator_barely_speaks_is_think_aloud():
    said = "and I see the list of events there."
    talk = "\n\n".join(f"Now I click on the tab number {i} {said}" for i in range(20))
    assert _kind({"s.txt": "MODERATOR: Go ahead.\n\n" + talk}) == "think_aloud"


def test_several_participants_make_a_focus_group():
    text = "Moderator: What helped?\n\n" + "\n\n".join(
        f"P{i}: The group helped me to talk about the hard cases with colleagues." for i in range(1, 6))
    assert _kind({"g.txt": text}) == "focus_group"


def test_one_answer_per_respondent_is_a_survey():
    answer = "The waiting time at the clinic was too long for my mother."
    rows = "\n".join(f"respondent {i},{answer}" for i in range(12))
    assert _kind({"answers.csv": "speaker,text\n" + rows}) == "survey"


def test_several_answers_per_respondent_are_still_a_survey():
    """Answers to several questions come in one stretch per respondent; a group's members talk
    in turn (the focus group above has a moderator; this one has none and is no survey)."""
    answers = "\n".join(f"r{i},The clinic was far away.,Nurses were kind to my father." for i in range(8))
    assert _kind({"answers.csv": "id,q1,q2\n" + answers}) == "survey"
    talk = "\n\n".join(f"P{i % 5}: I think the clinic was far away from us." for i in range(20))
    assert _kind({"group.txt": talk}) == "focus_group"


def test_the_config_overrides_detection(lang):
    assert _kind({"a.txt": TEXTS[lang]}, kind="survey") == "survey"
    with pytest.raises(MazmunError, match="study.kind"):
        build(StudyConfig, {"kind": "ethnography"}, "study")
