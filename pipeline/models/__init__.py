"""What the stages are given rather than load themselves: the embedding model with its cache
(``Encoder``), the English spaCy pipeline, and the shipped example bank."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.models.encoder import Encoder
from pipeline.models.english import load as load_english
from pipeline.models.talk import builtin_bank


@dataclass
class Models:
    """Loaded lazily, once: nothing is read until a stage asks for it."""

    encode: Encoder
    english: Callable[[str], Any] = field(default=load_english)
    talk: Callable[[], tuple[str, ...]] = field(default=builtin_bank)
