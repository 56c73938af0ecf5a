"""Advice for officials writing a challenge that small firms, often in a second language, read.

Four kinds: sentences over 25 words, procurement jargon (a list per language, each word with
a plainer one), acronyms never spelled out, and a readability score for English and
Indonesian. Advice only informs: nothing here refuses a save.
"""

import dataclasses
import functools
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from textstat.textstat import textstatistics

LONG_SENTENCE_WORDS = 25

# The long fields a challenge's readers read; each gets its own advice.
CHALLENGE_FIELDS = ("problem_statement", "desired_outcomes", "eligibility_notes")

# Procurement words a small firm may not know, with a plainer one, per language of the text.
JARGON = {
    "en": {
        "tenderer": "business that applies",
        "tenderers": "businesses that apply",
        "bidder": "business that applies",
        "bidders": "businesses that apply",
        "economic operator": "business",
        "economic operators": "businesses",
        "contracting authority": "the city",
        "procuring entity": "the city",
        "pre-qualification": "first check of who may apply",
        "deliverables": "what you will hand over",
        "invitation to tender": "call for proposals",
        "terms of reference": "what the city asks for",
        "performance bond": "deposit that guarantees the work",
        "notwithstanding": "even so",
        "hereinafter": "from now on",
        "mutatis mutandis": "with the needed changes",
        "remuneration": "payment",
        "stakeholders": "people affected",
        "leverage": "use",
        "utilise": "use",
        "utilize": "use",
    },
    "id": {
        "penyedia barang/jasa": "usaha yang melamar",
        "penawar": "usaha yang melamar",
        "peserta tender": "usaha yang melamar",
        "pelaku usaha": "usaha",
        "pejabat pembuat komitmen": "petugas kota yang menandatangani",
        "kerangka acuan kerja": "apa yang diminta kota",
        "jaminan pelaksanaan": "deposit penjamin pekerjaan",
        "prakualifikasi": "pemeriksaan awal siapa yang boleh melamar",
        "pascakualifikasi": "pemeriksaan setelah penawaran masuk",
        "luaran": "hasil",
        "pemangku kepentingan": "orang yang terdampak",
        "sanggah": "keberatan",
        "wanprestasi": "tidak memenuhi janji",
    },
    "th": {
        "ผู้เสนอราคา": "ธุรกิจที่ยื่นข้อเสนอ",
        "ผู้ยื่นข้อเสนอ": "ธุรกิจที่ยื่นข้อเสนอ",
        "ขอบเขตของงาน": "สิ่งที่เมืองต้องการ",
        "หลักประกันสัญญา": "เงินประกันงาน",
        "ผู้มีส่วนได้ส่วนเสีย": "ผู้ที่ได้รับผลกระทบ",
    },
    "vi": {
        "nhà thầu": "doanh nghiệp tham gia",
        "bên mời thầu": "thành phố",
        "hồ sơ mời thầu": "thông báo mời đề xuất",
        "bảo lãnh thực hiện hợp đồng": "khoản bảo đảm công việc",
        "điều khoản tham chiếu": "những gì thành phố yêu cầu",
        "các bên liên quan": "những người bị ảnh hưởng",
    },
}

# Scores from textstat's Flesch reading ease: below these a text reads as hard. Indonesian
# words carry more syllables, so the same formula reads plain Indonesian lower than English.
HARD_TO_READ_BELOW = {"en": 50, "id": 20}
SCORED_LANGUAGES = {"en": "en_US", "id": "id_ID"}

# Small, frequent words that tell English from Indonesian in a few sentences.
_MARKERS = {
    "en": {"the", "and", "of", "to", "is", "are", "in", "for", "with", "that", "will"},
    "id": {"yang", "dan", "di", "untuk", "dengan", "ini", "dari", "tidak", "akan", "kami", "ke"},
}
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n{2,}|\n(?=\s*(?:[-*+]|\d+\.)\s)")
_WORD = re.compile(r"\w+(?:[-'\u2019/]\w+)*")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,7}s?\b")
# Acronyms every reader knows, or currencies, which are not spelled out.
_KNOWN_ACRONYMS = {"OK", "PDF", "SME", "SMEs", "USD", "THB", "IDR", "VND", "PHP", "MYR", "INR"}


@dataclasses.dataclass(frozen=True)
class Advice:
    kind: str  # "long_sentence", "jargon", "acronym" or "readability"
    message: str
    excerpt: str = ""


KIND_LABELS = {
    "long_sentence": gettext_lazy("Long sentence"),
    "jargon": gettext_lazy("Procurement jargon"),
    "acronym": gettext_lazy("Acronym without its long form"),
    "readability": gettext_lazy("Readability"),
}


def guess_language(text):
    """The language the text is written in, among the portal's four; English when unsure."""
    if _THAI.search(text):
        return "th"
    if len(_VIETNAMESE.findall(text)) >= 3:
        return "vi"
    words = [word.lower() for word in _WORD.findall(text)]
    counts = {code: sum(word in markers for word in words) for code, markers in _MARKERS.items()}
    return "id" if counts["id"] > counts["en"] else "en"


def sentences(text):
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _excerpt(sentence, words=8):
    parts = sentence.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def long_sentences(text):
    for sentence in sentences(text):
        count = len(_WORD.findall(sentence))
        if count > LONG_SENTENCE_WORDS:
            yield Advice(
                "long_sentence",
                _("This sentence has %(count)s words; try two sentences of under %(limit)s.")
                % {"count": count, "limit": LONG_SENTENCE_WORDS},
                _excerpt(sentence),
            )


def jargon(text, language):
    """Jargon of the text's language first; a short text may not show its language, so the
    other lists are read too (their words seldom appear by chance in another language)."""
    lowered = text.lower()
    found = {}
    languages = [language, *(code for code in JARGON if code != language)]
    # Longest first, so "tenderers" is named once rather than also as "tenderer".
    terms = sorted(
        ((term, code) for code in languages for term in JARGON.get(code, {})),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    for term, code in terms:
        match = re.search(rf"(?<!\w){re.escape(term)}(?!\w)", lowered)
        if match and not any(term in longer for longer in found):
            found[term] = (match.start(), JARGON[code][term])
    for term, (_position, plain) in sorted(found.items(), key=lambda item: item[1][0]):
        yield Advice(
            "jargon",
            _("“%(term)s” is procurement jargon; say “%(plain)s”.")
            % {"term": term, "plain": plain},
            term,
        )


def unexplained_acronyms(text):
    seen = set()
    for match in _ACRONYM.finditer(text):
        acronym = match.group()
        if acronym in seen or acronym in _KNOWN_ACRONYMS:
            continue
        seen.add(acronym)
        # Spelled out when it stands in brackets after its long form, or is followed by one.
        if text[: match.start()].endswith("(") or text[match.end() :].startswith(" ("):
            continue
        yield Advice(
            "acronym",
            _("Spell out “%(acronym)s” the first time, e.g. “long form (%(acronym)s)”.")
            % {"acronym": acronym},
            acronym,
        )


@functools.cache
def _scorer(language):
    # One scorer per language: the library's shared one keeps its language as global state.
    scorer = textstatistics()
    scorer.set_lang(SCORED_LANGUAGES[language])
    return scorer


def readability(text, language):
    """Flesch reading ease for English and Indonesian texts long enough to score."""
    if language not in SCORED_LANGUAGES or len(_WORD.findall(text)) < 20:
        return
    score = round(_scorer(language).flesch_reading_ease(text))
    if score < HARD_TO_READ_BELOW[language]:
        yield Advice(
            "readability",
            _("Reading ease %(score)s: hard to read. Shorter sentences and everyday words help.")
            % {"score": score},
        )


def advice_for(text, *, language=None):
    """Every piece of advice on one text, in the text's own language unless told."""
    text = text or ""
    if not text.strip():
        return []
    language = language or guess_language(text)
    return [
        *long_sentences(text),
        *jargon(text, language),
        *unexplained_acronyms(text),
        *readability(text, language),
    ]


def challenge_advice(challenge_or_values):
    """Advice per long field, as ``{field name: [Advice, …]}``, fields without advice left out.

    Takes a challenge or a mapping of field names to text (a form's data while typing).
    """
    values = challenge_or_values
    if not isinstance(values, dict):
        values = {name: getattr(values, name, "") for name in CHALLENGE_FIELDS}
    advice = {}
    for name in CHALLENGE_FIELDS:
        found = advice_for(values.get(name, ""))
        if found:
            advice[name] = found
    return advice
