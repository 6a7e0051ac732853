"""Every sentence the bot itself says, in English, Traditional and Simplified Chinese.

Kept apart from the knowledge base because these are the program's words, not curated facts; kept in
one place so a translation fix is one edit. Simplified strings are derived from Traditional.
"""

from __future__ import annotations

import calendar

from bot.text import Lang, to_simplified

_STRINGS: dict[str, dict[str, str]] = {
    "as_of": {"en": "As of {date}.", "zh-Hant": "資料截至{date}。"},
    "source": {"en": "Source", "zh-Hant": "資料來源"},
    "sources": {"en": "Sources", "zh-Hant": "資料來源"},
    "related": {"en": "Related questions", "zh-Hant": "相關問題"},
    "clarify": {
        "en": "I am not sure which of these you mean. Pick one:",
        "zh-Hant": "我不太肯定你想問哪一項，請選擇：",
    },
    "decline": {
        "en": (
            "Sorry, I don't have an answer to that. I only know about Hong Kong's regional "
            "co-operation with the Mainland."
        ),
        "zh-Hant": "抱歉，我沒有這方面的答案。我只能回答香港與內地區域合作的問題。",
    },
    "official": {"en": "For an official answer, see:", "zh-Hant": "如需官方答覆，請參閱："},
    "suggestions": {"en": "You could ask:", "zh-Hant": "你可以問："},
    "empty": {
        "en": "Please type a question about Hong Kong's co-operation with the Mainland.",
        "zh-Hant": "請輸入有關香港與內地合作的問題。",
    },
}


def t(key: str, lang: Lang, **values: str) -> str:
    """The sentence `key` in `lang`, with `values` filled in."""
    strings = _STRINGS[key]
    if lang == "zh-Hans" and "zh-Hans" not in strings:
        template = to_simplified(strings["zh-Hant"])
    else:
        template = strings.get(lang, strings["en"])
    return template.format(**values)


def format_date(value: object, lang: Lang) -> str:
    """A date as readers of `lang` write it: 12 July 2024, or 2024年7月12日."""
    year, month, day = value.year, value.month, value.day  # type: ignore[attr-defined]
    if lang == "en":
        return f"{day} {calendar.month_name[month]} {year}"
    return f"{year}年{month}月{day}日"
