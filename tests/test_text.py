"""Text handling: the canonical form everything is compared in, and the reply language."""

from __future__ import annotations

import pytest

from bot.messages import ordinal
from bot.text import MAX_QUESTION_CHARS, arabic_ordinals, cut, detect_language, normalise

# --- normalise ------------------------------------------------------------------------------------


def test_normalise_turns_full_width_letters_and_digits_into_ascii() -> None:
    assert normalise("ＣＥＰＡ　２００３") == "cepa 2003"


def test_normalise_folds_case_beyond_lower_casing() -> None:
    assert normalise("STRASSE") == normalise("Straße") == "strasse"


def test_normalise_turns_punctuation_into_single_spaces() -> None:
    assert normalise("  Who leads   the HK/Chongqing conference?!  ") == (
        "who leads the hk chongqing conference"
    )


def test_normalise_turns_chinese_punctuation_into_spaces() -> None:
    assert normalise("「渝港」合作，係乜嘢？") == "渝港 合作 系乜嘢"


def test_normalise_turns_emoji_into_spaces() -> None:
    assert normalise("cepa👍signed 🎉") == "cepa signed"


def test_normalise_folds_traditional_to_simplified() -> None:
    assert normalise("粵港合作聯席會議") == "粤港合作联席会议"


def test_normalise_gives_traditional_and_simplified_the_same_form() -> None:
    assert normalise("渝港合作會議由邊個主持？") == normalise("渝港合作会议由边个主持?")


def test_normalise_splits_words_at_hyphens() -> None:
    # "hk-beijing" must meet "hk beijing"; the matcher's synonyms join "co operation" again.
    assert normalise("HK-Beijing Co-operation") == "hk beijing co operation"


def test_normalise_keeps_9_plus_2_together() -> None:
    assert normalise("the 9+2 cities") == "the 9+2 cities"


def test_normalise_separates_a_hyphen_that_joins_nothing() -> None:
    assert normalise("cepa - signed") == "cepa signed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x00\x07cepa\x1b", "cepa"),
        ("cepa\ud800signed", "cepa signed"),
        ("\ud800", ""),
        ("\udfff\ud800x", "x"),
        ("\u200bcepa\u200b", "cepa"),
        ("\ufeffcepa", "cepa"),
    ],
)
def test_normalise_turns_control_characters_and_lone_surrogates_into_spaces(
    text: str, expected: str
) -> None:
    assert normalise(text) == expected


def test_normalise_of_nothing_but_symbols_is_empty() -> None:
    assert normalise("👍 ??? ...") == ""


def test_normalise_looks_only_at_the_first_max_question_chars() -> None:
    long = "a " * MAX_QUESTION_CHARS + "cepa"
    assert "cepa" not in normalise(long)


def test_normalise_reads_the_knowledge_bases_own_text_to_its_end() -> None:
    long = "a " * MAX_QUESTION_CHARS + "CEPA"
    assert normalise(long, whole=True).endswith("cepa")


# --- detect_language ------------------------------------------------------------------------------


def test_detect_language_english() -> None:
    assert detect_language("Who leads the Chongqing conference?") == "en"


def test_detect_language_traditional() -> None:
    assert detect_language("渝港合作會議是甚麼？") == "zh-Hant"


def test_detect_language_cantonese_is_traditional() -> None:
    assert detect_language("粵港合作聯席會議係咩嚟") == "zh-Hant"


def test_detect_language_simplified() -> None:
    assert detect_language("粤港合作框架协议是在哪里签的") == "zh-Hans"


def test_detect_language_chinese_amid_english_words_is_chinese() -> None:
    assert detect_language("hubei 合作會議 幾時開始") == "zh-Hant"


def test_detect_language_one_stray_chinese_character_in_english_stays_english() -> None:
    assert detect_language("what does 粵 mean in the name") == "en"


def test_detect_language_shared_characters_only_default_to_traditional() -> None:
    # 合作 is written the same in both scripts: Hong Kong's Traditional wins the tie.
    assert detect_language("合作") == "zh-Hant"


@pytest.mark.parametrize("text", ["👍", "🎉🎉🎉", "???", "", "   ", "12345"])
def test_detect_language_without_words_gives_the_default(text: str) -> None:
    assert detect_language(text) == "en"
    assert detect_language(text, default="zh-Hant") == "zh-Hant"


def test_detect_language_with_a_lone_surrogate_does_not_raise() -> None:
    assert detect_language("\ud800") == "en"


def test_detect_language_looks_only_at_the_first_max_question_chars() -> None:
    assert detect_language("hello " * MAX_QUESTION_CHARS + "粵港合作聯席會議") == "en"


# --- cut ------------------------------------------------------------------------------------------


def test_cut_keeps_at_most_max_question_chars() -> None:
    assert cut("x" * 100_000) == "x" * MAX_QUESTION_CHARS


def test_cut_leaves_a_short_question_alone() -> None:
    assert cut("What is CEPA?") == "What is CEPA?"


# --- meeting numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "compared"),
    [
        ("第二十四次会议", "第24次会议"),
        ("第十届论坛", "第10届论坛"),
        ("第3次", "第3次"),
        ("十四五", "十四五"),
    ],
)
def test_a_meeting_number_is_compared_in_digits_however_it_is_written(
    text: str, compared: str
) -> None:
    assert arabic_ordinals(text) == compared


@pytest.mark.parametrize(("number", "written"), [(1, "第一次"), (10, "第十次"), (24, "第二十四次")])
def test_a_meeting_number_is_written_in_chinese_numerals(number: int, written: str) -> None:
    assert ordinal(number, "zh-Hant") == written
