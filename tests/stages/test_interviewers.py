from pipeline.stages.ingest import IngestConfig, ingest
from pipeline.stages.interviewers import summary
from pipeline.types import INTERVIEWER, SourceFile

CFG = IngestConfig()


def _ingest(files: dict[str, str], cfg: IngestConfig = CFG):
    return ingest([SourceFile(n, t.encode()) for n, t in files.items()], cfg)


def _who(corpus):
    return {i.file: (i.speakers, i.how) for i in corpus.interviewers}


FOCUS_GROUP = {
    "en": ("Nora: Welcome, everyone. What brought you to the group?\n\nAli: My doctor suggested it.\n\n"
           "Bita: I wanted to meet others. Is that normal?\n\n"
           "Nora: Of course. How did the first session feel?\n\n"
           "Ali: Strange at first, then helpful.\n\nCyrus: Helpful for me too.\n\n"
           "Nora: And what would you change?\n\nBita: Longer sessions.\n"),
    "fa": ("نورا: به همه خوش آمدید. چه شد که به گروه آمدید؟\n\nعلی: دکترم پیشنهاد کرد.\n\n"
           "بیتا: می‌خواستم با بقیه آشنا شوم. این عادی است؟\n\nنورا: البته. جلسه اول چطور بود؟\n\n"
           "علی: اول عجیب بود، بعد مفید.\n\nکوروش: برای من هم مفید بود.\n\n"
           "نورا: چه چیزی را تغییر می‌دادید؟\n\nبیتا: جلسه‌های طولانی‌تر.\n"),
}


def test_focus_group_moderator_is_who_asks(lang):
    corpus = _ingest({"group.txt": FOCUS_GROUP[lang]})
    moderator = FOCUS_GROUP[lang].split(":", 1)[0]
    assert _who(corpus)["group.txt"] == ((moderator,), "detected")
    roles = {t.speaker: t.role for t in corpus.documents[0].turns}
    assert [s for s, r in roles.items() if r == INTERVIEWER] == [moderator]


def test_nobody_detected_when_nobody_clearly_asks():
    """Survey answers (one each) and an even conversation: every speaker is coded."""
    survey = "\n\n".join(f"Respondent {i}: The wait was long. Why so long?" for i in range(6))
    even = "A: Why? It was fine.\n\nB: Was it? I thought not.\n\nA: Really?\n\nB: Sure?\n"
    corpus = _ingest({"survey.txt": survey, "even.txt": even})
    assert {f: how for f, (_, how) in _who(corpus).items()} == {"survey.txt": "none", "even.txt": "none"}
    assert all(t.role != INTERVIEWER for d in corpus.documents for t in d.turns)


def test_the_interviewer_of_most_files_is_it_where_they_ask_little():
    asked = "Dana: How was it?\n\nSam{n}: Hard.\n\nDana: Why?\n\nSam{n}: Long nights.\n"
    quiet = "Dana: Go on.\n\nSam9: The nights were long. Who would not be tired?\n"
    files = {f"s{n}.txt": asked.format(n=n) for n in range(3)} | {"s9.txt": quiet}
    who = _who(_ingest(files))
    assert who["s9.txt"] == (("Dana",), "detected")
    assert all(who[f"s{n}.txt"] == (("Dana",), "detected") for n in range(3))


def test_detection_can_be_turned_off_and_labels_still_count():
    files = {"a.txt": FOCUS_GROUP["en"], "b.txt": "Interviewer: How?\n\nP1: Like this.\n"}
    who = _who(_ingest(files, IngestConfig(detect_interviewer=False)))
    assert who == {"a.txt": ((), "none"), "b.txt": (("Interviewer",), "label")}


def test_summary_names_each_file_and_how():
    corpus = _ingest({"group.txt": FOCUS_GROUP["en"], "b.txt": "Interviewer: How?\n\nP1: Like this.\n",
                      "c.txt": "Some talk with no speakers at all.\n"})
    lines = summary(corpus.interviewers)
    assert "interviewer Nora (detected: asks 3 of the 4 questions) in group.txt" in lines
    assert "interviewer Interviewer (by the label) in b.txt" in lines
    assert any(line.startswith("no interviewer in c.txt") and "--interviewer" in line for line in lines)
