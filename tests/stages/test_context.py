"""Context: a sentence's place in its session (position, question, repetition, notes)."""

from pipeline.stages.context import CLOSING, OPENING, contexts, repeated
from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.preprocess import PreprocessConfig, preprocess
from pipeline.types import SourceFile

PROMPT = {"en": "3.b Are the query input options clear to you when you read them?",
          "fa": "آیا گزینه‌های ورودی جستجو برای شما روشن است وقتی آنها را می‌خوانید؟"}
TALK = {"en": ["I think the lag is the only confusing part of the form.",
               "The location list could be in alphabetical order, that would help me.",
               "Honestly the export button was hard to find at first."],
        "fa": ["فکر می‌کنم فقط فاصله زمانی در فرم گیج‌کننده است.",
               "فهرست مکان‌ها اگر به ترتیب الفبا بود به من کمک می‌کرد.",
               "راستش دکمه خروجی را اول به سختی پیدا کردم."]}
NOTE = {"en": "(The participant reads the task)", "fa": "(شرکت‌کننده تکلیف را می‌خواند)"}


def _corpus(lang: str):
    files = [SourceFile(f"s{i}.txt", f"MODERATOR: Please start.\n\n{NOTE[lang]}\n\n{PROMPT[lang]}\n\n{talk}\n"
                        .encode()) for i, talk in enumerate(TALK[lang])]
    corpus = ingest(files, IngestConfig())
    return corpus, preprocess(corpus, PreprocessConfig())


def test_protocol_text_is_found_and_becomes_the_question(lang):
    corpus, turns = _corpus(lang)
    found = contexts(corpus, turns, 0.1, 0.2)
    texts = {d.name: d.text for d in corpus.documents}
    flat = [(t.file, s) for t in turns for s in t.sentences]
    said = {texts[f][s.start:s.end]: c for (f, s), c in zip(flat, found.sentences)}
    assert said[PROMPT[lang]].repeated == 3 and said[NOTE[lang]].note
    silent = contexts(corpus, turns, 0.1, 0.2, interviewer_asks=False)  # think-aloud: prompts only
    for ctx in (found, silent):
        for (file, s), c in zip(flat, ctx.sentences):
            if texts[file][s.start:s.end] in TALK[lang]:
                assert c.repeated == 0 and not c.note
                qfile, start, end = ctx.questions[c.question]
                assert texts[qfile][start:end] == PROMPT[lang]  # read after the moderator spoke
    first = [c.question for c in silent.sentences][0]
    assert first == -1 and found.sentences[0].question >= 0  # the note: after the moderator only


def test_repetition_needs_a_share_of_participants(lang):
    _, turns = _corpus(lang)
    assert max(repeated(turns, 0.2)) == 3
    assert max(repeated(turns, 1.0)) == 3  # all three say it
    _, one = _corpus(lang)
    assert max(repeated(one[:1], 0.2)) == 0  # one participant repeats nothing


def test_openings_and_closings_are_the_edges_of_each_session(lang):
    corpus, turns = _corpus(lang)
    edges = [c.edge for c in contexts(corpus, turns, 0.34, 0.2).sentences]
    per_file = len(edges) // 3
    assert edges[:per_file][0] == OPENING and edges[:per_file][-1] == CLOSING
    assert set(contexts(corpus, turns, 0.0, 0.2).sentences[i].edge for i in range(len(edges))) == {""}
