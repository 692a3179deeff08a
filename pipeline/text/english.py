"""English text with spaCy: a trained pipeline if one is installed, else a blank pipeline with a
sentencizer and lookup lemmas (spacy-lookups-data), which works offline."""

from __future__ import annotations

from typing import Any

# Spoken-English fillers that carry no theme (added to spaCy's stop words).
SPOKEN_FILLERS = frozenset(
    "like yeah yes yep okay ok um uh erm hmm mm mhm well actually basically really just "
    "kind sort mean guess know think thing things stuff right sure oh alright lot bit "
    "maybe something anything everything probably quite pretty thank thanks sorry fine course "
    "absolutely exactly totally definitely indeed hello hi bye goodbye morning afternoon "
    "evening welcome please let ask want good".split()
)


def pipeline_name(nlp: Any) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', 'pipeline')}-{meta.get('version', '')}"


def token_ok(token: Any) -> bool:
    lemma = token.lemma_.lower() if token.lemma_ else token.lower_
    return (token.is_alpha and len(token) > 1 and not token.is_stop
            and token.lower_ not in SPOKEN_FILLERS and lemma not in SPOKEN_FILLERS)


def content_words(span: Any) -> tuple[tuple[tuple[str, str], ...], int]:
    """((content lemma, the word it was read from, lowercased) …, number of words) of a spaCy
    span or doc."""
    words = [t for t in span if not (t.is_punct or t.is_space)]
    read = (((t.lemma_ or t.text).lower(), t.text.lower()) for t in words if token_ok(t))
    found = tuple((lemma, word) for lemma, word in read if lemma.isalpha() and lemma not in SPOKEN_FILLERS)
    return found, len(words)
