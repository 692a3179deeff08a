"""The English spaCy pipeline: a trained one if installed, else blank English with a sentencizer
and lookup lemmas (spacy-lookups-data), which works offline. Loaded once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pipeline.errors import E_CONFIG_VALUE, MazmunError

TRAINED = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")


@lru_cache(maxsize=4)
def load(model: str = "auto") -> Any:
    """Load a spaCy pipeline once. ``auto``: the first trained English pipeline installed, else
    blank English + sentencizer + lookup lemmatizer."""
    import spacy

    names = TRAINED if model == "auto" else (model,) if model != "blank" else ()
    for name in names:
        if spacy.util.is_package(name) or (model != "auto"):
            try:
                return spacy.load(name, exclude=["ner"])
            except Exception as exc:  # noqa: BLE001 - whatever spaCy raises, the pipeline is unusable
                first = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
                raise MazmunError(E_CONFIG_VALUE, f"config preprocess.spacy_model: '{name}' cannot be "
                                  f"loaded: {first}",
                                  "use auto, blank, or an installed spaCy pipeline") from exc
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except (ValueError, OSError, ImportError):  # no spacy-lookups-data: lemmas stay as words
        nlp.remove_pipe("lemmatizer")
    return nlp
