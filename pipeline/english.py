"""English text with spaCy: a trained pipeline if one is installed, else a blank pipeline with a
sentencizer and lookup lemmas (spacy-lookups-data), which works offline."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .errors import E_CONFIG_VALUE, MazmunError

# Spoken-English fillers that carry no theme (added to spaCy's stop words).
SPOKEN_FILLERS = frozenset(
    "like yeah yes yep okay ok um uh erm hmm mm mhm well actually basically really just "
    "kind sort mean guess know think thing things stuff right sure oh alright lot bit "
    "maybe something anything everything probably quite pretty thank thanks sorry fine course "
    "absolutely exactly totally definitely indeed hello hi bye goodbye morning afternoon "
    "evening welcome please let ask want good".split()
)
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


def pipeline_name(nlp: Any) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', 'pipeline')}-{meta.get('version', '')}"


def token_ok(token: Any) -> bool:
    lemma = token.lemma_.lower() if token.lemma_ else token.lower_
    return (token.is_alpha and len(token) > 1 and not token.is_stop
            and token.lower_ not in SPOKEN_FILLERS and lemma not in SPOKEN_FILLERS)


def content_tokens(span: Any) -> tuple[tuple[str, ...], int]:
    """(content lemmas, number of words) of a spaCy span or doc."""
    words = [t for t in span if not (t.is_punct or t.is_space)]
    lemmas = ((t.lemma_ or t.text).lower() for t in words if token_ok(t))
    tokens = tuple(lemma for lemma in lemmas if lemma.isalpha() and lemma not in SPOKEN_FILLERS)
    return tokens, len(words)
