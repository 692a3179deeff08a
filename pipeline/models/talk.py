"""The example bank shipped with mazmun (``talk/*.txt``): utterances of thematic talk and of the
kinds of talk that carry no theme, English and Farsi, not tied to any topic."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

LANGUAGES = ("en", "fa")


@lru_cache(maxsize=1)
def builtin_bank() -> tuple[str, ...]:
    """Each language's bank file, as text."""
    folder = resources.files("pipeline.models") / "talk"
    return tuple((folder / f"{lang}.txt").read_text("utf-8") for lang in LANGUAGES)
