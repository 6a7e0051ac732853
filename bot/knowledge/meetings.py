"""Meetings as records, and the answers made from them.

A platform's file lists its meetings (`meetings:`); each record says its kind, number, date, place,
co-chairs, what was agreed, and its sources. From the records the knowledge base gains entries of
its own: the latest meeting, the first, each numbered or dated one, how many so far, and when the
next is. Their questions come from meta.yaml's `meeting_questions`, their sentences from
`bot.messages`, so no answer about a meeting is written by hand and adding a record updates every
answer that depends on it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from dataclasses import replace
from typing import Any

from bot.knowledge.citations import news_only, source_warnings
from bot.knowledge.fields import Checker, by_language_text, parse_sources
from bot.knowledge.model import Entry, Meeting, Meta, Note, Problem, Topic
from bot.knowledge.yamlfile import line_of
from bot.messages import format_date, ordinal, plural, t
from bot.text import LANGS, Lang, to_simplified

#: Aspects of the entries made from records (each is also a key of meta.yaml's aspects).
LATEST, NEXT, COUNT, NTH, DATED = "latest", "next", "count", "nth", "dated"
#: Without numbered records, the kind of meeting that makes a platform's main series.
SERIES_PREFERENCE = ("plenary", "high-level", "joint-conference", "working", "ce-meeting")
#: The most recent numbers of a series that must all be recorded (older gaps are history).
RECENT_WINDOW = 5
#: What no source tells of a next meeting not yet announced: where it will be, who will lead it,
#: what it will agree, or why none is announced yet. Asked of it ("will the next one be in
#: Beijing?", "why has it not met since 2019?"), the bot declines.
NEXT_UNTOLD = ("where", "leaders", "agreed", "reason")
#: What no meeting's record tells: why it was held when or as it was.
RECORD_UNTOLD = ("reason",)
_FIELDS = {
    "kind", "number", "date", "when", "title", "place", "chairs", "agreed", "note", "format",
    "sources",
}  # fmt: skip


# --- reading the records -------------------------------------------------------------------------


def parse_meetings(
    data: dict, topic: Topic, checker: Checker, meta: Meta | None
) -> tuple[Meeting, ...]:
    raw = data.get("meetings")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        checker.error(data, "meetings", topic.id, "'meetings' must be a list of meeting records")
        return ()
    kinds = meta.meeting_kinds if meta else {}
    meetings = []
    for item in raw:
        meeting = _parse_meeting(item, topic, checker, kinds)
        if meeting is not None:
            meetings.append(meeting)
    return tuple(meetings)


def _parse_meeting(
    item: Any, topic: Topic, checker: Checker, kinds: dict[str, dict[Lang, str]]
) -> Meeting | None:
    where = f"{topic.id} meeting"
    if not isinstance(item, dict):
        checker.error(
            item,
            None,
            where,
            "each meeting must be a mapping with kind, date, place, chairs, sources",
        )
        return None
    for key in item:
        if key not in _FIELDS:
            checker.error(item, key, where, f"unknown field '{key}' in a meeting")
    kind = checker.text(item, "kind", where)
    if kind is not None and kinds and kind not in kinds:
        checker.error(
            item, "kind", where, f"meeting kind '{kind}' is not in meta.yaml's meeting_kinds"
        )
    number = item.get("number")
    if number is not None and (
        not isinstance(number, int) or isinstance(number, bool) or number < 1
    ):
        checker.error(item, "number", where, "'number' must be a whole number from 1")
        number = None
    date = checker.date(item, "date", where)
    when = by_language_text(item, "when", where, checker, required=False)
    if date is None and not when and "date" not in item:
        checker.error(
            item, None, where, "a meeting needs a 'date' (or 'when', saying what the sources give)"
        )
    chairs = _chairs(item, checker, where)
    agreed = item.get("agreed") or {}
    count = agreed.get("count") if isinstance(agreed, dict) else None
    if count is not None and (not isinstance(count, int) or count < 1):
        checker.error(agreed, "count", where, "'agreed.count' must be a whole number from 1")
        count = None
    sources = parse_sources(item, checker, where)
    if kind is None or not sources:
        return None
    return Meeting(
        topic=topic.id,
        kind=kind,
        number=number,
        date=date,
        place=by_language_text(item, "place", where, checker, required=False),
        chairs=chairs,
        sources=sources,
        when=when,
        title=by_language_text(item, "title", where, checker, required=False),
        agreed=_agreed_text(agreed, checker, where) if isinstance(agreed, dict) else {},
        agreed_count=count,
        agreed_unit=agreed.get("unit") if isinstance(agreed, dict) else None,
        note=by_language_text(item, "note", where, checker, required=False),
        format=item.get("format"),
        file=checker.display,
        line=line_of(item),
    )


def _chairs(item: dict, checker: Checker, where: str) -> dict[Lang, tuple[str, ...]]:
    if item.get("chairs") is None:
        return {}
    value = checker.by_language(item, "chairs", where) or {}
    chairs: dict[Lang, tuple[str, ...]] = {}
    for lang in value:
        if lang in LANGS:
            chairs[lang] = checker.string_list(value, lang, where)
    if "zh-Hant" in chairs and "zh-Hans" not in chairs:
        chairs["zh-Hans"] = tuple(to_simplified(c) for c in chairs["zh-Hant"])
    return chairs


def _agreed_text(agreed: dict, checker: Checker, where: str) -> dict[Lang, str]:
    texts = {lang: agreed[lang] for lang in LANGS if isinstance(agreed.get(lang), str)}
    if not texts:
        return {}
    return by_language_text({"agreed": texts}, "agreed", where, checker)


def parse_next_meeting(data: dict, topic: Topic, checker: Checker) -> Note | None:
    raw = data.get("next_meeting")
    if raw is None:
        return None
    where = f"{topic.id} next_meeting"
    if not isinstance(raw, dict):
        checker.error(
            data, "next_meeting", topic.id, "'next_meeting' must have en, zh-Hant and sources"
        )
        return None
    texts = {lang: raw[lang] for lang in LANGS if isinstance(raw.get(lang), str)}
    text = by_language_text({"next_meeting": texts}, "next_meeting", where, checker)
    return Note(text, parse_sources(raw, checker, where))


def check_meetings(topic: Topic, allowed_domains: tuple[str, ...]) -> list[Problem]:
    """Records of one kind in the order of their numbers and dates; recent numbers all there;
    their citations as `bot.knowledge.citations` asks."""
    problems = []
    for meeting in topic.meetings:
        for source in meeting.sources:
            problems += [
                _problem(meeting, w, "warning") for w in source_warnings(source, allowed_domains)
            ]
        if news_only(meeting.sources):
            problems.append(
                _problem(
                    meeting,
                    "rests on news only: cite the Government's release where there is one",
                    "warning",
                )
            )
    by_kind: dict[str, list[Meeting]] = {}
    for meeting in topic.meetings:
        by_kind.setdefault(meeting.kind, []).append(meeting)
    dated = [m for m in topic.meetings if m.date]
    for before, after in itertools.pairwise(dated):
        if after.date < before.date:  # type: ignore[operator]
            problems.append(
                _problem(
                    after, "meetings are listed oldest first: this one is out of order", "error"
                )
            )
    for kind, meetings in by_kind.items():
        numbered = [m for m in meetings if m.number is not None]
        numbers = [m.number for m in numbered]
        for meeting in numbered:
            if numbers.count(meeting.number) > 1:
                problems.append(
                    _problem(meeting, f"{kind} number {meeting.number} is recorded twice", "error")
                )
        ordered = sorted((m for m in numbered if m.date), key=lambda m: m.number or 0)
        for before, after in itertools.pairwise(ordered):
            if after.date < before.date:  # type: ignore[operator]
                problems.append(
                    _problem(
                        after,
                        f"{kind} {after.number} is dated before {kind} {before.number}",
                        "error",
                    )
                )
        if numbers:
            top = max(n for n in numbers if n is not None)
            missing = [n for n in range(max(1, top - RECENT_WINDOW + 1), top) if n not in numbers]
            if missing:
                listed = ", ".join(str(n) for n in missing)
                problems.append(
                    _problem(
                        numbered[-1],
                        f"recent {kind} meeting(s) not recorded: number {listed}",
                        "warning",
                    )
                )
    for meeting in topic.meetings:
        if meeting.date is None:
            problems.append(
                _problem(meeting, "no full date: answers say what 'when' says", "warning")
            )
    return problems


def _problem(meeting: Meeting, message: str, severity: str) -> Problem:
    return Problem(meeting.file, meeting.line, f"{meeting.topic} meeting", message, severity)


# --- answers made from the records ---------------------------------------------------------------


def series(topic: Topic) -> list[Meeting]:
    """The meetings of the platform's main series (its plenaries, usually), oldest first: the
    kind with the most numbered records, else the first kind of SERIES_PREFERENCE it has."""
    numbered: dict[str, int] = {}
    for meeting in topic.meetings:
        if meeting.number is not None:
            numbered[meeting.kind] = numbered.get(meeting.kind, 0) + 1
    if numbered:
        kind = max(numbered, key=lambda k: (numbered[k], k == "plenary"))
    elif topic.meetings:
        kinds = {m.kind for m in topic.meetings}
        kind = next((k for k in SERIES_PREFERENCE if k in kinds), _ordered(topic.meetings)[-1].kind)
    else:
        return []
    return _ordered([m for m in topic.meetings if m.kind == kind])


def _ordered(meetings: Any) -> list[Meeting]:
    """Oldest first, by date; a record without a full date goes just after the one numbered
    before it (the 4th plenary of unknown year after the 3rd)."""
    meetings = list(meetings)

    def when(meeting: Meeting) -> tuple[dt.date, int]:
        if meeting.date is not None:
            return meeting.date, meeting.number or 0
        earlier = [
            m.date
            for m in meetings
            if m.kind == meeting.kind and m.date and (m.number or 0) < (meeting.number or 0)
        ]
        return (max(earlier) if earlier else dt.date.min) + dt.timedelta(
            days=1
        ), meeting.number or 0

    return sorted(meetings, key=when)


def latest(topic: Topic) -> Meeting | None:
    """The latest meeting of the main series: the highest number, else the latest date."""
    main = series(topic)
    return main[-1] if main else None


def meeting_entries(topic: Topic, meta: Meta) -> list[Entry]:
    """The entries the records of `topic` give: the latest, the next, how many, and each meeting."""
    main = series(topic)
    newest = latest(topic)
    if newest is None:
        return []
    entries = [
        _entry(
            topic, meta, LATEST, f"{topic.id}-latest", _latest_answer(topic, meta, newest), [newest]
        ),
        _entry(
            topic, meta, NEXT, f"{topic.id}-next", _next_answer(topic, meta, newest, main), [newest]
        ),
        _entry(
            topic,
            meta,
            COUNT,
            f"{topic.id}-meetings",
            _count_answer(topic, meta, newest, main),
            [newest],
        ),
    ]
    for meeting in topic.meetings:
        if meeting.number is not None:
            ident = f"{topic.id}-{meeting.kind}-{meeting.number}"
            answer = _record_answer(topic, meta, meeting)
            entries.append(_entry(topic, meta, NTH, ident, answer, [meeting], meeting.number))
        elif meeting.date is not None:
            ident = f"{topic.id}-meeting-{meeting.date.isoformat()}"
            entries.append(
                _entry(topic, meta, DATED, ident, _record_answer(topic, meta, meeting), [meeting])
            )
    return entries


def _entry(
    topic: Topic,
    meta: Meta,
    aspect: str,
    ident: str,
    answer: dict[Lang, str],
    meetings: list[Meeting],
    number: int | None = None,
) -> Entry:
    meeting = meetings[0]
    values = _values(topic, meta, meeting)
    questions = {
        lang: tuple(
            q.format(**values[lang])
            for q in meta.meeting_questions.get(_question_key(aspect), {}).get(lang, ())
        )
        for lang in LANGS
    }
    if not questions["en"] or not questions["zh-Hant"]:  # meta.yaml without meeting_questions
        questions = {lang: (answer[lang].split("。")[0].split(". ")[0],) for lang in LANGS}
    if not questions.get("zh-Hans"):
        questions["zh-Hans"] = tuple(to_simplified(q) for q in questions["zh-Hant"])
    sources = meeting.sources
    if aspect == NEXT and topic.next_meeting is not None:
        sources = (*topic.next_meeting.sources, *sources)
    related = [f"{topic.id}-latest", f"{topic.id}-next", topic.overview]
    unannounced = aspect == NEXT and topic.next_meeting is None
    return Entry(
        id=ident,
        topic=topic.id,
        questions=questions,
        answer=answer,
        sources=sources,
        as_of=_checked(meetings),
        related=tuple(r for r in related if r != ident),
        aspect=aspect,
        not_told=NEXT_UNTOLD if unannounced else RECORD_UNTOLD if aspect in (NTH, DATED) else (),
        meetings=tuple(meetings),
        number=number,
        file=meeting.file,
        line=meeting.line,
    )


def _question_key(aspect: str) -> str:
    return "record" if aspect == NTH else aspect


def _checked(meetings: list[Meeting]) -> dt.date | None:
    """When the records' sources were last read: what the answer is "as of"."""
    dates = [s.read for m in meetings for s in m.sources if s.read]
    return max(dates) if dates else None


def _values(topic: Topic, meta: Meta, meeting: Meeting) -> dict[Lang, dict[str, str]]:
    """What the sentences and question templates fill in, per language."""
    values: dict[Lang, dict[str, str]] = {}
    for lang in LANGS:
        kind = meta.meeting_kinds.get(meeting.kind, {}).get(lang) or meeting.kind
        values[lang] = {
            "kinds": plural(kind) if lang == "en" else kind,
            "where": _where(meeting, lang),
            "name": topic.name[lang],
            "short": topic.label(lang),
            "kind": kind,
            "n": ordinal(meeting.number, lang) if meeting.number else "",
            "nkind": _numbered_kind(meeting.number, kind, lang),
            "number": str(meeting.number or ""),
            "date": _when(meeting, lang),
            "year": str(meeting.date.year) if meeting.date else "",
            "place": meeting.place.get(lang, ""),
        }
    return values


def _numbered_kind(number: int | None, kind: str, lang: Lang) -> str:
    """ "24th plenary" or "plenary"; "第24次全體會議" or "全體會議"."""
    if number is None:
        return kind
    return f"{ordinal(number, lang)} {kind}" if lang == "en" else f"{ordinal(number, lang)}{kind}"


def _when(meeting: Meeting, lang: Lang) -> str:
    if meeting.date is not None:
        return format_date(meeting.date, lang)
    return meeting.when.get(lang, "")


def _record_answer(topic: Topic, meta: Meta, meeting: Meeting) -> dict[Lang, str]:
    return {lang: _record_sentences(topic, meta, meeting, lang) for lang in LANGS}


def _where(meeting: Meeting, lang: Lang) -> str:
    if meeting.format == "video":
        return t("meeting_where_video", lang)
    place = meeting.place.get(lang)
    return t("meeting_where", lang, place=place) if place else ""


def _record_sentences(
    topic: Topic, meta: Meta, meeting: Meeting, lang: Lang, subject: str = ""
) -> str:
    """What a record says, in full: when and where, who co-chaired, what was agreed, any note.
    `subject` replaces the meeting's usual name ("The most recent plenary ..., the 24th,")."""
    v = _values(topic, meta, meeting)[lang]
    if subject:
        pass
    elif meeting.title:
        subject = t("meeting_titled", lang, title=meeting.title[lang], **v)
    elif meeting.number:
        subject = t("meeting_numbered", lang, **v)
    else:
        subject = t("meeting_plain", lang, **v)
    chairs = meeting.chairs.get(lang, ())
    held = t(
        "meeting_held",
        lang,
        subject=subject,
        where=v["where"],
        date=v["date"],
        chairs=t("meeting_chairs", lang, chairs=_join(chairs, lang)) if chairs else "",
    )
    unit = _unit(meeting.agreed_unit, lang)
    if meeting.agreed and meeting.agreed_count and unit:
        agreed = t(
            "meeting_agreed_count",
            lang,
            count=str(meeting.agreed_count),
            unit=unit,
            what=meeting.agreed[lang],
        )
    elif meeting.agreed:
        agreed = t("meeting_agreed", lang, what=meeting.agreed[lang])
    elif meeting.agreed_count and unit:
        agreed = t("meeting_agreed_only_count", lang, count=str(meeting.agreed_count), unit=unit)
    else:
        agreed = ""
    note = t("meeting_note", lang, note=meeting.note[lang]) if meeting.note else ""
    return _space(lang, held, agreed, note)


def _unit(unit: str | None, lang: Lang) -> str:
    """The unit of what was agreed (agreements, areas...) in `lang`; the word itself if unknown."""
    if not unit:
        return ""
    return t(f"unit_{unit}", lang) if f"unit_{unit}" in UNITS else unit


UNITS = {"unit_agreements", "unit_areas", "unit_items", "unit_documents"}


def _join(items: tuple[str, ...], lang: Lang) -> str:
    if lang != "en":
        return "及".join(["、".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _latest_answer(topic: Topic, meta: Meta, newest: Meeting) -> dict[Lang, str]:
    answer = {}
    for lang in LANGS:
        v = _values(topic, meta, newest)[lang]
        subject = t("meeting_latest" if newest.number else "meeting_latest_plain", lang, **v)
        record = _record_sentences(topic, meta, newest, lang, subject=subject)
        answer[lang] = _space(lang, record, _later_others(topic, meta, newest, lang))
    return answer


def _later_others(topic: Topic, meta: Meta, newest: Meeting, lang: Lang) -> str:
    """A meeting of another kind held after the latest of the main series, if any."""
    if newest.date is None:
        return ""
    later = [m for m in topic.meetings if m.kind != newest.kind and m.date and m.date > newest.date]
    if not later:
        return ""
    other = _ordered(later)[-1]
    return t("meeting_later_other", lang, **_values(topic, meta, other)[lang])


def _next_answer(topic: Topic, meta: Meta, newest: Meeting, main: list[Meeting]) -> dict[Lang, str]:
    answer = {}
    for lang in LANGS:
        v = _values(topic, meta, newest)[lang]
        parts = [t("meeting_next_unknown", lang, **v)]
        if topic.next_meeting is not None:
            parts.append(topic.next_meeting.text[lang])
        parts.append(t("meeting_latest_was", lang, **v))
        cadence = _cadence(main, lang)
        if cadence:
            parts.append(cadence)
        answer[lang] = _space(lang, *parts)
    return answer


def _cadence(main: list[Meeting], lang: Lang) -> str:
    """How often the series has met, from the gaps between its recent dated records."""
    dates = [m.date for m in main if m.date][-6:]
    if len(dates) < 2:
        return ""
    gaps = [(b - a).days / 365.25 for a, b in itertools.pairwise(dates)]
    years = statistics.median(gaps)
    if years < 1.5:
        return t("cadence_yearly", lang)
    return t("cadence_years", lang, years=str(round(years)))


def _count_answer(
    topic: Topic, meta: Meta, newest: Meeting, main: list[Meeting]
) -> dict[Lang, str]:
    answer = {}
    for lang in LANGS:
        v = _values(topic, meta, newest)[lang]
        if newest.number:
            first = t("meeting_count_numbered", lang, **v)
        else:
            first = t("meeting_count_recorded", lang, count=str(len(main)), **v)
        answer[lang] = _space(lang, first, t("meeting_latest_was", lang, **v))
    return answer


def _space(lang: Lang, *parts: str) -> str:
    parts = tuple(p for p in parts if p)
    return " ".join(parts) if lang == "en" else "".join(parts)


def with_meetings(topic: Topic, meetings: tuple[Meeting, ...], next_meeting: Note | None) -> Topic:
    return replace(topic, meetings=meetings, next_meeting=next_meeting)
