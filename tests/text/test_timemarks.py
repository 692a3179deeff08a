import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.timemarks import clock, enclosed, seconds, time_at
from pipeline.types import Mark, blank


@pytest.mark.parametrize("mark,value", [
    ("0:03", 3), ("1:02:03", 3723), ("[00:00:03.12]", 3.12), ("#00:01:02-3#", 62.3),
    ("(00:00:03)", 3), ("00:00:03,500", 3.5), ("[00:00:03 --> 00:00:09]", 3)])
def test_seconds(mark, value):
    assert seconds(mark) == pytest.approx(value)


def test_enclosed_marks_and_blanking_keep_offsets():
    text = "Yes [00:01:02] and (00:01:05) then #00:01:09-2# end, at 10:30 sharp"
    marks = enclosed(text)
    assert [text[m.start:m.end] for m in marks] == ["[00:01:02]", "(00:01:05)", "#00:01:09-2#"]
    spoken = blank(text, tuple(marks))
    assert len(spoken) == len(text) and "10:30" in spoken and "[" not in spoken and "#" not in spoken


def test_time_at_is_the_nearest_mark_before():
    marks = (Mark(10, 15, 3.0), Mark(50, 55, 11.0))
    assert [time_at(marks, o) for o in (0, 10, 30, 50, 99)] == [None, 3.0, 3.0, 11.0, 11.0]
    assert clock(None) == "" and clock(3723.9) == "01:02:03"


@given(st.text(max_size=200))
def test_any_text_blanks_to_the_same_length(text):
    marks = tuple(enclosed(text))
    assert len(blank(text, marks)) == len(text)
    assert all(m.seconds >= 0 for m in marks)
