"""Chinese typed by sound: names with a character that sounds the same are read as the names."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.homophones import sounding_alike


@pytest.mark.parametrize(("typed", "meant"), [("闵", "闽"), ("颚", "鄂"), ("茂", "贸")])
def test_characters_with_the_same_reading_sound_alike(typed: str, meant: str) -> None:
    assert meant in sounding_alike(typed)


@pytest.mark.parametrize(("typed", "meant"), [("从", "重"), ("民", "闽")])
def test_characters_alike_only_in_cantonese_sound_alike_but_not_in_mandarin_alone(
    typed: str, meant: str
) -> None:
    assert meant in sounding_alike(typed)
    assert meant not in sounding_alike(typed, cantonese=False)


def test_the_same_syllable_in_another_tone_does_not_sound_alike() -> None:
    assert "里" not in sounding_alike("立")  # 成立 is no 城里


def test_a_character_does_not_sound_like_itself() -> None:
    assert all(c not in sounding_alike(c) for c in "闽鄂贸上海港")


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("閔港合作會議邊年成立", "fujian"),
        ("顎港合作會議係幾時成立", "hubei"),
        ("广东经茂办什么时候成立的", "offices"),
        ("第六次尚海香港合作會議喺邊度開", "shanghai"),  # a two-character name
        ("民港合作會議雙方邊個主持", "fujian"),  # alike in Cantonese: man4, man5 in Mandarin
        ("從慶嗰個合作會議幾時開始", "chongqing"),
    ],
)
def test_a_name_typed_by_sound_names_its_subject(
    shipped: Engine, question: str, subject: str
) -> None:
    assert subject in shipped.understanding.read(question).subjects


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("穿越港珠澳大橋要幾耐", "guangdong"),  # 越港 sounds like 粵港
        ("高層會議關于港珠澳大橋談了什麼", "chongqing"),  # 于港 sounds like 渝港
    ],
)
def test_a_short_name_with_hong_kong_in_it_is_not_read_through_a_sound_alike(
    shipped: Engine, question: str, subject: str
) -> None:
    assert subject not in shipped.understanding.read(question).subjects


def test_a_name_typed_as_it_is_beats_a_sound_alike_overlapping_it(shipped: Engine) -> None:
    """ "问川" sounds like "汶川", but "想问川港合作会议" names 川港 as typed."""
    assert shipped.matcher.heard("想问川港合作会议") == "想问川港合作会议"


def test_a_name_typed_as_it_is_beats_a_sound_alike_it_runs_into(shipped: Engine) -> None:
    """ "海那" sounds like "海南", but "上海那个" names 上海 and goes on with 那个."""
    assert shipped.matcher.heard("上海那个是什么时候设立的") == "上海那个是什么时候设立的"


def test_a_sound_alike_that_makes_an_ordinary_word_is_read_as_typed(shipped: Engine) -> None:
    """ "城市" sounds like "省市" in Cantonese, but "九個城市" are cities, not the Pan-PRD's
    nine provinces."""
    assert shipped.matcher.heard("广东那九个城市是哪些") == "广东那九个城市是哪些"
