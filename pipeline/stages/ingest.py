"""Stage ingest: source files → documents with speaker turns and time marks.

A paragraph (or line) that starts with a short label and a colon ("P3:", "Interviewer:",
"مصاحبه‌گر:", "مصاحبه گر:") opens a turn; so does a heading line naming the speaker of the lines
below it, as transcription tools write them ("Dana Roe  0:03", "Speaker 1 (00:00:03):"; see
``speaker_lines``). The interviewer's turns (named, labelled, or detected: see ``interviewers``)
are kept for context but not coded. In a file whose other turns are tagged, an untagged
paragraph belongs to the participant; a file with no tags is one participant's speech,
paragraph by paragraph.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from pipeline.config import check
from pipeline.errors import E_INPUT_NOTHING_USABLE, MazmunError
from pipeline.stages.interviewers import assign, fold_label
from pipeline.text.encoding import DecodeError, is_binary_text
from pipeline.text.formats import FormatError, extract
from pipeline.text.speaker_lines import HEAD, MARKS, TAG, Line, classify, named_after_marks
from pipeline.text.timemarks import enclosed, trimmed
from pipeline.types import INTERVIEWER, PARTICIPANT, Corpus, Document, Mark, Skipped, SourceFile, Turn

DEFAULT_INTERVIEWER = (
    r"(interviewer|facilitator|moderator|researcher|interviewer's)\b.*",
    r"(i|q|int|mod|fac)\s*\d*",
    r"(مصاحبه ?گر|مصاحبه ?کننده|پرسشگر|تسهیل ?گر|پژوهشگر|محقق|گرداننده)\b.*",
)


@dataclass(frozen=True)
class IngestConfig:
    extensions: tuple[str, ...] = (".txt", ".md", ".docx", ".odt", ".pdf", ".vtt", ".srt", ".csv")
    interviewer_patterns: tuple[str, ...] = DEFAULT_INTERVIEWER
    fallback_encodings: tuple[str, ...] = ("cp1256",)
    max_label_words: int = 4
    max_file_mb: float = 16.0  # larger files are skipped unread (a 2-hour interview is ~0.1 MB)
    interviewers: tuple[str, ...] = ()  # speakers who are the interviewer, by name (--interviewer)
    detect_interviewer: bool = True  # where nobody is named or labelled: the speaker who asks

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
        check(all(isinstance(n, str) and n.strip() for n in self.interviewers), "ingest.interviewers",
              "list speakers' names as they appear in the transcripts, e.g. [Dana Roe]")


def role_of(label: str, patterns: tuple[str, ...], names: tuple[str, ...] = ()) -> str:
    folded = fold_label(label)
    if folded in {fold_label(n) for n in names} or \
            any(re.fullmatch(p, folded, re.IGNORECASE) for p in patterns):
        return INTERVIEWER
    return PARTICIPANT


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


def _openers(lines: list[Line], paragraphs: list[bool], roles: list[str]) -> list[bool]:
    """Which lines open a turn. Headings (a speaker's name over their speech) when the file is
    written that way: at least two, and not outnumbered by tags. Tags when most paragraphs carry
    one; otherwise only interviewer tags (a moderator's few words among the participant's
    untagged talk: "Case study: …" in the participant's talk names no speaker)."""
    heads = [ln.kind == HEAD for ln in lines]
    tags = [ln.kind == TAG for ln in lines]
    if sum(heads) >= 2 and sum(heads) * 2 >= sum(tags):
        named = {fold_label(ln.label) for ln in lines if ln.kind == HEAD}
        return [h or (t and fold_label(ln.label) in named) for h, t, ln in zip(heads, tags, lines)]
    tagged = sum(t and p for t, p in zip(tags, paragraphs))
    most = sum(tags) >= 2 and (tagged * 2 >= sum(paragraphs) or sum(tags) * 2 >= len(lines))
    return [t and (most or (r == INTERVIEWER and p)) for t, p, r in zip(tags, paragraphs, roles)]


def parse(text: str, default_speaker: str, cfg: IngestConfig, markdown: bool = False,
          names: tuple[str, ...] = ()) -> tuple[tuple[Turn, ...], tuple[Mark, ...]]:
    """Split decoded text into turns and find its time marks (pure; offsets into ``text``).
    ``names``: speakers named as interviewers (``--interviewer``)."""
    spans = [ln for ln in _lines(text) if not (markdown and text[ln[0]:ln[1]].lstrip().startswith("#"))]
    lines = named_after_marks(text, [classify(text, s, e, cfg.max_label_words) for s, e, _ in spans],
                              cfg.max_label_words)
    paragraphs = [p for _, _, p in spans]
    roles = [role_of(ln.label, cfg.interviewer_patterns, names) if ln.label else "" for ln in lines]
    opens = _openers(lines, paragraphs, roles)
    headed = any(o and ln.kind == HEAD for o, ln in zip(opens, lines))
    raw: list[list] = []  # [speaker, role, start, end, under a heading]
    for line, new_para, role, opener in zip(lines, paragraphs, roles, opens):
        if line.kind == MARKS:
            continue
        if opener:
            body = line.body if line.kind == TAG else None
            raw.append([line.label, role, body, line.end if body is not None else None, line.kind == HEAD])
        elif raw and (headed or not new_para):  # under a heading: every line up to the next
            raw[-1][2] = line.start if raw[-1][2] is None else raw[-1][2]
            raw[-1][3] = line.end
        elif not headed:  # (before the first heading: a tool's preamble, title and keywords)
            raw.append([None, PARTICIPANT, line.start, line.end, False])
    marks = {m.start: m for m in enclosed(text)}  # a bare time is a mark by a label or alone
    marks.update({m.start: m for ln, o in zip(lines, opens) if o or ln.kind == MARKS for m in ln.marks})
    return _turns(text, raw, default_speaker), tuple(marks[k] for k in sorted(marks))


def _turns(text: str, raw: list[list], default_speaker: str) -> tuple[Turn, ...]:
    """Turns of the parsed lines: an untagged paragraph is the participant's who spoke last."""
    fallback = next((r[0] for r in reversed(raw) if r[0] and r[1] == PARTICIPANT), default_speaker)
    turns: list[Turn] = []
    speaker_seen = None
    for speaker, role, start, end, _ in raw:
        if start is None:
            continue
        if speaker is None:
            speaker = speaker_seen or fallback
        elif role == PARTICIPANT:
            speaker_seen = speaker
        start, end = trimmed(text, start, end)
        if end > start:
            turns.append(Turn(len(turns), speaker, role, start, end))
    return tuple(turns)


def parse_turns(text: str, default_speaker: str, cfg: IngestConfig,
                markdown: bool = False) -> tuple[Turn, ...]:
    """The turns of ``parse``."""
    return parse(text, default_speaker, cfg, markdown)[0]


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
    turns, marks = parse(text, stem, cfg, source.name.lower().endswith(".md"), cfg.interviewers)
    digest = hashlib.sha256(source.data).hexdigest()
    return Document(source.name, text, encoding, digest, turns, marks)


def ingest(sources: list[SourceFile], cfg: IngestConfig) -> Corpus:
    """Stage function: every source becomes a Document or a Skipped entry, in name order; each
    document's interviewer is named, labelled or detected (see ``interviewers``)."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for source in sorted(sources, key=lambda s: s.name):
        suffix = "." + source.name.rsplit(".", 1)[-1].lower() if "." in source.name else ""
        if source.name.rsplit("/", 1)[-1].startswith("."):
            skipped.append(Skipped(source.name, "hidden file"))
        elif suffix not in cfg.extensions:
            skipped.append(Skipped(source.name, f"unsupported file type '{suffix or 'none'}'; "
                                   f"supported: {' '.join(cfg.extensions)}"))
        else:
            result = read_document(source, cfg)
            if isinstance(result, Document):
                documents.append(result)
            else:
                skipped.append(result)
    documents, chosen = assign(documents, cfg.interviewers, cfg.detect_interviewer)
    kept = [(d, who) for d, who in zip(documents, chosen) if any(t.role == PARTICIPANT for t in d.turns)]
    skipped += [Skipped(d.name, "only interviewer turns, no participant speech to code")
                for d in documents if all(t.role != PARTICIPANT for t in d.turns)]
    return Corpus(tuple(d for d, _ in kept), tuple(sorted(skipped, key=lambda s: s.name)),
                  tuple(who for _, who in kept))


def usable_corpus(sources: list[SourceFile], cfg: IngestConfig) -> Corpus:
    """Stage function: ``ingest``; a folder none of whose files can be used is an error (E104)."""
    corpus = ingest(sources, cfg)
    if not corpus.documents:
        reasons = "; ".join(f"{s.name}: {s.reason}" for s in corpus.skipped[:3])
        raise MazmunError(E_INPUT_NOTHING_USABLE, f"no usable transcript: {reasons}",
                          "fix or convert the files listed (see README, 'Input')")
    return corpus
