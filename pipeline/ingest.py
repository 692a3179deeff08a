"""Stage 1, ingest: source files → documents with speaker turns.

A paragraph (or line) that starts with a short label and a colon ("P3:", "Interviewer:",
"مصاحبه‌گر:", "مصاحبه گر:") opens a turn. Interviewer-like labels (configurable patterns, matched
without regard to case) are kept for context but not coded. In a file whose other turns are
tagged, an untagged paragraph belongs to the participant; a file with no tags is one
participant's speech, paragraph by paragraph.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .config import check
from .encoding import DecodeError, is_binary_text
from .farsi import fold
from .formats import FormatError, extract
from .types import INTERVIEWER, PARTICIPANT, Corpus, Document, Skipped, SourceFile, Turn

DEFAULT_INTERVIEWER = (
    r"(interviewer|facilitator|moderator|researcher|interviewer's)\b.*",
    r"(i|q|int|mod|fac)\s*\d*",
    r"(مصاحبه ?گر|مصاحبه ?کننده|پرسشگر|تسهیل ?گر|پژوهشگر|محقق|گرداننده)\b.*",
)


@dataclass(frozen=True)
class IngestConfig:
    extensions: tuple[str, ...] = (".txt", ".md", ".docx", ".odt", ".vtt", ".srt", ".csv")
    interviewer_patterns: tuple[str, ...] = DEFAULT_INTERVIEWER
    fallback_encodings: tuple[str, ...] = ("cp1256",)
    max_label_words: int = 4
    max_file_mb: float = 16.0  # larger files are skipped unread (a 2-hour interview is ~0.1 MB)

    def __post_init__(self) -> None:
        for pattern in self.interviewer_patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                check(False, "ingest.interviewer_patterns", f"'{pattern}' is not a regex ({exc})")
        check(self.max_label_words >= 1, "ingest.max_label_words", "must be at least 1")
        check(0 < self.max_file_mb <= 4096, "ingest.max_file_mb", "must be in (0, 4096]")
        check(all(e.startswith(".") for e in self.extensions), "ingest.extensions",
              "write extensions with their dot, e.g. .txt")


_TAG = re.compile(r"[ \t\u200e\u200f\ufeff]*(?P<label>[^\s:：][^:：\n]{0,39}?)[ \t]*[:：][ \t]*")
_NOT_LABEL = re.compile(r"[.!?؟،,;\"«»()\[\]]|^\d+$|^\d")


def fold_label(label: str) -> str:
    """Compare speaker labels without case, Arabic/Persian letter forms or half-space typing."""
    return fold(label)[0].strip()


def role_of(label: str, patterns: tuple[str, ...]) -> str:
    folded = fold_label(label)
    if any(re.fullmatch(p, folded, re.IGNORECASE) for p in patterns):
        return INTERVIEWER
    return PARTICIPANT


def _tag(line: str, max_words: int) -> re.Match[str] | None:
    m = _TAG.match(line)
    if not m:
        return None
    label = m.group("label").strip()
    if _NOT_LABEL.search(label) or len(label.split()) > max_words or m.end() >= len(line):
        return None
    return m


def _lines(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, starts_paragraph) for every non-blank line."""
    out, pos, blank_before = [], 0, True
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            out.append((pos, pos + len(body), blank_before))
            blank_before = False
        else:
            blank_before = True
        pos += len(line)
    return out


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_turns(text: str, default_speaker: str, cfg: IngestConfig,
                markdown: bool = False) -> tuple[Turn, ...]:
    """Split decoded text into turns (pure; offsets into ``text``)."""
    lines = [ln for ln in _lines(text) if not (markdown and text[ln[0]:ln[1]].lstrip().startswith("#"))]
    tags = [_tag(text[s:e], cfg.max_label_words) for s, e, _ in lines]
    paragraphs = sum(1 for ln in lines if ln[2])
    tagged = sum(1 for t, ln in zip(tags, lines) if t and ln[2])
    tagged_lines = sum(1 for t in tags if t)
    # Tags are read when most paragraphs carry one. Otherwise, when an interviewer's tag opens a
    # paragraph (a moderator's few words among the participant's untagged talk), only
    # interviewer tags are: "Case study: …" in the participant's talk names no speaker.
    roles = [role_of(t.group("label").strip(), cfg.interviewer_patterns) if t else "" for t in tags]
    asking = [r == INTERVIEWER and ln[2] for r, ln in zip(roles, lines)]
    most = tagged_lines >= 2 and (tagged * 2 >= paragraphs or tagged_lines * 2 >= len(lines))
    if not most:
        tags = [t if ask else None for t, ask in zip(tags, asking)]
    use_tags = most or any(asking)
    raw: list[list] = []  # [speaker, role, start, end]
    last_participant = None
    for (start, end, new_para), tag, role in zip(lines, tags, roles):
        if use_tags and tag:
            label = tag.group("label").strip()
            raw.append([label, role, start + tag.end(), end])
            if role == PARTICIPANT:
                last_participant = label
        elif raw and not new_para:
            raw[-1][3] = end
        else:
            raw.append([None, PARTICIPANT, start, end])
    fallback = last_participant or default_speaker
    turns, speaker_seen = [], None
    for speaker, role, start, end in raw:
        if speaker is None:
            speaker = speaker_seen or fallback
        elif role == PARTICIPANT:
            speaker_seen = speaker
        start, end = _trimmed(text, start, end)
        if end > start:
            turns.append(Turn(len(turns), speaker, role, start, end))
    return tuple(turns)


def read_document(source: SourceFile, cfg: IngestConfig) -> Document | Skipped:
    """Decode and parse one file, or say why it is skipped."""
    if source.unread:
        return Skipped(source.name, source.unread)
    if not source.data.strip():
        return Skipped(source.name, "empty file")
    try:
        text, encoding = extract(source.name, source.data, cfg.fallback_encodings)
    except (DecodeError, FormatError) as exc:
        return Skipped(source.name, str(exc))
    if is_binary_text(text):
        return Skipped(source.name, "binary file (mostly control characters), not a text transcript")
    if not text.strip():
        return Skipped(source.name, "no text in the file")
    stem = source.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    turns = parse_turns(text, stem, cfg, markdown=source.name.lower().endswith(".md"))
    if not any(t.role == PARTICIPANT for t in turns):
        return Skipped(source.name, "only interviewer turns, no participant speech to code")
    digest = hashlib.sha256(source.data).hexdigest()
    return Document(source.name, text, encoding, digest, turns)


def ingest(sources: list[SourceFile], cfg: IngestConfig) -> Corpus:
    """Stage function: every source becomes a Document or a Skipped entry, in name order."""
    documents, skipped = [], []
    for source in sorted(sources, key=lambda s: s.name):
        suffix = "." + source.name.rsplit(".", 1)[-1].lower() if "." in source.name else ""
        if source.name.rsplit("/", 1)[-1].startswith("."):
            skipped.append(Skipped(source.name, "hidden file"))
        elif suffix not in cfg.extensions:
            skipped.append(Skipped(source.name, f"unsupported file type '{suffix or 'none'}'; "
                                   f"supported: {' '.join(cfg.extensions)}"))
        else:
            result = read_document(source, cfg)
            (documents if isinstance(result, Document) else skipped).append(result)
    return Corpus(tuple(documents), tuple(skipped))
