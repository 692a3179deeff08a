"""The embedding cache: vectors on disk keyed by model and text, so re-clustering never re-embeds."""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from pipeline.errors import E_CONFIG_VALUE, MazmunError


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
def embedding_cache(folder: str, wanted: bool = True) -> Iterator[EmbeddingCache | None]:
    """The cache in ``folder`` (None when not ``wanted``), closed when done."""
    cache = EmbeddingCache(Path(folder)) if wanted else None
    if cache:
        cache.open()  # an unusable cache folder is reported before any work
    try:
        yield cache
    finally:
        if cache:
            cache.close()


