"""How sources are cited: originals, reposts that say so, and which two an answer shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge import Entry, Source, load
from bot.knowledge.citations import news_only, original_url, source_warnings
from bot.render import cited

MakeKb = Callable[..., Path]
ALLOWED = ("gov.hk", "gov.cn")


@pytest.mark.parametrize(
    ("proxy", "original"),
    [
        (
            "https://sc.isd.gov.hk/TuniS/www.info.gov.hk/gia/general/202305/11/P2023051100454.htm",
            "https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm",
        ),
        (
            "https://sc.isd.gov.hk/gb/www.info.gov.hk/gia/general/201711/18/P2017111800744.htm",
            "https://www.info.gov.hk/gia/general/201711/18/P2017111800744.htm",
        ),
        (
            "https://sc.news.gov.hk/TuniS/www.news.gov.hk/eng/2018/08/20180815.html",
            "https://www.news.gov.hk/eng/2018/08/20180815.html",
        ),
        (
            "https://big5.www.gov.cn/gate/big5/www.gov.cn/govweb/gzdt/2005-10/28/content_85458.htm",
            "https://www.gov.cn/govweb/gzdt/2005-10/28/content_85458.htm",
        ),
    ],
)
def test_a_proxy_or_gateway_url_is_unwrapped_to_its_original(proxy: str, original: str) -> None:
    assert original_url(proxy) == original


def test_an_original_url_is_no_proxy() -> None:
    assert original_url("https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm") is None


def test_a_proxy_citation_is_a_warning_naming_the_original() -> None:
    proxy = Source("Release", "https://sc.isd.gov.hk/TuniS/www.info.gov.hk/gia/x.htm", lang="en")
    assert source_warnings(proxy, ALLOWED) == [
        "proxy or gateway URL: cite the original, https://www.info.gov.hk/gia/x.htm"
    ]


def test_a_repost_may_be_on_any_site_if_its_title_says_it_is_one() -> None:
    said = Source(
        "HKSAR press release, reposted by example.com: X", "https://example.com/x", kind="repost"
    )
    unsaid = Source("X", "https://example.com/x", kind="repost")
    assert source_warnings(said, ALLOWED) == []
    assert source_warnings(unsaid, ALLOWED) == ["a repost's title must say it is one: 'X'"]


def test_news_outside_the_allowed_domains_is_a_warning() -> None:
    news = Source("Story", "https://news.example.com/story", kind="news")
    assert source_warnings(news, ALLOWED) == [
        "source outside allowed_domains: https://news.example.com/story"
    ]


def test_an_answer_resting_on_news_alone_is_told_apart() -> None:
    official = Source("Release", "https://www.info.gov.hk/x", kind="official")
    news = Source("Story", "https://news.example.com/x", kind="news")
    assert news_only((news,)) and not news_only((news, official)) and not news_only(())


def test_validate_warns_on_a_news_only_entry(make_kb: MakeKb) -> None:
    folder = make_kb(
        cepa=(
            "url: https://www.info.gov.hk/gia/general/200306/29/0629129.htm",
            "url: https://www.info.gov.hk/gia/general/200306/29/0629129.htm\n        kind: news",
        )
    )
    messages = [p.message for p in load(folder)[1] if p.entry_id == "cepa-overview"]
    assert "rests on news only: cite the Government's release where there is one" in messages


# --- which sources an answer shows ---------------------------------------------------------------


def entry_citing(*sources: Source) -> Entry:
    return Entry(
        id="x",
        topic="cepa",
        questions={"en": ("X?",), "zh-Hant": ("X？",), "zh-Hans": ("X？",)},
        answer={"en": "X.", "zh-Hant": "X。", "zh-Hans": "X。"},
        sources=sources,
        as_of=dt.date(2024, 1, 1),
    )


NEWS_EN = Source("News", "https://news.example.com/en", lang="en", kind="news")
OFFICIAL_EN = Source("Release", "https://www.info.gov.hk/en", lang="en")
OFFICIAL_HANT = Source("新聞公報", "https://www.info.gov.hk/tc", lang="zh-Hant")
NEWS_HANS = Source("新闻", "https://news.example.com/sc", lang="zh-Hans", kind="news")


def test_an_answer_shows_at_most_two_sources() -> None:
    assert len(cited(entry_citing(NEWS_EN, OFFICIAL_EN, OFFICIAL_HANT, NEWS_HANS), "en")) == 2


def test_an_english_reader_gets_english_sources_first_official_before_news() -> None:
    entry = entry_citing(NEWS_EN, OFFICIAL_HANT, OFFICIAL_EN)
    assert cited(entry, "en") == (OFFICIAL_EN, NEWS_EN)


def test_a_traditional_chinese_reader_gets_traditional_then_simplified_sources() -> None:
    entry = entry_citing(OFFICIAL_EN, NEWS_HANS, OFFICIAL_HANT)
    assert cited(entry, "zh-Hant") == (OFFICIAL_HANT, NEWS_HANS)


def test_a_simplified_chinese_reader_gets_simplified_sources_first() -> None:
    entry = entry_citing(OFFICIAL_EN, OFFICIAL_HANT, NEWS_HANS)
    assert cited(entry, "zh-Hans") == (NEWS_HANS, OFFICIAL_HANT)


def test_without_a_source_in_the_readers_language_the_others_are_shown() -> None:
    assert cited(entry_citing(OFFICIAL_EN), "zh-Hant") == (OFFICIAL_EN,)
