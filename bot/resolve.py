"""From a question to an outcome: understand it, lean on the conversation, then answer or decline.

The matcher alone ranks phrasings; here its ranking meets the reading of the question
(`bot.understanding`). A question whose subject and aspect are clear goes straight to the entry
that answers that aspect of that subject (the meeting records' answers for meetings). A question
that names a subject but asks about something the knowledge base has no words for ("how many
people live in Sichuan") is a near miss, declined with what the bot can say about that subject.
A follow-up ("and Shanghai?", "邊個主持？") borrows what it leaves out from the turn before.
"""

from __future__ import annotations

from dataclasses import replace

from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge.meetings import series
from bot.matcher import Matcher, tokens
from bot.outcome import Candidate, Outcome, Turn
from bot.text import Lang, detect_language
from bot.understanding import Reading, Understanding

#: Words about meetings in general: a follow-up such as "when was its latest meeting?" still
#: leans on the subject before, as they name no subject of their own.
_GENERIC = frozenset(
    tokens(
        "meeting meetings conference conferences session sessions plenary plenaries mechanism "
        "cooperation 会议 合作 机制 会 全体会议"
    )
)


def language(question: str, lang: Lang | None, previous: Turn | None, app: Lang | None) -> Lang:
    """The reply's language: the one asked for, else the question's; for Chinese whose script
    does not show, the asker's last script, then their app's, then Traditional."""
    if lang is not None:
        return lang
    tie: Lang = "zh-Hant"
    if previous is not None and previous.lang in ("zh-Hans", "zh-Hant"):
        tie = previous.lang
    elif app in ("zh-Hans", "zh-Hant"):
        tie = app
    return detect_language(question, tie=tie)


def follow(reading: Reading, previous: Turn | None) -> Reading:
    """A question that leaves out its subject, or names only a new one, leans on the turn before."""
    if previous is None or previous.subject is None:
        return reading
    content = [term for term in reading.rest if term not in _GENERIC]
    asks_something = bool(reading.aspects or reading.number or reading.year)
    if not reading.subjects and (reading.follow_up or (asks_something and not content)):
        return replace(reading, subjects=(previous.subject,))
    only_a_subject = reading.subjects and not asks_something and not content
    if only_a_subject and previous.aspect is not None:
        aspects = (previous.aspect,)
        number = previous.number if previous.aspect == "nth" else None
        return replace(reading, aspect=previous.aspect, aspects=aspects, number=number)
    return reading


class Resolver:
    """The understanding step and the matcher, together; one per knowledge base."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher, understanding: Understanding) -> None:
        self.kb = kb
        self.matcher = matcher
        self.understanding = understanding
        self._by_aspect: dict[tuple[str, str], Entry] = {}
        for entry in kb.entries.values():
            if entry.aspect is not None and not entry.meetings:
                self._by_aspect.setdefault((entry.topic, entry.aspect), entry)
        # Which topics each entry's own words name: an answer about Chengdu's office is about
        # Sichuan too, the Greater Bay Area's population is not.
        self._names: dict[str, set[str]] = {
            entry.id: matcher.mentioned_topics(
                matcher.canonical(
                    " ".join([*entry.answer.values(), *entry.all_questions(), *entry.keywords])
                )
            )
            | {entry.topic}
            for entry in kb.entries.values()
        }
        self._topic_terms: dict[str, frozenset[str]] = {}
        for entry in kb.entries.values():
            terms = self._topic_terms.get(entry.topic, frozenset())
            self._topic_terms[entry.topic] = terms | matcher.terms_of(entry.id)
        self._kind_names = {
            kind: [matcher.canonical(name) for name in names.values()]
            for kind, names in kb.meta.meeting_kinds.items()
        }

    # --- the outcome -------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        lang: Lang | None = None,
        previous: Turn | None = None,
        app: Lang | None = None,
    ) -> Outcome:
        reply_lang = language(question, lang, previous, app)
        reading = self.understanding.read(question)
        if reading.smalltalk:
            return Outcome(
                "smalltalk",
                question,
                reply_lang,
                1.0,
                (),
                smalltalk=reading.smalltalk,
                turn=previous,
            )
        reading = follow(reading, previous)
        turn = Turn(
            reading.subject,
            reading.aspect,
            reading.number,
            reading.year,
            _script(reply_lang, previous),
        )
        subjects = set(reading.subjects)
        if subjects and self._off_topic(reading, subjects):
            return self._near_miss(question, reply_lang, reading, turn)
        content = tuple(
            self.matcher.corrected(t) if t.isascii() else t
            for t in reading.rest
            if t not in _GENERIC
        )
        ranked = self.matcher.rank(reading.core or question, topics=subjects or None)
        target, firm = self._target(reading)
        if target is not None:
            if not firm:
                target = self._more_specific(target, ranked, content) or target
                if self._foreign(content):
                    return self._near_miss(question, reply_lang, reading, turn)
            turn = replace(
                turn, aspect=target.aspect or turn.aspect, number=target.number or turn.number
            )
            others = tuple(c for c in ranked if c.entry.id != target.id)
            score = next((c.score for c in ranked if c.entry.id == target.id), 1.0)
            candidates = (Candidate(target, max(score, self.matcher.t.answer)), *others)
            confidence = min(candidates[0].score, 1.0)
            return Outcome("answer", question, reply_lang, confidence, candidates, turn=turn)
        if subjects and self._foreign(content):
            return self._near_miss(question, reply_lang, reading, turn)
        outcome = self.matcher.decide(question, reply_lang, ranked)
        if subjects and outcome.entry is not None and not self._about(outcome.entry, subjects):
            return self._near_miss(question, reply_lang, reading, turn)
        if outcome.kind == "clarify" and not outcome.candidates:
            outcome = replace(outcome, kind="decline")
        if outcome.entry is not None:
            turn = replace(
                turn, subject=turn.subject or outcome.entry.topic, aspect=outcome.entry.aspect
            )
        subject = reading.subject if outcome.kind == "decline" else None
        return replace(outcome, turn=turn, subject=subject)

    def _off_topic(self, reading: Reading, subjects: set[str]) -> bool:
        """Whether the question names another kind of subject (weather, food, tickets...) that
        the named subject's answers never speak of."""
        known = set().union(*(self._topic_terms.get(s, frozenset()) for s in subjects))
        return any(not set(tokens(cue)) <= known for cue in reading.off_topic)

    def _foreign(self, content: tuple[str, ...]) -> bool:
        """Whether most of what the question says besides its subject and aspect means nothing
        to the knowledge base: a question about something else that happens to name a subject."""
        foreign = [t for t in content if not self.matcher.knows(t)]
        return len(foreign) * 2 > len(content)

    def _matchable(self, question: str, reading: Reading) -> str:
        """What the matcher should see: the question without its wrapping (greetings, "quick
        question", "我想問下"), which says nothing about what is asked."""
        return reading.core or question

    def _near_miss(self, question: str, lang: Lang, reading: Reading, turn: Turn) -> Outcome:
        """Declined, with what the bot can say about the subject the question named."""
        topic = self.kb.topics[reading.subjects[0]]
        overview = Candidate(self.kb.entries[topic.overview], 0.0)
        return Outcome("decline", question, lang, 0.0, (overview,), subject=topic.id, turn=turn)

    # --- which entry a reading points to -------------------------------------------------------

    def _target(self, reading: Reading) -> tuple[Entry | None, bool]:
        """The entry that answers the reading's aspect of its subject, if the reading says enough,
        and whether the reading is firm about it (a meeting named by number, "latest", "next",
        "how many", or a specific aspect) or the matcher may know a more specific entry."""
        if reading.subject is None or len(set(reading.subjects)) > 1:
            return None, False
        subject = reading.subject
        entries = self.kb.entries
        if f"{subject}-latest" in entries:
            meeting, firm = self._meeting_entry(subject, reading)
            if meeting is not None:
                return meeting, firm
        for aspect in reading.aspects:
            found = self._by_aspect.get((subject, "setup" if aspect == "first" else aspect))
            if found is not None:
                return found, aspect not in ("what", "first", "list")
        if not reading.aspects and not [t for t in reading.rest if t not in _GENERIC]:
            return entries[self.kb.topics[subject].overview], False  # a bare name: its overview
        return None, False

    def _meeting_entry(self, subject: str, reading: Reading) -> tuple[Entry | None, bool]:
        entries = self.kb.entries
        aspects = set(reading.aspects)
        if reading.number is not None:
            kind = self._kind(subject, reading)
            found = entries.get(f"{subject}-{kind}-{reading.number}")
            if found is not None:
                return found, True
            if reading.number != 1:  # not (or not yet) in our sources: how many there have been
                return entries[f"{subject}-meetings"], True
        for aspect, ident in (("next", "next"), ("count", "meetings"), ("latest", "latest")):
            if aspect in aspects:
                return entries[f"{subject}-{ident}"], True
        if reading.year is not None:
            return self._meeting_in(subject, reading.year) or entries[f"{subject}-meetings"], False
        if "agreed" in aspects and not self._by_aspect.get((subject, "agreed")):
            return entries[f"{subject}-latest"], False
        return None, False

    def _kind(self, subject: str, reading: Reading) -> str:
        """The kind of meeting a numbered question means: one it names, else the main series."""
        for kind, names in self._kind_names.items():
            if any(name and name in reading.text for name in names) and kind not in (
                "plenary",
                "other",
            ):
                return kind
        main = series(self.kb.topics[subject])
        return main[0].kind if main else "plenary"

    def _meeting_in(self, subject: str, year: int) -> Entry | None:
        """The answer about the meeting of `subject` held in `year`, the main series' first."""
        topic = self.kb.topics[subject]
        main = {id(m) for m in series(topic)}
        held = sorted(
            (m for m in topic.meetings if m.date and m.date.year == year),
            key=lambda m: (id(m) not in main, m.date),
        )
        for meeting in held:
            for entry in self.kb.topic_entries(subject):
                if entry.aspect in ("nth", "dated") and entry.meetings == (meeting,):
                    return entry
        return None

    def _more_specific(
        self, target: Entry, ranked: list[Candidate], content: tuple[str, ...]
    ) -> Entry | None:
        """The matcher's best entry instead of the aspect's, where the question says more than
        the aspect and that entry is the one that covers it ("when was the framework agreement
        signed": the Framework Agreement's entry, not the latest meeting's)."""
        if not ranked or ranked[0].entry.id == target.id or not content:
            return None
        best = ranked[0]
        if best.score < self.matcher.t.answer or best.entry.topic != target.topic:
            return None
        theirs = self.matcher.shares(best.entry.id, content)
        ours = self.matcher.shares(target.id, content)
        return best.entry if len(theirs) > len(ours) else None

    def _about(self, entry: Entry, subjects: set[str]) -> bool:
        return bool(self._names[entry.id] & subjects)


def _script(lang: Lang, previous: Turn | None) -> Lang | None:
    """The script to remember: this reply's if Chinese, else the one remembered before."""
    if lang in ("zh-Hans", "zh-Hant"):
        return lang
    return previous.lang if previous is not None else None
