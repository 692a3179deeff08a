"""report.md: a summary a researcher can skim — themes, codes, labels, verbatim quotes."""

from __future__ import annotations

from dataclasses import replace

from pipeline.stages.codebook import Codebook, Entry
from pipeline.stages.study import Study
from pipeline.stages.suggest import Suggested, Suggestion
from pipeline.types import HUMAN, NEW, SUGGESTED, Segment

HOW_TO_READ = """\
How to read this: each **theme** groups candidate **codes**; each code groups meaning units
(quotes) that say similar things. Labels and keywords are *suggestions* computed from the words
of the quotes — rename, merge, split or reject them. Quotes are verbatim (`file`, speaker).
Greetings, consent, logistics, background, protocol text read aloud and transcribers' notes
were set aside before clustering, each only where the session confirmed it (its opening or
closing, the question asked, brevity): `dropped.csv` lists them with the reason — read it, the
line is yours to draw. Talk only one signal doubted was kept; its units carry the doubt in the
`doubt` column of `segments.csv`. Units that joined a code only by similarity ("attached") have
probability 0 in `segments.csv`."""


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _quote(seg: Segment, limit: int = 400) -> str:
    return f"> {_short(seg.text, limit)}\n> — `{seg.file}`, {seg.speaker}"


def _code_block(code: Entry, by_id: dict[str, Segment], attached: int) -> list[str]:
    lines = [f"#### {code.id} · {code.label}",
             f"{code.size} units ({code.size - attached} by clustering, {attached} attached) "
             f"from {code.participants} participant(s). "
             f"Keywords: {', '.join(code.keywords) or '—'}."]
    if code.keyphrases:
        lines.append(f"Keyphrases: {', '.join(code.keyphrases)}.")
    lines.append("")
    for sid in code.exemplars:
        lines += [_quote(by_id[sid]), ""]
    return lines


def _overview(book: Codebook, segments: tuple[Segment, ...], n_dropped: int, attached: int,
              study: Study | None, interviewers: tuple[str, ...]) -> list[str]:
    total = len(segments)
    share = book.unassigned / total if total else 0.0
    participants = len({(s.file, s.speaker) for s in segments})
    doubted = sum(1 for s in segments if s.doubt)
    lines = [f"{total} meaning units from {participants} participant(s) → {len(book.codes)} candidate "
             f"codes in {len(book.themes)} candidate themes: {total - book.unassigned - attached} units "
             f"by clustering, {attached} attached to the nearest code afterwards, {book.unassigned} "
             f"unassigned ({share:.0%}). Talk set aside as non-thematic or trivial: {n_dropped} spans "
             f"(`dropped.csv`). Kept in doubt: {doubted} units.", ""]
    if study:
        lines += [f"Kind of study assumed: **{study.kind.replace('_', '-')}** ({study.reason}); "
                  "set `study.kind` in the config if that is wrong.", ""]
    if interviewers:
        lines += ["Taken for the interviewer (kept for context, not coded); if that is wrong, "
                  "analyze again with `--interviewer NAME`:", "", *(f"- {line}" for line in interviewers), ""]
    return lines


def _suggested_code(code: str, rows: list[tuple[Segment, Suggestion]], n_human: int,
                    segments: tuple[Segment, ...]) -> list[str]:
    mean = sum(s.confidence for _, s in rows) / len(rows) if rows else 0.0
    lines = [f"#### {code}", f"Coded by you: {n_human} unit{'s' * (n_human != 1)}; suggested: {len(rows)}"
             + (f" (mean confidence {mean:.2f}); the most confident:" if rows else "."), ""]
    for seg, s in sorted(rows, key=lambda r: -r[1].confidence)[:3]:
        start, end = s.part(seg.start, seg.end)  # the part of the unit suggested: raw[start:end]
        after = f" · next closest: {s.alternative}" if s.alternative else ""
        lines.append(_quote(replace(seg, text=seg.text[start - seg.start:end - seg.start]), 300)
                     + f" · confidence {s.confidence:.2f}{after}")
        if s.evidence:
            like = segments[s.evidence[0]]
            lines.append(f"> like your `{like.file}` ({like.speaker}): “{_short(like.text, 160)}”")
        lines.append("")
    return lines


def suggestions_section(suggested: Suggested, segments: tuple[Segment, ...]) -> list[str]:
    """The coders' codes with the units they coded and those suggested for them, by theme."""
    n = suggested.counts()
    lines = ["## Your codes, suggested for the rest", "",
             f"`--coding {suggested.source}`: {suggested.located} coded quotes gave {n[HUMAN]} units your "
             f"codes. mazmun suggests your codes for {n[SUGGESTED]} more units; {n['uncoded']} units are "
             f"uncoded talk (left so by you, or taken for it). {n[NEW]} units fit none of your codes "
             "(*new*): they went to open clustering, and the candidate codes further down come from them "
             "alone. Every suggestion "
             "is in `segments.csv` (`suggested_code`, `suggested_theme`; `suggested_start`, `suggested_end`: "
             "the part of the unit suggested, its sentences like the talk you coded; `confidence`; "
             "`alternative_code`, `margin`: your code next closest, and how much nearer the suggested is; "
             "`source`; `evidence`: your units most like it); accept or reject them on the review page.", ""]
    if suggested.missing:
        lines += [f"{len(suggested.missing)} coded quotes were not found in the transcripts (first: "
                  f"`{suggested.missing[0].file}`, row {suggested.missing[0].row}).", ""]
    by_code: dict[str, list[tuple[Segment, Suggestion]]] = {c: [] for c in suggested.theme_of}
    human: dict[str, int] = {}
    for seg, s in zip(segments, suggested.suggestions):
        if s.source == SUGGESTED:
            by_code[s.code].append((seg, s))
        elif s.source == HUMAN:
            human[s.code] = human.get(s.code, 0) + 1
    for theme in sorted(set(suggested.theme_of.values())):
        lines += [f"### {theme}", ""]
        for code in sorted(c for c, t in suggested.theme_of.items() if t == theme):
            lines += _suggested_code(code, by_code[code], human.get(code, 0), segments)
    return lines


def render(book: Codebook, segments: tuple[Segment, ...], n_dropped: int, corpus_name: str,
           study: Study | None = None, interviewers: tuple[str, ...] = (),
           suggested: Suggested | None = None) -> str:
    """report.md; ``interviewers``: who was taken for the interviewer, a line per choice;
    ``suggested``: the coders' codes suggested for the rest (with ``--coding``)."""
    by_id = {s.segment_id: s for s in segments}
    attached: dict[str, int] = {}  # code id → units it took only by similarity (probability 0)
    for a in book.assignments:
        if a.code_id:
            attached[a.code_id] = attached.get(a.code_id, 0) + (a.probability == 0)
    lines = [f"# Candidate themes: {corpus_name}", "",
             *_overview(book, segments, n_dropped, sum(attached.values()), study, interviewers),
             HOW_TO_READ, ""]
    if suggested and suggested.suggestions:
        lines += suggestions_section(suggested, segments)
    codes = {c.id: c for c in book.codes}
    for theme in book.themes:
        lines += [f"## {theme.id} · {theme.label}",
                  f"{len(theme.children)} codes, {theme.size} units, {theme.participants} participant(s). "
                  f"Keywords: {', '.join(theme.keywords) or '—'}.", ""]
        for code_id in theme.children:
            lines += _code_block(codes[code_id], by_id, attached.get(code_id, 0))
    unassigned = [s for s, a in zip(segments, book.assignments) if not a.code_id]
    lines += ["## Unassigned units", f"{len(unassigned)} units fit no candidate code "
              "(full list in `segments.csv`, rows with an empty `code_id`). The first ten:", ""]
    for seg in unassigned[:10]:
        lines += [_quote(seg, 200), ""]
    return "\n".join(lines).rstrip() + "\n"
