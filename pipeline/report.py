"""report.md: a summary a researcher can skim — themes, codes, labels, verbatim quotes."""

from __future__ import annotations

from .codebook import Codebook, Entry
from .types import Segment

HOW_TO_READ = """\
How to read this: each **theme** groups candidate **codes**; each code groups meaning units
(quotes) that say similar things. Labels and keywords are *suggestions* computed from the words
of the quotes — rename, merge, split or reject them. Quotes are verbatim (`file`, speaker).
Greetings, consent, logistics, demographics and thinking aloud were set aside before
clustering: `dropped.csv` lists them with their kind — read it, the line is yours to draw.
Units that joined a code only by similarity have probability 0 in `segments.csv`."""


def _quote(seg: Segment, limit: int = 400) -> str:
    text = " ".join(seg.text.split())
    text = text if len(text) <= limit else text[:limit].rstrip() + " …"
    return f"> {text}\n> — `{seg.file}`, {seg.speaker}"


def _code_block(code: Entry, by_id: dict[str, Segment]) -> list[str]:
    lines = [f"#### {code.id} · {code.label}",
             f"{code.size} units from {code.participants} participant(s). "
             f"Keywords: {', '.join(code.keywords) or '—'}."]
    if code.keyphrases:
        lines.append(f"Keyphrases: {', '.join(code.keyphrases)}.")
    lines.append("")
    for sid in code.exemplars:
        lines += [_quote(by_id[sid]), ""]
    return lines


def render(book: Codebook, segments: tuple[Segment, ...], n_dropped: int, corpus_name: str) -> str:
    by_id = {s.segment_id: s for s in segments}
    total = len(segments)
    share = book.unassigned / total if total else 0.0
    participants = len({(s.file, s.speaker) for s in segments})
    lines = [f"# Candidate themes: {corpus_name}", "",
             f"{total} meaning units from {participants} participant(s) → {len(book.codes)} candidate "
             f"codes in {len(book.themes)} candidate themes. Unassigned: {book.unassigned} units "
             f"({share:.0%}). Talk set aside as non-thematic or trivial: {n_dropped} spans "
             "(`dropped.csv`).", "", HOW_TO_READ, ""]
    codes = {c.id: c for c in book.codes}
    for theme in book.themes:
        lines += [f"## {theme.id} · {theme.label}",
                  f"{len(theme.children)} codes, {theme.size} units, {theme.participants} participant(s). "
                  f"Keywords: {', '.join(theme.keywords) or '—'}.", ""]
        for code_id in theme.children:
            lines += _code_block(codes[code_id], by_id)
    unassigned = [s for s, a in zip(segments, book.assignments) if not a.code_id]
    lines += ["## Unassigned units", f"{len(unassigned)} units fit no candidate code "
              "(full list in `segments.csv`, rows with an empty `code_id`). The first ten:", ""]
    for seg in unassigned[:10]:
        lines += [_quote(seg, 200), ""]
    return "\n".join(lines).rstrip() + "\n"
