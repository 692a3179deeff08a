"""Farsi text with hazm: normalization that keeps a map to the raw characters, sentences, and
content tokens (half-space words kept whole, verbs lemmatized to a readable infinitive)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.text.spans import pieces

# Spoken-Farsi fillers and discourse markers that carry no theme (added to hazm's stop words).
SPOKEN_FILLERS = (
    "خب خوب یعنی دیگه دیگر حالا اینکه این اون آن یه یک واقعا واقعاً مثلا مثلاً بله آره نه "
    "ببینید ببین بگذارید بذارید ببینم راستش همین همون چیز چیزی چیزها کار یک‌جورهایی جورهایی "
    "اصلا اصلاً البته شاید خیلی کمی یکم بعد قبل الان اینجا آنجا اونجا فکر کنم می‌دونید "
    "می‌دانید می‌گم می‌گویم گفتم بگم بگویم شما من ما ممنون ممنونم مرسی سلام آقای خانم "
    "خداحافظ حتما حتماً بفرمایید موافقم درسته دقیقا دقیقاً اوم هوم باشه چشم "
    "این‌که آن‌که توی هیچ‌وقت این‌طوری همین‌طور"
).split()
# Verbs whose infinitive is not past stem + ن (hazm lists باشید#باش, a present stem of بودن).
_INFINITIVES = {"باش": "بودن"}

# Plural endings and pronoun clitics: typed after a space instead of a half-space
# (کتاب هایش) they are left as words of their own, which carry no content (stop words).
DETACHED_SUFFIXES = frozenset(
    "ها های هایی هایم هایت هایش هایمان هایتان هایشان ای ام ات اش مان تان شان تر ترین".split())

# A sentence ends at . ! ? ؟ followed by space; an ellipsis (.. ... …) marks a pause in
# transcripts, not the end of a sentence.
_SENTENCE_END = re.compile(r"(?:[!?؟]+|(?<![.…])\.(?![.…]))[\"»)\]]*\s+|\n+")
_PUNCT = re.compile(r"^[\W\d_۰-۹٠-٩]+$")
_EDGE_PUNCT = re.compile(r"^[^\w\u200c]+|[^\w\u200c]+$")  # "…باور" → "باور"
# Arabic letter forms a Farsi text may be typed with (Arabic keyboard layout) → Persian ones.
LETTER_VARIANTS = {"ي": "ی", "ك": "ک", "ى": "ی", "ۀ": "ه", "ة": "ه"}
_FOLD = str.maketrans({**LETTER_VARIANTS,  # as hazm normalizes: Persian digits
                       **{str(d): "۰۱۲۳۴۵۶۷۸۹"[d] for d in range(10)},
                       **{"٠١٢٣٤٥٦٧٨٩"[d]: "۰۱۲۳۴۵۶۷۸۹"[d] for d in range(10)}})
ASCII_DIGITS = {digits[d]: str(d) for digits in ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹") for d in range(10)}
_MATCH_FOLD = str.maketrans({**LETTER_VARIANTS, "\u200c": " ", **ASCII_DIGITS})  # for matching
# Half-spaces people leave out or type as spaces, in forms where no other reading exists (hazm
# leaves these): آنها → آن‌ها, این قدر → این‌قدر, هیچوقت → هیچ‌وقت, شرکت کننده → شرکت‌کننده.
_HALF_SPACES = (
    (re.compile(r"(?<![\w\u200c])(آن|این)(ها(?:یی|یشان|یمان|یتان|ی)?)(?![\w\u200c])"), "\\1\u200c\\2"),
    (re.compile(r"(?<![\w\u200c])(آن|این) ?(قدر|طور)(?![\w\u200c])"), "\\1\u200c\\2"),
    (re.compile(r"(?<![\w\u200c])هیچ ?(وقت|کس|کدام|چیز|جا|گاه)(?![\w\u200c])"), "هیچ\u200c\\1"),
    (re.compile(r"(?<=\w) (کننده|کنندگان)"), "\u200c\\1"),
)
# Endings joined to a word without their half-space (کردهاند, خانهام): split off when that gives a
# verb form hazm conjugates, or when hazm never saw the whole but knows the stem (الهام, اتهام stay).
_JOINED_SUFFIXES = tuple(sorted(
    "اند ام ای ایم اید ها های هایی هایم هایت هایش هایمان هایتان هایشان اش ات مان تان شان".split(),
    key=len, reverse=True))
_CLITICS = ("یمان", "یتان", "یشان", "مان", "تان", "شان", "یم", "یت", "یش", "م", "ت", "ش")
_CLITICS_AND_COPULA = tuple(sorted((*_CLITICS, "ام"), key=len, reverse=True))  # خسته‌ام: I am tired
_LETTER = r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]"
_ARABIC_WORD = re.compile(rf"(?<!{_LETTER}){_LETTER}{{3,}}")
_JOINABLE = DETACHED_SUFFIXES | {"تری", "ترین", "می", "نمی"}
LONG, PIECE = 2000, 300  # longer text is normalized in pieces of about PIECE characters
_IGNORABLE = re.compile(r"[\u064b-\u065f\u0670\u0640\u200d\u200e\u200f\ufeff]")  # diacritics, tatweel, marks


@lru_cache(maxsize=1)
def _hazm():
    """Load hazm's normalizer, tokenizer, lemmatizer and stop words once, on first use."""
    import hazm

    normalizer = hazm.Normalizer()
    stop = {normalizer.normalize(w) for w in hazm.stopwords_list() + list(SPOKEN_FILLERS)}
    stop |= {w.replace("_", "\u200c") for w in stop} | DETACHED_SUFFIXES
    return normalizer, hazm.WordTokenizer(join_verb_parts=False), hazm.Lemmatizer(), frozenset(stop)


def normalize(raw: str) -> tuple[str, list[int]]:
    """hazm-normalize ``raw``; return the text and, for each position of it (and its end),
    the matching position in ``raw``. Long text is normalized piece by piece (cut after sentence
    ends), so the time grows linearly with its length."""
    if len(raw) <= LONG:
        return _normalize(raw)
    norm: list[str] = []
    mapping: list[int] = []
    for start, end in pieces(raw, PIECE, _can_cut):
        body = raw[start:end].rstrip()
        text, where = _normalize(body)
        text = text.rstrip()
        norm.append(text)
        mapping.extend(start + w for w in where[:len(text)])
        if end > start + len(body) and text:  # the space after the piece, as one character
            norm.append("\n" if "\n" in raw[start + len(body):end] else " ")
            mapping.append(start + len(body))
    joined = "".join(norm).rstrip()
    return joined, mapping[:len(joined)] + [len(raw)]


def _can_cut(text: str, start: int, end: int) -> bool:
    """A space where hazm joins no words: not after a verb prefix, not before a suffix."""
    before = text[max(0, start - 4):start].split()[-1:] or [""]
    after = text[end:end + 8].split()[:1] or [""]
    return before[0] not in ("می", "نمی", "بی") and after[0] not in _JOINABLE


def _normalize(raw: str) -> tuple[str, list[int]]:
    norm = _hazm()[0].normalize(raw)
    for pattern, repl in _HALF_SPACES:
        norm = pattern.sub(repl, norm)
    norm = _ARABIC_WORD.sub(_split_word, norm)
    return norm, align(raw.translate(_FOLD), norm)


RESYNC, AGREE = 8, 3  # an edit spans at most RESYNC characters; AGREE equal ones end it
_RUN = re.compile(r"\s+")


def _resync(a: str, b: str, i: int, j: int) -> tuple[int, int]:
    """The shortest edit (characters of ``a``, of ``b``) after which the two agree again for
    ``AGREE`` characters (or both end). A run of spaces hazm collapsed may be long."""
    run = _RUN.match(a, i)
    room = RESYNC + (run.end() - i if run else 0)
    for total in range(1, RESYNC + room + 1):
        for di in range(max(0, total - RESYNC), min(total, room) + 1):
            dj = total - di
            x, y = a[i + di:i + di + AGREE], b[j + dj:j + dj + AGREE]
            if x == y and (len(x) == AGREE or (i + di + len(x) == len(a) and j + dj + len(y) == len(b))):
                return di, dj
    return (1 if i < len(a) else 0), 1


def _within(a: str, b: str) -> list[int]:
    """For each character of the short edited stretch ``b``, its position in ``a``: characters
    both keep are paired (longest common subsequence), a replaced one with the one it replaced,
    an inserted one with the character after it."""
    common = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for x in range(len(a) - 1, -1, -1):
        for y in range(len(b) - 1, -1, -1):
            common[x][y] = (common[x + 1][y + 1] + 1 if a[x] == b[y]
                            else max(common[x + 1][y], common[x][y + 1]))
    out, x = [], 0
    for y in range(len(b)):
        while x < len(a) and a[x] != b[y] and common[x + 1][y + 1] < common[x][y] <= common[x + 1][y]:
            x += 1  # a character of ``a`` that ``b`` dropped
        out.append(min(x, len(a)))
        if x < len(a) and (a[x] == b[y] or common[x + 1][y + 1] == common[x][y]):
            x += 1  # kept or replaced; otherwise ``b[y]`` was inserted before ``a[x]``
    return out


def align(a: str, b: str) -> list[int]:
    """For each position of ``b`` (and its end), its position in ``a``, where ``b`` is ``a`` after
    local edits (letters replaced, diacritics and spaces removed, half-spaces added, "..." → "…").
    Linear in the length: each edit is found within a few characters. An edited character maps
    into its edit's span of ``a`` (proportionally), an inserted one to where it was inserted."""
    mapping = [0] * (len(b) + 1)
    i = j = 0
    while j < len(b):
        if i < len(a) and a[i] == b[j]:
            mapping[j] = i
            i, j = i + 1, j + 1
            continue
        di, dj = _resync(a, b, i, j)
        for k, at in enumerate(_within(a[i:i + di], b[j:j + dj])):
            mapping[j + k] = i + at
        i, j = i + di, j + dj
    mapping[len(b)] = len(a)
    return mapping


def _split_word(m: re.Match) -> str:
    """An ending typed after its half-space (جلسه‌های) is left as it is; a word, split."""
    return m.group() if m.group() in DETACHED_SUFFIXES else split_joined_suffix(m.group())


def _frequency(word: str) -> int:
    """How often hazm's corpus has ``word`` (0: never, or only listed)."""
    return _hazm()[2].words.get(word, (0,))[0]


def _likeliest_stem(word: str, suffixes: tuple[str, ...]) -> str:
    """For a word hazm never saw, the most frequent known stem left by removing one of
    ``suffixes`` (longest first); "" when there is none."""
    if _frequency(word):
        return ""
    best, best_count = "", 0
    for suffix in suffixes:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2 and _frequency(stem) > best_count:
            best, best_count = stem, _frequency(stem)
    return best


def split_joined_suffix(word: str) -> str:
    """``word`` with a half-space before an ending typed without one (see ``_JOINED_SUFFIXES``),
    or unchanged: a verb form hazm conjugates (کردهاند → کرده‌اند), else, for a word hazm has never
    seen, the split whose stem is most frequent (خانهام → خانه‌ام, پرندهای → پرنده‌ای)."""
    verbs = _hazm()[2].verbs
    if word in verbs:
        return word
    for suffix in _JOINED_SUFFIXES:
        if word.endswith(suffix) and f"{word[: -len(suffix)]}\u200c{suffix}" in verbs:
            return f"{word[: -len(suffix)]}\u200c{suffix}"
    stem = _likeliest_stem(word, _JOINED_SUFFIXES)
    return f"{stem}\u200c{word[len(stem):]}" if stem else word


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded so that copies typed differently compare equal — Arabic vs Persian letter
    forms, half-spaces vs spaces, diacritics and tatweel, digits, runs of whitespace, case — and,
    for each folded position, the position in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if _IGNORABLE.match(ch):
            continue
        ch = ch.translate(_MATCH_FOLD).casefold()
        if ch.isspace():
            if not out or out[-1] == " ":
                continue
            ch = " "
        out.append(ch[0])
        where.append(i)
    return "".join(out), where


def sentence_breaks(norm: str) -> list[int]:
    """Positions in ``norm`` where a new sentence starts (after the first)."""
    return [m.end() for m in _SENTENCE_END.finditer(norm) if 0 < m.end() < len(norm)]


@lru_cache(maxsize=1 << 16)
def readable_lemma(word: str) -> str:
    """hazm's lemma, verbs as their infinitive (رفت#رو → رفتن). Where hazm keeps a word it never
    saw, a possessive clitic is dropped (حرفش → حرف, قلبم → قلب) and a negated verb read as
    its verb (نکرده → کردن)."""
    lemmatizer = _hazm()[2]
    lemma = lemmatizer.lemmatize(word)
    if lemma == word and not _frequency(word):
        if word.startswith("ن") and word[1:] in lemmatizer.verbs:
            return readable_lemma(word[1:])
        stem = _likeliest_stem(word, _CLITICS)
        if stem:
            return readable_lemma(stem)
    if "#" in lemma:  # hazm gives verbs as past#present stems: show the infinitive
        past, present = lemma.split("#", 1)
        if present in _INFINITIVES:
            return _INFINITIVES[present]
        return (past or present) + "ن" if past or present else word
    return lemma or word


def _words(norm: str) -> list[str]:
    _, tokenizer, _, _ = _hazm()
    return [_EDGE_PUNCT.sub("", w) for w in tokenizer.tokenize(norm) if not _PUNCT.match(w)]


def count_words(norm: str) -> int:
    """Words of a normalized Farsi text, punctuation and numbers left out."""
    return len(_words(norm))


@dataclass(frozen=True)
class Vocabulary:
    """A corpus's Farsi words: how often each is used (each part of a half-space word counted
    too), and for each lemma the words read as it."""

    counts: Counter
    readings: dict[str, frozenset[str]]


def vocabulary(norms: Iterable[str]) -> Vocabulary:
    """The ``Vocabulary`` of the normalized texts ``norms``."""
    counts = Counter(part for norm in norms for word in _words(norm)
                     for part in dict.fromkeys((word, *word.split("\u200c"))))
    readings: dict[str, set[str]] = {}
    for word in counts:
        readings.setdefault(readable_lemma(word), set()).add(word)
    return Vocabulary(counts, {lemma: frozenset(words) for lemma, words in readings.items()})


def content_tokens(norm: str, vocab: Vocabulary | None = None) -> tuple[tuple[str, ...], int]:
    """(content lemmas, number of words) of a normalized Farsi text (see ``content_words``)."""
    found, n_words = content_words(norm, vocab)
    return tuple(lemma for lemma, _ in found), n_words


def content_words(norm: str, vocab: Vocabulary | None = None) -> tuple[tuple[tuple[str, str], ...], int]:
    """((content lemma, the word it was read from) …, number of words) of a normalized Farsi
    text, each lemma read against the corpus's ``vocab`` when given (see ``corpus_lemma``)."""
    stop = _hazm()[3]
    words = _words(norm)
    tokens = []
    for word in words:
        if word in stop or len(word) < 2:
            continue
        lemma = readable_lemma(word) if vocab is None else corpus_lemma(word, vocab)
        if lemma not in stop:
            tokens.append((lemma, word))
    return tuple(tokens), len(words)


def corpus_lemma(word: str, vocab: Vocabulary) -> str:
    """``word``'s lemma, where hazm's reading of a noun with a possessive clitic is one the
    corpus does not bear out. A lemma that only cuts a clitic off a word the corpus repeats stays
    the word when the corpus never uses the shorter form: بالینت (Balint) is not بالین (bedside)
    + ت. A word hazm reads as something else (خوابم, my sleep, as the verb خفتن; صورتم, my face,
    as صور) is the noun without its clitic (خواب, صورت) when the corpus says that noun and no
    word of the corpus other than the noun with clitics reads as hazm's lemma."""
    lemma, counts = readable_lemma(word), vocab.counts
    if not counts[lemma] and counts[word] >= 2 and word.startswith(lemma) and word[len(lemma):] in _CLITICS:
        return word
    if lemma == word:
        return lemma
    bare = _without_clitic(word, counts)
    if bare and bare != lemma and all(other.startswith(bare) for other in vocab.readings.get(lemma, ())):
        return bare
    return lemma


def _without_clitic(word: str, counts: Counter) -> str:
    """``word`` without a possessive clitic or the copula (ام), when what is left is a word hazm
    knows and reads as itself, and the corpus says it elsewhere than in ``word`` (a half-space
    word's parts are counted with it); "" when there is none."""
    lemmatizer = _hazm()[2]
    for suffix in _CLITICS_AND_COPULA:
        bare = word[:-len(suffix)].rstrip("\u200c") if word.endswith(suffix) else ""
        elsewhere = counts[bare] - (counts[word] if word.startswith(bare + "\u200c") else 0)
        if len(bare) >= 2 and elsewhere > 0 and bare in lemmatizer.words \
                and lemmatizer.lemmatize(bare) == bare:
            return bare
    return ""


def lexical_terms(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Content tokens as the lexical view compares them: a half-space compound is split into its
    parts (کپی‌پیست → کپی، پیست; به‌عنوان → عنوان), so a word typed with a space or a half-space
    gives the same terms; suffixes and stop words among the parts are dropped."""
    stop = _hazm()[3]
    return tuple(part for token in tokens for part in token.split("\u200c")
                 if len(part) > 1 and part not in stop)


def script_counts(text: str) -> tuple[int, int]:
    """(Arabic-script letters, Latin letters) in ``text``."""
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return arabic, latin
