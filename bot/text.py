"""Text handling shared by the knowledge base and the matcher.

Users write English, Traditional and Simplified Chinese, often mixed, with full-width forms and odd
punctuation. Everything that is compared is first brought to one canonical form here, so that the index
holds one copy of each phrasing whatever script the curator or the user wrote it in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import opencc

Lang = Literal["en", "zh-Hant", "zh-Hans"]
LANGS: tuple[Lang, ...] = ("en", "zh-Hant", "zh-Hans")

#: Longest question the matcher looks at; the rest is cut so a 100 KB paste costs no more than a line.
MAX_QUESTION_CHARS = 300

# Traditional (Hong Kong variants included) folds to Simplified: the mapping is many-to-one in that
# direction, so folding is deterministic, unlike Simplified to Traditional.
_TO_SIMPLIFIED = opencc.OpenCC("hk2s")


@lru_cache(maxsize=1)
def _to_traditional_hk() -> opencc.OpenCC:
    """Simplified to Hong Kong Traditional, built when first needed: it costs about 170 ms and
    40 MB, and most runs (`coopbot ask` in English, most questions) never need it."""
    return opencc.OpenCC("s2hk")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN_WORD = re.compile(r"[a-z]{2,}", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def cut(text: str) -> str:
    """Bound the work done on one question, whatever its length."""
    return text[:MAX_QUESTION_CHARS]


def to_simplified(text: str) -> str:
    return _TO_SIMPLIFIED.convert(text)


def _is_separator(ch: str) -> bool:
    """Punctuation, symbols, spaces and controls separate words, except "+" ("9+2" is a name).

    A hyphen separates too: "hk-beijing" is "hk beijing", and "co operation" becomes one word again
    through the knowledge base's synonyms.
    """
    category = unicodedata.category(ch)
    return category[0] in "PSZC" and ch not in "+"


class _Separators(dict[int, str]):
    """`str.translate`'s table from each character to a space (a separator) or to itself, filled in
    as characters are met, so a question costs a dictionary look-up per character in C. At most
    _SEPARATORS_KEPT characters are remembered; past that, odd input is worked out each time."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = " " if _is_separator(ch) else ch
        if len(self) < _SEPARATORS_KEPT:
            self[code] = value
        return value


_SEPARATORS_KEPT = 65536
_SEPARATORS = _Separators()


#: A letter typed three times or more after another ("hiii", "thxxx"): typed once. Not a word of
#: one letter repeated ("iii"), which may be a numeral.
_ELONGATED = re.compile(r"(?<=[a-z])([a-z])\1{2,}")


def normalise(text: str, whole: bool = False) -> str:
    """Canonical form for comparison: NFKC, case-folded, Simplified, punctuation as single spaces,
    a letter drawn out ("hiii") typed once.

    NFKC turns full-width letters and digits into ASCII; lone surrogates and control characters, which
    Telegram can deliver, become spaces rather than errors. A question is cut to a bounded length;
    the knowledge base's own text (`whole`) is read to its end.
    """
    text = unicodedata.normalize("NFKC", text if whole else cut(text)).casefold()
    text = _ELONGATED.sub(r"\1", text.translate(_SEPARATORS))
    text = to_simplified(text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=8192)
def _script_of(ch: str) -> int:
    """+1 for a Traditional-only character, -1 for a Simplified-only one, 0 for a shared one."""
    if _TO_SIMPLIFIED.convert(ch) != ch:
        return 1
    if _to_traditional_hk().convert(ch) != ch:
        return -1
    return 0


def detect_language(text: str, default: Lang = "en", tie: Lang = "zh-Hant") -> Lang:
    """Which language to answer in.

    Any Chinese beyond a stray character makes the question Chinese, even amid English words
    ("hubei 合作會議 幾時開始"); the script is whichever of Traditional-only and Simplified-only characters
    is more common. Where neither is ("你好", "那上海呢？"), `tie` decides: the caller knows the
    asker's earlier messages and app language; Hong Kong's Traditional is the last resort.
    """
    text = cut(text)
    han = _HAN.findall(text)
    latin_words = _LATIN_WORD.findall(text)
    if not han:
        return "en" if latin_words else default
    if len(han) < 2 and latin_words:
        return "en"
    balance = sum(_script_of(ch) for ch in han)
    if balance == 0:
        return tie if tie != "en" else "zh-Hant"
    return "zh-Hans" if balance < 0 else "zh-Hant"


def is_cjk(ch: str) -> bool:
    return bool(_HAN.match(ch))


def app_language(code: str | None) -> Lang:
    """An app's language (an IETF tag: en, zh-hans, zh-hk, ...) as one of ours.

    Bare `zh` and every Chinese tag not clearly Simplified become Traditional: this is a Hong Kong
    bot, and Traditional is what Hong Kong writes.
    """
    tag = (code or "").lower().replace("_", "-")
    if not tag.startswith("zh"):
        return "en"
    if tag.startswith("zh-hans") or tag in ("zh-cn", "zh-sg", "zh-my"):
        return "zh-Hans"
    return "zh-Hant"


_CHINESE_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


#: Tens written as one character: 廿 (twenty), 卅 (thirty).
_TENS_IN_ONE = {"廿": "二十", "卅": "三十"}


def chinese_number(text: str) -> int | None:
    """二十四 → 24, 十 → 10, 4 → 4: the numbers meeting ordinals use."""
    if text.isdigit():
        return int(text)
    if "百" in text:
        return None
    if text[0] in _TENS_IN_ONE:  # 廿五 is 二十五, 卅 is 三十
        text = _TENS_IN_ONE[text[0]] + text[1:]
    if "十" in text:
        tens, _, units = text.partition("十")
        high = _CHINESE_DIGITS.get(tens, 1) if tens else 1
        low = _CHINESE_DIGITS.get(units, 0) if units else 0
        return high * 10 + low
    if len(text) == 1 and text in _CHINESE_DIGITS:
        return _CHINESE_DIGITS[text]
    return None


# 第二十四次, 第十屆 (in canonical, Simplified text: 届): a meeting's number in Chinese numerals.
_CHINESE_ORDINAL = re.compile(r"第([一二两三四五六七八九十廿卅]{1,3})(?=[次届回场])")


def arabic_ordinals(text: str) -> str:
    """第二十四次 as 第24次, so that a question and a phrasing match whichever way each writes it."""
    return _CHINESE_ORDINAL.sub(
        lambda m: f"第{n}" if (n := chinese_number(m.group(1))) else m.group(0), text
    )
