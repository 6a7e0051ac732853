"""From a question to an outcome: understand it, lean on the conversation, then answer or decline.

The matcher alone ranks phrasings; here its ranking meets the reading of the question
(`bot.understanding`). A question whose subject and aspect are clear goes straight to the entry
that answers that aspect of that subject (the meeting records' answers for meetings), unless the
matcher finds an entry of that subject that covers more of what the question says. A question
that names a subject but asks about something its answers never speak of ("how many people live
in Sichuan", "深圳有咩好食推介") is a near miss, declined with what the bot can say about that
subject. A follow-up ("and Shanghai?", "邊個主持？", "who chaired it?") borrows what it leaves
out from the turn before.
"""

from __future__ import annotations

import collections
import itertools
import re
from dataclasses import replace

from bot.knowledge import Entry, KnowledgeBase, Topic
from bot.knowledge.meetings import series
from bot.knowledge.model import Meeting
from bot.matcher import CJK_PARTICLES, Matcher, tokens
from bot.outcome import Candidate, Outcome, Turn
from bot.text import Lang, detect_language
from bot.understanding import (
    CURRENT,
    MEETING_ASPECTS,
    Reading,
    Understanding,
    names_a_month,
    split_clauses,
)

# "last" and "latest" in English say the most recent; "上一次" after the latest is the one before.
_MOST_RECENT = re.compile(r"\b(?:last|latest|most recent)\b")
# A message of particles only ("啊啊啊") says nothing to follow the conversation with.
_ONLY_PARTICLES = re.compile(f"[{''.join(sorted(CJK_PARTICLES))}\\s]+")
#: Asking for every one of the things counted, by name (canonical text): "list all 11",
#: "the titles of the 4 documents", "the full current list", "逐個列出嚟", "全部喺邊", "係邊11個".
_EVERY_ONE = re.compile(
    r"\b(?:list (?:all|every|them all|each)|all (?:the )?\d+|titles?|names of (?:the|all|those)"
    r"|(?:full|complete) (?:\w+ )?list|each of the \d+|one by one)\b"
    r"|全部列|全部(?:喺|在)?(?:边|哪)|列晒|逐个|逐一|边\d+个|哪\d+个"
)
#: Counts as English words, from two: "four documents", "the eleven liaison units".
_ENGLISH_COUNTS = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
#: A count in a question ("which 7", "what were the four documents", "係邊24項", "四份協議係咩",
#: "10個重點領域…仲有啲咩"): asking which they are, by name (canonical text).
_COUNT = rf"(\d{{1,3}}|[一两二三四五六七八九十]{{1,3}}|{'|'.join(_ENGLISH_COUNTS)})"
_WHICH_COUNTED = re.compile(
    rf"\b(?:which|what (?:are|were) the|name the|list the|names of the)\s+{_COUNT}\b"
    rf"|(?:边|哪){_COUNT}(?:个|份|项|间|条|家|位)"
    rf"|{_COUNT}(?:个|份|项|条|间)[\u4e00-\u9fff\s]{{0,14}}?"
    r"(?:是甚么|是什么|系咩|系乜|讲咩|讲乜|讲甚么|讲什么|系边|是哪|有哪些|有边|分别|仲有啲咩|还有哪些|还有什么)"
)
_CJK_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", start=1)} | {"两": 2}
#: Where a count stands in an English answer, with what follows it: "four documents were signed".
_COUNTED_IN = (
    r"(?<![\d.,]){}(?![\d,])(?= [a-z])"
    r"(?! (?:january|february|march|april|may|june|july|august|september|october|november|december)\b)"
)
_SEPARATORS = re.compile(r"[,;]| and ")
#: The sentence before the one a position is in: "[The signatories were A, B and C.] The three…".
_SENTENCE_BEFORE = re.compile(r"([^.]*)\.\s[^.]*$")
#: An answer naming only some of what it counts: "including", "incl.", "such as" (English text).
_SOME_OF = re.compile(r"\b(?:including|incl|such as|among them|for example)\b", re.IGNORECASE)
#: A meeting named by its number: "the 6th meeting", "第6次" (canonical text).
_NUMBERED_MEETING = re.compile(
    r"\b\d{1,3}(?:st|nd|rd|th) (?:meeting|plenary|session|conference|round)s?\b|第\d{1,3}(?:次|届)"
)
#: An ordinal in digits, whatever follows it: "the 15th", "15th plan".
_BARE_ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b")
#: What comes before a place where something took place (canonical text): "in Beijing", "喺北京".
_PLACE_WORDS = (" in", " at", "喺", "在", "于", "到")
#: Words about meetings in general: they name no subject, so "when was its latest meeting?"
#: still leans on the subject before, and they never make a question a near miss.
_GENERIC_WORDS = (
    "meeting meetings conference conferences session sessions plenary plenaries mechanism "
    "cooperation held hold take took taken place meet meets met one hk 会议 合作 机制 全体会议 "
    "举行 召开 里面 入面 当中 其中 双方 两边 cant find besides beside respectively say says said "
    "both sides each side 部门 department departments 这边 那边 formal formally formalised formalized "
    "officially 正式 文件 document documents 之后 然后 后来 afterwards supposed"
)
_GENERIC = frozenset(tokens(_GENERIC_WORDS))
#: Words for a meeting (canonical text): "at their last plenary", "the Nov 2023 meeting".
_MEETING_NOUNS = re.compile(r"\b(?:meeting|plenary|session)\b|全体会议|次会议|那次会议|届会议")
#: Words asking when (canonical text).
_ASKS_WHEN = re.compile(r"\bwhen\b|\bwhat year\b|\bwhich year\b|几时|时候|哪年|哪一年|边年|边一年")
#: Words that ask how a platform began, not the date of one of its meetings.
_FOUNDING = re.compile(
    r"\b(?:set up|setup|established?|founded|start|started|began|begin|launched|created)\b"
    r"|成立|设立|建立|创立|开始|启动|始于"
)
#: Asking across all the things spoken of: "the newest of all of them", "所有呢啲之中".
_OF_ALL_OF_THEM = re.compile(
    r"\b(?:of )?all of them\b|\bof them all\b|所有(?:这些|呢啲|𠮶啲)?(?:之中|当中|入面)"
)
#: Who signed a document, asked by name (canonical text): "which HK official signed the MOU".
_WHO_SIGNED = re.compile(
    r"\b(?:who|which (?:\w+ )?officials?)\b(?: \w+){0,3} (?:signed|sign)\b|\bput pen to paper\b"
    r"|(?:谁|边个|哪位|哪个官员|边啲官员|哪些官员|边位官员)(?:落笔)?(?:签|代表.{0,6}签)|签字人|签署人"
)
#: A meeting named as such, not only pointed at as "that time" (canonical text).
_A_MEETING_NAMED = re.compile(r"会议|开会|举行|召开|举办|主办|\b(?:meeting|plenary|conference)\b")
#: Words that say a question is about a meeting ("where was it held"), not a place at large
#: ("where in Shenzhen can I find a job"). Canonical text: Simplified Chinese.
_MEETING_WORDS = re.compile(
    r"\b(?:meeting|meetings|mtg|plenary|session|conference|conf|held|hold|hosted|host|met|meet"
    r"|take place|took place)\b|\bthe (?:19|20)[0-9]{2} one\b|\bone in (?:19|20)[0-9]{2}\b"
    r"|会议|开会|举行|召开|举办|主办|开|会|𠮶次|那次"
)
#: Words checking what the asker believes: "..., right?", "係咪…", "对吗".
_CHECKING = re.compile(
    r"\b(?:right|correct|isn t it|wasn t it|is that so|am i right)\b"
    r"|对吗|对不对|是不是|是吗|系咪|啱唔啱|冇错|没错吧"
)
#: The fewest characters of a keyword that names a thing rather than asks about it.
_THING_NAME = 4
#: Words asking whether a meeting has been held yet, which the count of meetings answers.
_WHETHER_HELD = re.compile(
    r"\b(?:yet|already|so far|by now|been held|taken place|happened|happen|since|count as"
    r"|counted as|has there been|have there been|was there|were there|is there|that was"
    r"|was that)\b"
    r"|未|了没|了吗|了嗎|过没|過沒|过了吗|已经|已經|是否已|有冇开|有冇開|有没有开|有沒有開|开过|開過|开了没"
)
#: How many platforms an overview names to be about the platforms as a whole.
_MANY_PLATFORMS = 5
#: What asking which office covers a place asks: the place's own answer says.
_ASKED_OF_AN_OFFICE = frozenset({"office", "areas"})
#: Words of what was planned rather than held: "which province was to host it in 2024?".
_PLANNED = re.compile(
    r"\b(?:was to|were to|is to|due to|would|will|meant to|supposed to|slated to|scheduled to)\b"
    r"|说好|定由|定了由|轮到|承办|主办|预定"
)
#: Words claiming an occasion was a numbered meeting, which the count of meetings answers.
_CLAIMED = re.compile(r"\b(?:count as|counted as|that was|was that|right|correct)\b")
#: Agreements counted or listed one by one: what a meeting's record may not give.
_COUNTED = re.compile(
    r"\bhow many (?:agreements|documents|deals|mous|memoranda|memorandums)\b"
    r"|\blist (?:the |all )?(?:\w+ )?(?:agreements|documents)\b|几份|多少份|几多份"
)
#: A quantity asked ("how many", "how big", "幾多個"), not of times met (canonical text).
_HOW_MANY = re.compile(
    r"\bhow (?:many|much|big)\b|\bnumber of\b|\bexact number\b|几多个|多少个|加咗几多"
)
#: How many there are in all, of nothing named ("一共多少个？", "how many in total?").
_HOW_MANY_IN_ALL = re.compile(
    r"^(?:so |and )?how many(?: (?:in total|altogether|in all|are there|is that))?$"
    r"|^(?:一共|总共|合共|总数)?(?:多少|几多|几)个?(?:呀|啊|呢)?$"
)
#: A number in what a record says was agreed: "20 documents", "four MOUs", "十個範疇".
_A_NUMBER = re.compile(rf"\d|\b(?:{'|'.join(_ENGLISH_COUNTS)})\b|[两二三四五六七八九十]")
#: Aspects about one meeting: after an answer about a meeting, "where was it held?" or
#: "who chaired it?" is about that same meeting.
_DETAILS = frozenset({"where", "leaders", "agreed", "setup", "areas"})
#: What is asked of a signing, where the subject has no answer of what was agreed: the answer
#: about how it was set up says where and by whom it was signed ("CEPA是谁签字的").
_OF_SIGNING = frozenset({"where", "leaders"})
#: A word pointed at ("that office", "该办事处"): what the answer before spoke of, if it says it.
_POINTED_WORD = re.compile(
    r"\b(?:that|this|the same) (office|bureau|body|unit)\b|(?:该|这个|那个|呢个|𠮶个)(办事处|局)"
)
#: Aspects of the place itself, not of a meeting: where the place has an answer to one, a year
#: beside it dates the figure ("HK's investment in Hubei as of 2021"), and what a meeting said of
#: it ("at the 6th meeting, what did Lee say HK's investment had grown to?") is that figure.
_OF_THE_PLACE = frozenset({"investment"})
#: The aspects of answers about one thing (an agreement, a plan, an office) rather than about
#: an aspect of a platform: a follow-up asking a detail of it is asked of that answer.
_THINGS = frozenset({None, "office"})
#: Hong Kong named in canonical text (synonyms applied: "hong kong" is "hk"; 港 in 粤港, 港澳).
_HONG_KONG = re.compile(r"\bhk\b|港")
#: Aspects any entry of a subject may answer, where the matcher may know a better one.
_LOOSE = frozenset({"what", "first", "list"})
#: A run of unknown characters this long, or an unknown word, is about something else.
_LONG_FOREIGN_RUN = 4
_LONG_FOREIGN_WORD = 5
#: Unknown words it takes, when they are also most of what is left, to be about something else.
_FOREIGN_WORDS = 1
#: How far ahead of a loose reading's entry the matcher's first choice must be to answer instead.
_CLEAR_LEAD = 0.2
#: How close to the matcher's first choice the answer before, or one of its related, must come.
_NEIGHBOUR_LEAD = 0.05
#: The longest Latin word that, with nothing else, still only leads on a follow-up ("and from
#: Hubei?").
_SHORT_WORD = 4
#: A province spoken of without its name ("our province", "我哋省"): any platform's.
_UNNAMED_PROVINCE = re.compile(
    r"\b(?:our|my|your|their) (?:home )?province\b|(?:我们|我哋|你们|佢哋)(?:嘅|的)?省|本省"
)
#: How far behind the matcher's first choice, about another subject, an answer about the subject
#: named may come and still be given.
_OWN_LEAD = 0.1
#: Questions offered after a remark on a subject: its overview and the first it relates to.
_REMARK_OFFERS = 3
#: How far the best subject's entry must lead every other subject's for a question naming none
#: to be taken as about it.
_TOPIC_LEAD = 0.05
#: A quoted run: this many characters, found in at most _QUOTED_IN answers, at least
#: _QUOTED_GRAMS times over (a run of six characters is three).
_QUOTE = 4
_QUOTED_IN = 2
_QUOTED_GRAMS = 3
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{4,}")


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


def _count_value(word: str) -> int | None:
    """A count written in digits, English words or Chinese numerals up to 99 ("24", "four", "四",
    "十一", "二十四")."""
    if word.isdigit():
        return int(word)
    if word in _ENGLISH_COUNTS:
        return _ENGLISH_COUNTS.index(word) + 2
    tens, ten, ones = word.partition("十")
    if not ten:
        return _CJK_DIGITS.get(word)
    if (tens and tens not in _CJK_DIGITS) or (ones and ones not in _CJK_DIGITS):
        return None
    return _CJK_DIGITS.get(tens, 1) * 10 + _CJK_DIGITS.get(ones, 0)


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
        # What each entry's answer says, in canonical text: a follow-up may repeat its words.
        self._says = {
            entry.id: " ".join(matcher.canonical(a, whole=True) for a in entry.answer.values())
            for entry in kb.entries.values()
        }
        # The answers that name only some of what they count ("including…"): asked to list every
        # one, they cannot.
        self._partial = {
            entry.id for entry in kb.entries.values() if _SOME_OF.search(entry.answer.get("en", ""))
        }
        # How each entry is asked, in canonical text: "成都嗰個" names the answer asked about by 成都.
        self._asked = {
            entry.id: matcher.canonical(" ".join(entry.all_questions()), True)
            for entry in kb.entries.values()
        }
        # Everything each topic's entries say, questions and answers, in canonical text: what a
        # question about that subject may speak of without being about something else.
        self._said: dict[str, str] = {}
        for entry in kb.entries.values():
            keywords = matcher.canonical(" ".join(entry.keywords), True)
            self._said[entry.topic] = " ".join(
                (
                    self._said.get(entry.topic, ""),
                    self._says[entry.id],
                    self._asked[entry.id],
                    keywords,
                )
            )
        self._all_said = " ".join(self._said.values())
        self._said_terms = {topic: frozenset(tokens(text)) for topic, text in self._said.items()}
        self._all_terms = frozenset().union(*self._said_terms.values())
        # Entries whose answer tells who chaired or led what they are about ("co-chaired by…").
        self._tells_leaders = {
            entry.id
            for entry in kb.entries.values()
            if "leaders" in understanding.aspects_in(self._says[entry.id])
        }
        # Which topics each entry's answer (read once, in English) and keywords name: an answer
        # about Chengdu's office is about Sichuan too, the Greater Bay Area's population is not.
        # Phrasings are left out: "十四五之後嘅十五五" asks about the 15th plan, not the 14th.
        self._names: dict[str, set[str]] = {
            entry.id: matcher.mentioned_topics(
                matcher.canonical(
                    " ".join([entry.answer.get("en", ""), *entry.keywords]), whole=True
                )
            )
            | {entry.topic}
            for entry in kb.entries.values()
        }
        # Subjects known by a number in their names ("the 14th Five-Year Plan"), by that number.
        numbered: dict[int, set[str]] = collections.defaultdict(set)
        for topic in kb.topics.values():
            if not topic.meetings:
                for alias in topic.names:
                    for match in _BARE_ORDINAL.finditer(matcher.canonical(alias)):
                        numbered[int(match.group(1))].add(topic.id)
        self._numbered = {n: next(iter(t)) for n, t in numbered.items() if len(t) == 1}
        # Aliases an entry claims as keywords: "成都辦" names the offices, and of them Chengdu's;
        # and keywords naming its subject with another ("guangdong eto", "港澳cepa"): the thing
        # the two names make together.
        self._claimed: dict[str, list[tuple[str, Entry]]] = {}
        # Each entry's keywords naming a thing ("港澳cepa", "wen jiabao"), as the canonical text
        # has them: not the short words of asking ("主持", "边个").
        self._keywords = {
            e.id: [k for k in (matcher.canonical(w) for w in e.keywords) if len(k) >= _THING_NAME]
            for e in kb.entries.values()
        }
        # Each topic's names as the canonical text has them; those of two characters or more are
        # looked for inside a question's text.
        canonical_names = {
            t.id: {matcher.canonical(n) for n in t.names} for t in kb.topics.values()
        }
        self._aliases = {
            t: {a for a in found if len(a) > 1} for t, found in canonical_names.items()
        }
        # Keywords naming an entry's subject with another, and the others: "港澳cepa" (Macao).
        self._paired: dict[str, list[tuple[str, set[str]]]] = {}
        for entry in kb.entries.values():
            if entry.id == kb.topics[entry.topic].overview:
                continue
            for keyword in entry.keywords:
                canonical = matcher.canonical(keyword)
                named = matcher.mentioned_topics(canonical)
                paired = entry.topic in named and len(named) > 1
                # "港澳cepa": a name of its subject with more to it, in one run of characters
                joined = not canonical.isascii() and any(
                    a in canonical and a != canonical for a in canonical_names[entry.topic]
                )
                if paired or joined or canonical in canonical_names[entry.topic]:
                    self._claimed.setdefault(entry.topic, []).append((canonical, entry))
                if paired:
                    self._paired.setdefault(entry.id, []).append((canonical, named - {entry.topic}))
        # The topics whose entries have each word as a keyword: "9+2" is the Pan-PRD's name and
        # a keyword of the Bay Area's cities, so "大灣區嘅9+2" is the Bay Area's.
        self._keyword_of: dict[str, set[str]] = collections.defaultdict(set)
        for entry in kb.entries.values():
            for keyword in entry.keywords:
                self._keyword_of[matcher.canonical(keyword)].add(entry.topic)
        # The entries of each topic that one of its own names points to: the offices each known
        # by theirs ("gdeto", "成都辦").
        self._claimants = {
            topic: {e.id for _, e in claims} for topic, claims in self._claimed.items()
        }
        # The numbered meetings and the years each entry's answer speaks of: "the 10th Forum" and
        # the Forum of 2010 are told of where the records keep only the joint conferences.
        self._ordinals: dict[tuple[str, int], list[Entry]] = {}
        self._years: dict[tuple[str, int], list[Entry]] = {}
        for entry in kb.entries.values():
            if entry.aspect in ("nth", "dated"):
                continue
            for number in understanding.ordinals(self._says[entry.id]):
                self._ordinals.setdefault((entry.topic, number), []).append(entry)
            for year in understanding.years(self._says[entry.id]):
                self._years.setdefault((entry.topic, year), []).append(entry)
        # The platform each answer names first, by its English text: "the newest is the
        # Hong Kong/Zhejiang Co-operation Conference…" is about Zhejiang's.
        self._first_platform: dict[str, str] = {}
        for entry in kb.entries.values():
            text = matcher.canonical(entry.answer.get("en", ""))
            found = sorted(
                (n.start, n.topic)
                for n in matcher.names(text)
                if not n.place and kb.topics[n.topic].kind == "platform"
            )
            if found:
                self._first_platform[entry.id] = found[0][1]
        # The words of each topic's name: "that plan", "这个规划" point at the plan itself.
        self._name_words = {
            t.id: frozenset(re.findall(r"[a-z]+", t.name["en"].lower()))
            | frozenset(
                w
                for w in tokens(matcher.canonical(t.name.get("zh-Hant", "")))
                if len(w) > 1 and w != "香港"  # who signed "香港方面" is no name of a thing
            )
            for t in kb.topics.values()
        }
        # Topics about the platforms as a whole (their list, their history): a policy of no
        # place of its own whose overview names many of them.
        self._of_platforms = {
            t.id
            for t in kb.topics.values()
            if t.kind == "policy"
            and not t.places
            and sum(kb.topics[n].kind == "platform" for n in self._names[t.overview])
            >= _MANY_PLATFORMS
        }
        # Runs of four Chinese characters in few answers: a question quoting one ("包不包括康復
        # 人員培訓") is about the answer that says it, whatever its phrasings say.
        quoted: dict[str, set[str]] = {}
        for entry in kb.entries.values():
            for run in _CJK_RUN.findall(self._says[entry.id]):
                for i in range(len(run) - _QUOTE + 1):
                    quoted.setdefault(run[i : i + _QUOTE], set()).add(entry.id)
        self._quoted = {g: ids for g, ids in quoted.items() if len(ids) <= _QUOTED_IN}
        self._kind_names = {
            kind: [matcher.canonical(name) for name in names.values()]
            for kind, names in kb.meta.meeting_kinds.items()
        }
        # The places each topic covers (the offices: "雲南"), as canonical text
        self._covered = {
            topic.id: frozenset(filter(None, (matcher.canonical(p) for p in topic.places)))
            for topic in kb.topics.values()
        }
        # Places where meetings were held, and the topics that met there: "the 24th plenary in
        # Guangzhou" is about Guangdong's conference though it names no alias.
        self._places: dict[str, set[str]] = {}
        for topic in kb.topics.values():
            for meeting in topic.meetings:
                for place in meeting.place.values():
                    canonical = matcher.canonical(place)
                    if canonical:
                        self._places.setdefault(canonical, set()).add(topic.id)

    # --- the outcome -------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        lang: Lang | None = None,
        previous: Turn | None = None,
        app: Lang | None = None,
    ) -> Outcome:
        outcome = self._ask_one(question, lang, previous, app)
        parts = _two_parts(question)
        # A whole question declined for words of another subject has a part that is too.
        if outcome.kind == "smalltalk" or outcome.also or outcome.near_miss:
            return self._kept(outcome, previous)
        if parts is None:
            return self._kept(self._last_clause(outcome, lang, previous, app) or outcome, previous)
        return self._kept(
            self._two_answers(outcome, parts, lang, previous, app) or outcome, previous
        )

    @staticmethod
    def _kept(outcome: Outcome, previous: Turn | None) -> Outcome:
        """A question declined without a subject of its own leaves the conversation where it was:
        after "was anything signed around then?" goes unanswered, "and the latest meeting?" is
        still about the platform before."""
        if (
            outcome.kind != "decline"
            or previous is None
            or outcome.turn is None
            or outcome.turn.subject is not None
        ):
            return outcome
        return replace(outcome, turn=replace(previous, lang=outcome.turn.lang or previous.lang))

    def _last_clause(
        self, whole: Outcome, lang: Lang | None, previous: Turn | None, app: Lang | None
    ) -> Outcome | None:
        """A message declined whole whose last clause, asked alone, is answered outright: the
        clauses before it only described what it asks of ("香港跟内地那个类似自贸协定的安排，
        香港原产货物全部零关税是从哪年开始的"). Not where the clauses before name a subject:
        then the whole was asked of it."""
        if whole.kind != "decline" or whole.subject is not None:
            return None
        clauses = [c for c in split_clauses(whole.question) if c.strip(" ，,。.；;：:")]
        if len(clauses) < 2:
            return None
        reading = self.understanding.read(clauses[-1])
        if reading.pronoun or not (reading.subjects or set(reading.rest) - _GENERIC):
            return None  # "how far back does it go?", "什么时候": asked of what came before
        last = self._ask_one(clauses[-1], lang, previous, app, reading=reading)
        if last.kind != "answer" or last.confidence < self.matcher.t.answer:
            return None
        return replace(last, question=whole.question)

    def _two_answers(
        self,
        whole: Outcome,
        parts: tuple[str, str],
        lang: Lang | None,
        previous: Turn | None,
        app: Lang | None,
    ) -> Outcome | None:
        """A question in two parts that two entries answer ("when did it start, and what was it
        first called?"): both answers, the second part read as a follow-up of the first. Only
        where each part is answered outright and the whole question's answer is one of them; where
        both parts are answered by one entry, that entry, whatever the whole matched."""
        opening = self.understanding.read(parts[0])
        if not (opening.aspects or opening.rest or opening.number or opening.year):
            return None  # "粵港合作聯席會議，哪年成立？": a subject, then the one thing asked of it
        first = self._ask_one(parts[0], lang, previous, app, reading=opening)
        if first.kind != "answer" or first.confidence < self.matcher.t.answer:
            return None
        closing = self.understanding.read(parts[1])
        second = self._ask_one(
            parts[1], lang or first.lang, first.turn, app, continued=True, reading=closing
        )
        # "when's the next one? need to plan our coverage, thx", "what is CEPA exactly? thinking
        # about expanding into the GBA": the question, and why it is asked
        # a remark after it may be a clue ("…有冇再開？我記得新特首同李家超見過面"): the whole is read
        chat = second.kind == "smalltalk" and second.smalltalk != "remark"
        if chat or self.understanding.only_states(parts[1], closing):
            return replace(first, question=whole.question)
        if second.kind != "answer" or second.confidence < self.matcher.t.answer:
            return None
        if (
            opening.subjects
            and second.candidates[0].entry.topic not in opening.subjects
            and not closing.subjects
        ):  # "…第五次全體會議係咪喺香港開？日期係？": the date of that meeting, not of another thing
            return replace(first, question=whole.question)
        ids = {first.candidates[0].entry.id, second.candidates[0].entry.id}
        # Both parts asked of one thing ("who chaired it, and where?"): its answer.
        if len(ids) == 1:
            return replace(first, question=whole.question)
        if (
            whole.kind == "answer"
            and whole.candidates[0].entry.id not in ids
            and whole.confidence >= min(first.confidence, second.confidence)
        ):
            return None  # the whole question matches a third answer better than its parts theirs
        # The conversation goes on from what was said last: "当时是谁签的？" asks of the second.
        return replace(
            first, question=whole.question, also=(second.candidates[0].entry,), turn=second.turn
        )

    def _ask_one(
        self,
        question: str,
        lang: Lang | None = None,
        previous: Turn | None = None,
        app: Lang | None = None,
        continued: bool = False,
        reading: Reading | None = None,
    ) -> Outcome:
        """One question's outcome; `continued` where it is the second part of a message whose
        first part was `previous`, so naming no subject it can only be about that one; `reading`
        where the question has been read already."""
        reply_lang = language(question, lang, previous, app)
        reading = reading or self.understanding.read(question)
        if reading.smalltalk:
            return self._small_talk(question, reply_lang, reading, previous)
        if reading.no_such_platform:
            turn = Turn(None, lang=_script(reply_lang, previous))
            return self._unrecorded(question, reply_lang, None, "platforms-list", turn)
        pointed = self._points_at_answer(reading, previous)
        named = bool(reading.subjects) and not pointed
        if pointed:  # "that office": the thing just answered about
            reading = replace(reading, subjects=(self.kb.entries[previous.entry].topic,))  # type: ignore[index, union-attr]
        reading = self._placed(reading)
        if (
            reading.number is not None
            or (
                (reading.year is not None or set(reading.aspects) & {"latest", "first"})
                and _MEETING_NOUNS.search(reading.text)
            )
            or (reading.year is not None and names_a_month(reading.text))
        ) and set(reading.aspect_named) < set(reading.subjects):
            # "the areas of co-operation set at the 4th HK/Fujian plenary" (or "in Nov 2023"): that
            # meeting of Fujian's
            reading = replace(
                reading,
                subjects=tuple(s for s in reading.subjects if s not in reading.aspect_named),
            )
        if continued and not reading.subjects and previous is not None and previous.subject:
            reading = replace(reading, subjects=(previous.subject,))
        if self._no_platform_there(reading, previous):
            turn = Turn(None, lang=_script(reply_lang, previous))
            return self._unrecorded(question, reply_lang, None, "platforms-list", turn)
        reading = self._follow(reading, previous)
        turn = Turn(
            reading.subject,
            reading.aspect,
            reading.number,
            reading.year,
            _script(reply_lang, previous),
        )
        if (previous is None or not (previous.subject or previous.entry)) and self._asks_of_nothing(
            reading
        ):  # "係咩？" out of the blue
            return self._decline(question, reply_lang, reading, turn)
        subjects = set(reading.subjects)
        ranked = self.matcher.rank(reading.core, topics=subjects or None, canonical=True)
        if self._off_topic(reading, subjects or {c.entry.topic for c in ranked[:1]}) or (
            not subjects and self._found_by_its_cue(reading, ranked)
        ):
            return replace(self._decline(question, reply_lang, reading, turn), near_miss=True)
        if self._role_of_another(reading):
            return replace(self._decline(question, reply_lang, reading, turn), near_miss=True)
        content = tuple(
            self.matcher.corrected(t) if t.isascii() else t
            for t in reading.rest
            if t not in _GENERIC
        )
        pair = self._compared(reading)
        if pair is not None and not self._foreign(content, strict=True):
            return self._both(question, reply_lang, pair, ranked, turn)
        thing = None if named else self._same_thing(reading, previous)
        target, firm = (thing, True) if thing is not None else self._target(reading, previous)
        if target is None and firm:  # a meeting our sources have no record of
            return self._unrecorded(question, reply_lang, reading.subject, "meetings", turn)
        if target is None and (not named or subjects == {previous.subject if previous else None}):
            target = (
                self._the_one_named(reading, ranked, previous)
                or self._neighbour(reading, ranked, previous)
                or self._pointed_at(reading, ranked, previous)
            )
        if target is None and not subjects:
            target = self._aspect_of_best(reading, ranked)
            firm = target is not None
            if target is not None and self._elsewhere(content, target):
                return self._decline(question, reply_lang, reading, turn)
        if target is not None:
            better = (
                None
                if target.aspect == "nth"
                and (reading.number is not None or (previous and previous.entry == target.id))
                else self._more_specific(target, ranked, content, subjects, firm)
            )
            # A thing named by its own name keeps the question: "GDETO主任係邊個？" asks of GDETO,
            # not of another office whose answer names its head.
            named_thing = target == self._claimed_entry(reading)
            if (
                named_thing
                and better is not None
                and (better.id in self._claimants[target.topic] or better.topic not in subjects)
            ):
                better = None
            if better is None and not firm and not named_thing:
                better = self._clearly_better(target, ranked)  # a thing named is asked of
            if better is not None:
                target, firm = better, False
            strict = firm or reading.aspect not in (None, "what")
            if self._foreign(content, strict=strict and not reading.who_only):
                return self._decline(question, reply_lang, reading, turn)
            if self._unspoken(reading, target):
                target = self._speaking_of_it(reading, ranked, target)
                if target is None:
                    return replace(
                        self._decline(question, reply_lang, reading, turn), near_miss=True
                    )
            if self._untold(reading, target) or self._uncounted(reading, target):
                return self._not_told(question, reply_lang, target, turn)
            turn = replace(
                turn,
                subject=self._spoken_of(turn.subject, target, subjects, reading),
                entry=target.id,
                aspect=target.aspect or turn.aspect,
            )
            others = tuple(c for c in ranked if c.entry.id != target.id)
            score = next((c.score for c in ranked if c.entry.id == target.id), 1.0)
            candidates = (Candidate(target, max(score, self.matcher.t.answer)), *others)
            confidence = min(candidates[0].score, 1.0)
            return Outcome("answer", question, reply_lang, confidence, candidates, turn=turn)
        if subjects and self._foreign(content, strict=reading.aspect not in (None, "what")):
            return self._decline(question, reply_lang, reading, turn)
        outcome = self.matcher.decide(question, reply_lang, ranked)
        if subjects and outcome.entry is not None and not self._about(outcome.entry, subjects):
            own = self._own_close(outcome, subjects)
            if own is None and not (named and self._asks_of_another(outcome, subjects, content)):
                return self._decline(question, reply_lang, reading, turn)
            outcome = own or outcome
        if not subjects and outcome.entry is not None and self._elsewhere(content, outcome.entry):
            return self._decline(question, reply_lang, reading, turn)
        if outcome.kind != "answer":
            quoted = self._quoting(reading, subjects) or self._told_that_year(reading)
            if quoted is not None:
                others = tuple(c for c in ranked if c.entry.id != quoted.id)
                candidates = (Candidate(quoted, self.matcher.t.answer), *others)
                outcome = Outcome("answer", question, reply_lang, self.matcher.t.answer, candidates)
        if outcome.kind == "answer" and not subjects and self._which_platform(question, ranked):
            outcome = self._platforms_to_pick(outcome, ranked)
        if outcome.kind == "clarify" and len(subjects) > 1:
            narrowest = self._narrowest(outcome.candidates, subjects)
            if narrowest is not None:
                others = tuple(c for c in ranked if c.entry.id != narrowest.entry.id)
                outcome = replace(outcome, kind="answer", candidates=(narrowest, *others))
        if outcome.kind == "answer" and len(subjects) > 1:
            outcome = self._about_all(outcome, subjects)
        if outcome.kind == "answer" and subjects:
            outcome = self._unpaired(outcome, subjects, reading.text)
            outcome = self._of_the_place(outcome, reading)
        if outcome.kind == "answer" and self._of_another_platform(outcome.entry, subjects):
            return self._decline(question, reply_lang, reading, turn)
        if outcome.kind == "clarify" and not outcome.candidates:
            outcome = replace(outcome, kind="decline")
        if outcome.kind == "answer" and self._unspoken(reading, outcome.entry):
            speaking = self._speaking_of_it(reading, ranked, outcome.entry)
            if speaking is None:
                return replace(self._decline(question, reply_lang, reading, turn), near_miss=True)
            others = tuple(c for c in ranked if c.entry.id != speaking.id)
            outcome = replace(
                outcome, candidates=(Candidate(speaking, outcome.confidence), *others)
            )
        if outcome.entry is not None and self._untold(reading, outcome.entry):
            return self._not_told(question, reply_lang, outcome.entry, turn)
        if outcome.entry is not None:
            entry = outcome.entry
            subject = self._spoken_of(turn.subject, entry, subjects, reading)
            turn = replace(turn, subject=subject, aspect=entry.aspect, entry=entry.id)
        subject = reading.subject if outcome.kind == "decline" else None
        return replace(outcome, turn=turn, subject=subject)

    @staticmethod
    def _both(
        question: str,
        lang: Lang,
        pair: tuple[Entry, Entry],
        ranked: list[Candidate],
        turn: Turn,
    ) -> Outcome:
        """Both compared subjects' answers, the first named first; the conversation remembers
        both, so "who chairs them?" compares them again."""
        first, second = pair
        turn = replace(
            turn, subject=first.topic, aspect=first.aspect, entry=first.id, compared=second.topic
        )
        others = tuple(c for c in ranked if c.entry.id not in (first.id, second.id))
        candidates = (Candidate(first, 1.0), *others)
        return Outcome("answer", question, lang, 1.0, candidates, turn=turn, also=(second,))

    def _small_talk(
        self, question: str, lang: Lang, reading: Reading, previous: Turn | None
    ) -> Outcome:
        """A friendly line. A remark on a subject ("my dad used to work in the shanghai office")
        is met with more on that subject to pick, and the conversation goes on about it: "when
        did it start?" next asks of Shanghai."""
        subject = reading.subject or (previous.subject if previous else None)
        if (
            reading.smalltalk != "remark"
            or subject is None
            or self.kb.topics[subject].kind == "about"
        ):
            talk = reading.smalltalk
            return Outcome("smalltalk", question, lang, 1.0, (), smalltalk=talk, turn=previous)
        overview = self.kb.entries[self.kb.topics[subject].overview]
        more = [self.kb.entries[i] for i in overview.related if i in self.kb.entries]
        offered = tuple(Candidate(e, 0.0) for e in [overview, *more][:_REMARK_OFFERS])
        # "2003, feels like forever ago" after an answer remarks on what was answered
        turn = Turn(subject, lang=_script(lang, previous)) if reading.subject else previous
        return Outcome(
            "smalltalk", question, lang, 1.0, offered, "remark", subject=subject, turn=turn
        )

    def _decline(self, question: str, lang: Lang, reading: Reading, turn: Turn) -> Outcome:
        """Declined; where the question named a subject, with what the bot can say about it."""
        if not reading.subjects:
            return Outcome("decline", question, lang, 0.0, (), turn=turn)
        topic = self.kb.topics[reading.subjects[0]]
        overview = Candidate(self.kb.entries[topic.overview], 0.0)
        return Outcome("decline", question, lang, 0.0, (overview,), subject=topic.id, turn=turn)

    def _unrecorded(
        self, question: str, lang: Lang, subject: str | None, entry: str, turn: Turn
    ) -> Outcome:
        """Declined for what our sources have no record of, with the answer on what they do
        record offered instead: a subject's meetings, or the list of platforms."""
        ident = f"{subject}-{entry}" if subject else entry
        offered = (Candidate(self.kb.entries[ident], 0.0),) if ident in self.kb.entries else ()
        return Outcome(
            "decline",
            question,
            lang,
            0.0,
            offered,
            subject=subject,
            turn=turn,
            near_miss=True,
            unrecorded=True,
        )

    @staticmethod
    def _uncounted(reading: Reading, entry: Entry) -> bool:
        """Whether the agreements of one meeting are counted or listed ("how many agreements were
        signed at the 24th?") where its record says nothing of them, or anything of it is
        counted ("how many extra car quotas were agreed?") where its record gives no number:
        our sources do not say."""
        if len(entry.meetings) != 1 or entry.meetings[0].agreed_count is not None:
            return False
        agreed = entry.meetings[0].agreed
        if not agreed:
            return bool(_COUNTED.search(reading.text))
        return (
            "count" not in reading.aspects
            and bool(_HOW_MANY.search(reading.text))
            and not any(_A_NUMBER.search(text) for text in agreed.values())
        )

    @staticmethod
    def _not_told(question: str, lang: Lang, entry: Entry, turn: Turn) -> Outcome:
        """Declined for what the answer that would be given says our sources do not give, with
        that answer offered: it says what they do give."""
        turn = replace(turn, subject=entry.topic, entry=entry.id, aspect=entry.aspect)
        return Outcome(
            "decline",
            question,
            lang,
            0.0,
            (Candidate(entry, 0.0),),
            subject=entry.topic,
            turn=turn,
            not_told=True,
        )

    # --- reading in context --------------------------------------------------------------------

    def _placed(self, reading: Reading) -> Reading:
        """A meeting asked about by number or year and place ("the 24th plenary in Guangzhou")
        is about the one platform whose records have it, though no alias names it."""
        if reading.subjects or (reading.number is None and reading.year is None):
            return reading
        found = {
            topic
            for place, topics in self._places.items()
            if self._held_at(place, reading.text)
            for topic in topics
            if self._has_meeting(self.kb.topics[topic], reading)
        }
        return replace(reading, subjects=(found.pop(),)) if len(found) == 1 else reading

    @classmethod
    def _held_at(cls, place: str, text: str) -> bool:
        """Whether a place is named as where something was held ("in Guangzhou", "that Guangzhou
        meeting", "喺廣州"), not as what something is for ("anything new for HK")."""
        return cls._held_in(place, text) or bool(
            re.search(rf"{re.escape(place)} ?(?:{_MEETING_NOUNS.pattern}|会议|𠮶次|那次)", text)
        )

    @staticmethod
    def _held_in(place: str, text: str) -> bool:
        """Whether a place comes after a word of where ("in Beijing", "喺北京"): where a meeting
        yet to come is asked to be, though "the next Beijing plenary" names only the platform."""
        spaced = f" {text} "
        return any(
            f"{word} {place} " in spaced or (not word.isascii() and f"{word}{place}" in text)
            for word in _PLACE_WORDS
        )

    def _spoken_of(
        self, first: str | None, answer: Entry, subjects: set[str], reading: Reading
    ) -> str:
        """What the conversation goes on about after an answer: the subject named first, unless
        that is a platform and the answer is about a thing of another kind ("粵港澳…大灣區框架協議"
        is the Bay Area's agreement, "and Hubei?" after an office is the Wuhan office: "where was
        it signed?", "when did that one open?" ask of them); after "which one is the newest?",
        the platform the answer names first ("who led its first meeting?" asks of it)."""
        one = reading.which_one or bool({"latest", "first"} & set(reading.aspects))
        if one and answer.topic in self._of_platforms:  # "the newest one", "最新成立嘅係邊個？"
            named = self._first_platform.get(answer.id)
            if named is not None:
                return named
        if first is None:
            return answer.topic
        platforms = [s for s in subjects if self.kb.topics[s].kind == "platform"]
        if first in self._of_platforms and len(platforms) == 1:
            return platforms[0]  # "a co-op platform with Zhejiang?": "who led it?" asks of it
        if (
            self.kb.topics[first].kind == "platform"
            and self.kb.topics[answer.topic].kind != "platform"
        ):
            return answer.topic
        return first

    @staticmethod
    def _has_meeting(topic: Topic, reading: Reading) -> bool:
        return any(
            (reading.number is None or m.number == reading.number)
            and (reading.year is None or (m.date is not None and m.date.year == reading.year))
            for m in topic.meetings
        )

    @staticmethod
    def _asks_of_nothing(reading: Reading) -> bool:
        """Whether a question names nothing to ask of, neither itself nor by the conversation:
        "係咩？", "幾時？", "是什么" alone ask what, or when, of no one thing."""
        return (
            not reading.subjects
            and reading.number is None
            and reading.year is None
            and not reading.off_topic
            and not reading.rest
        )

    def _follow(self, reading: Reading, previous: Turn | None) -> Reading:
        """A question that leaves out its subject, or names only a new one, leans on the turn
        before: "who chairs it?" keeps the subject, "and Shanghai?" keeps the aspect."""
        if previous is None or previous.subject is None:
            return reading
        sibling = self._numbered_sibling(reading, previous.subject)
        if sibling is not None:  # "and the 15th?" after the 14th plan
            reading = replace(reading, subjects=(sibling,), number=None, word_number=None)
        content = [t for t in reading.rest if t not in _GENERIC]
        asks = bool(reading.aspects or reading.number or reading.year)
        listed = self.kb.entries.get(previous.entry or "")
        if (
            not reading.subjects
            and listed is not None
            and listed.topic in self._of_platforms
            and set(reading.aspects) & {"latest", "first"}
            and not _MEETING_WORDS.search(reading.text)
        ):  # "最早的是哪个？" after the newest platform: of the platforms, not of that one
            return replace(reading, subjects=(listed.topic,))
        if (
            _OF_ALL_OF_THEM.search(reading.text)
            and self.kb.topics[previous.subject].kind == "platform"
            and reading.subjects in ((), (previous.subject,))
        ):  # "which is the newest of all of them?" after platforms one by one: of the platforms
            across = [
                t
                for t in self._of_platforms
                for a in set(reading.aspects) & {"latest", "first"}
                if (t, a) in self._by_aspect
            ]
            if across:
                return replace(reading, subjects=(across[0],))
        if not reading.subjects:
            if (
                reading.number is None
                and reading.word_number is not None
                and (_about_meetings(previous) or self._began_with_meeting(previous))
            ):
                reading = replace(reading, number=reading.word_number)
                asks = True
            said = self._said_terms.get(previous.subject, frozenset())
            text = self._said.get(previous.subject, "")
            about_it = all(
                t in said or (not t.isascii() and _specific(t) in text) or not self.matcher.knows(t)
                for t in content
            )
            if previous.compared is not None and asks and about_it:  # "when were they set up?"
                return replace(reading, subjects=(previous.subject, previous.compared))
            if (
                reading.follow_up
                or reading.that_occasion
                or (reading.refers_back and _about_meetings(previous))  # "signed there?"
                or reading.pronoun
                or (reading.number is not None and self.kb.topics[previous.subject].meetings)
                or (asks and about_it)
                or (not content and not _ONLY_PARTICLES.fullmatch(reading.text))
                or self._answers_it(reading, previous.subject)
            ):
                return replace(reading, subjects=(previous.subject,))
            return reading
        if reading.number is None and reading.word_number is not None and _about_meetings(previous):
            reading = replace(reading, number=reading.word_number)
            asks = True
        if reading.refers_back and self._asks_of(reading, previous.subject):
            return replace(reading, subjects=(previous.subject,))
        if (
            reading.which_one
            and previous.subject not in reading.subjects
            and self.kb.topics[previous.subject].kind != "platform"
        ):  # "which one covers Zhejiang?" after the offices: which office
            reading = replace(reading, subjects=(previous.subject, *reading.subjects))
        if (
            set(reading.subjects) <= set(reading.aspect_named)
            and "office" not in reading.aspects  # an office is a subject of its own
            and (
                self._asks_of(reading, previous.subject)
                or (reading.number is not None and self.kb.topics[previous.subject].meetings)
                or (
                    previous.aspect in ("nth", "dated", "latest")
                    and set(reading.aspects) & _DETAILS
                )
            )
        ):  # "第五次會議涉及多少個合作領域？", "how many areas of co-operation did it cover?"
            return replace(reading, subjects=(previous.subject,))
        # "咁香港有幾多人係福建籍？" after Fujian's 4th meeting asks a new thing of Fujian
        again = set(reading.subjects) == {previous.subject} and any(
            len(t) > _SHORT_WORD or not t.isascii() for t in content
        )
        if not asks and ((reading.follow_up and not again) or not content) and previous.aspect:
            meeting = previous.aspect in ("nth", "dated")
            number = previous.number if meeting else None
            year = previous.year if meeting else None  # a meeting known by its year
            aspect = "nth" if number is not None else previous.aspect
            aspects = () if aspect in ("nth", "dated") else (aspect,)
            return replace(
                reading,
                aspect=aspects[0] if aspects else None,
                aspects=aspects,
                number=number,
                year=reading.year or year,
            )
        return reading

    def _no_platform_there(self, reading: Reading, previous: Turn | None) -> bool:
        """Whether a follow-up names only a place no platform is with, after something asked of
        a platform ("那山东呢" after who chairs the Beijing conference): only an office covers
        it, so what was asked has no answer there, and the office is not what was asked."""
        if previous is None or previous.subject is None or previous.aspect is None:
            return False
        if self.kb.topics[previous.subject].kind != "platform" or reading.subjects == ():
            return False
        if reading.aspects or reading.number is not None or reading.year is not None:
            return False
        if previous.aspect in _ASKED_OF_AN_OFFICE | {"where"}:
            return False
        names = [n for n in self.matcher.names(reading.text) if n.topic in reading.subjects]
        return bool(names) and all(n.place for n in names)

    def _began_with_meeting(self, previous: Turn) -> bool:
        """Whether the answer before told how a platform began, which was its first meeting:
        "when was the second one?" then asks of its second."""
        subject = previous.subject
        return (
            previous.aspect in ("setup", "first")
            and subject is not None
            and bool(self.kb.topics[subject].meetings)
        )

    def _numbered_sibling(self, reading: Reading, subject: str) -> str | None:
        """The subject numbered as the question's bare ordinal, where the conversation is about a
        subject known by its number ("and the 15th?" after the 14th Five-Year Plan): its
        numbered meetings aside, a platform has none."""
        if reading.subjects or subject not in self._numbered.values():
            return None
        match = _BARE_ORDINAL.search(reading.text)
        return self._numbered.get(int(match.group(1))) if match else None

    def _points_at_answer(self, reading: Reading, previous: Turn | None) -> bool:
        """Whether a question names only general subjects, by a word pointing back at the answer
        just given ("who is in charge of that office?" after the Bay Area's own office): the
        thing that answer was about, not every office."""
        if previous is None or previous.entry not in self.kb.entries or not reading.subjects:
            return False
        answered = self.kb.entries[previous.entry]  # type: ignore[index]
        topic = answered.topic
        if (
            answered.aspect == "office"
            and previous.subject == topic
            and reading.refers_back
            and set(reading.subjects) <= set(reading.aspect_named)
        ):
            return True  # "when did that office open?" after the office serving Hubei
        if self.kb.topics[topic].kind != "policy":
            return False  # a platform's office is one of the offices: "this office" is that one
        if topic in reading.subjects or any(
            self.kb.topics[s].kind != "policy" for s in reading.subjects
        ):
            return False
        return any(
            self._says_word(previous.entry, word)  # type: ignore[arg-type]
            for match in _POINTED_WORD.finditer(reading.text)
            for word in match.groups()
            if word
        )

    def _asks_of(self, reading: Reading, subject: str) -> bool:
        """Whether a question that names only general subjects ("which office covers that city?")
        asks something the place just spoken of has an answer for."""
        return all(self.kb.topics[s].kind == "policy" for s in reading.subjects) and any(
            (subject, aspect) in self._by_aspect for aspect in reading.aspects
        )

    def _answers_it(self, reading: Reading, subject: str) -> bool:
        """Whether the subject of the conversation has an answer to a question that names none
        ("原來叫咩？" after the Beijing conference), as well as any other subject has."""
        ranked = self.matcher.rank(reading.core, canonical=True)
        own = self.matcher.rank(reading.core, topics={subject}, canonical=True)
        if not own or not ranked:
            return False
        best = next((c for c in own if c.entry.topic == subject), None)
        return (
            best is not None
            and best.score >= self.matcher.t.answer
            and best.score >= (ranked[0].score - _CLEAR_LEAD)
        )

    # --- which entry a reading points to -------------------------------------------------------

    def _target(self, reading: Reading, previous: Turn | None) -> tuple[Entry | None, bool]:
        """The entry that answers the reading's aspect of its subject, if the reading says enough,
        and whether the reading is firm about it (a meeting named by number, "latest", "next",
        "how many", or a specific aspect) rather than loose ("what is", a bare name)."""
        if reading.subject is None:
            return None, False
        other = self._the_other_one(reading, previous)
        if other is not None:
            return other, False
        if len(set(reading.subjects)) > 1:
            return self._claimed_entry(reading) or self._one_of_the_places(reading), False
        subject = reading.subject
        entries = self.kb.entries
        earlier = self._earlier(reading, previous)
        if earlier is not None:
            return earlier, True
        if self._same_meeting(reading, previous):
            return entries[previous.entry], True  # type: ignore[index, union-attr]
        founding = self._founding(reading, previous)
        if founding is not None:
            return founding, True
        renamed = self._by_aspect.get((subject, "renamed"))
        if renamed is not None and reading.aspect == "renamed":  # "after which meeting renamed?"
            return renamed, True
        if f"{subject}-latest" in entries:
            meeting, firm = self._meeting_entry(subject, reading)
            if meeting is not None or firm:
                return meeting, firm
        claimed = self._claimed_entry(reading)
        if claimed is not None:
            return claimed, False
        for aspect in reading.aspects:
            found = self._by_aspect.get((subject, _TOLD_UNDER.get(aspect, aspect)))
            if found is None and aspect in _OF_SIGNING and "agreed" in reading.aspects:
                found = self._by_aspect.get((subject, "setup"))  # where or by whom it was signed
            if found is not None:
                return found, aspect not in _LOOSE
        if not reading.aspects and not [t for t in reading.rest if t not in _GENERIC]:
            return entries[self.kb.topics[subject].overview], False  # a bare name: its overview
        return None, False

    def _one_of_the_places(self, reading: Reading) -> Entry | None:
        """Of a topic covering places (the offices), the one answer about the platform named
        with it and nothing else: "北京那个是什么时候设立的？" after the offices is the Beijing
        office's."""
        subjects = set(reading.subjects)
        covering = [s for s in subjects if self.kb.topics[s].places]
        if not reading.which_one or len(covering) != 1 or len(subjects) != 2:
            return None
        if set(reading.aspects) & _ASKED_OF_AN_OFFICE:
            return None  # "which one covers Hubei?": the office the place's own answer names
        own = [e for e in self.kb.entries.values() if e.topic == covering[0]]
        found = [e for e in own if self._names[e.id] == subjects]
        if len(found) != 1:  # the Shanghai office's answer names Zhejiang too: its keywords
            (place,) = subjects - set(covering)
            names = self._aliases[place]
            found = [e for e in own if names & set(self._keywords[e.id])]
        return found[0] if len(found) == 1 else None

    def _which_platform(self, question: str, ranked: list[Candidate]) -> bool:
        """Whether a question naming no subject says "our province" ("when was the first
        co-operation conference between HK and our province?"): any platform's answer could be
        the one meant."""
        if not ranked or self.kb.topics[ranked[0].entry.topic].kind != "platform":
            return False
        return bool(_UNNAMED_PROVINCE.search(self.matcher.canonical(question)))

    def _platforms_to_pick(self, outcome: Outcome, ranked: list[Candidate]) -> Outcome:
        """A clarify offering, platform by platform, the answers of the same aspect as the best."""
        aspect = ranked[0].entry.aspect
        offered: dict[str, Candidate] = {}
        for candidate in ranked:
            entry = candidate.entry
            if entry.aspect == aspect and self.kb.topics[entry.topic].kind == "platform":
                offered.setdefault(entry.topic, candidate)
        options = tuple(offered.values())[: self.matcher.t.clarify_options]
        return replace(outcome, kind="clarify", candidates=options)

    def _narrowest(self, candidates: tuple[Candidate, ...], subjects: set[str]) -> Candidate | None:
        """Of close candidates, the one about every subject named and about the fewest others:
        "驻上海经济贸易办事处" is the Shanghai office's answer, not the one about every office."""
        about = sorted(
            (c for c in candidates if subjects <= self._names[c.entry.id]),
            key=lambda c: len(self._names[c.entry.id]),
        )
        if not about:
            return None
        widths = [len(self._names[c.entry.id]) for c in about]
        return about[0] if len(about) == 1 or widths[0] < widths[1] else None

    def _about_all(self, outcome: Outcome, subjects: set[str]) -> Outcome:
        """Of answers nearly as good, one about every subject named: "the HK government's
        Guangdong office" is the Guangdong office's answer, not the Beijing office's that the
        matcher ranks a hair ahead, nor the Taiwan office's whose phrasing differs from the
        question by the place alone."""
        best = outcome.candidates[0]
        if subjects <= self._names[best.entry.id]:
            if best.entry.id != self.kb.topics[best.entry.topic].overview:
                return outcome
            # an overview about everything: a close answer about the things named, and fewer
            narrow = self._narrowest(
                tuple(c for c in outcome.candidates if c.score >= best.score - _NEIGHBOUR_LEAD),
                subjects,
            )
            if narrow is None or narrow is best:
                return outcome
            others = tuple(c for c in outcome.candidates if c is not narrow)
            return replace(outcome, candidates=(narrow, *others))
        for candidate in outcome.candidates[1:]:
            if candidate.score < best.score - _OWN_LEAD:
                break
            overview = candidate.entry.id == self.kb.topics[candidate.entry.topic].overview
            if overview and candidate.score < best.score - _NEIGHBOUR_LEAD:
                continue  # an answer about everything is no better for being about these too
            if subjects <= self._names[candidate.entry.id]:
                others = tuple(c for c in outcome.candidates if c is not candidate)
                return replace(outcome, candidates=(candidate, *others))
        return outcome

    def _unpaired(self, outcome: Outcome, subjects: set[str], text: str) -> Outcome:
        """Of answers about as good, one that is not about the subject together with another
        the question does not name: "CEPA是哪年签署的" is the Mainland and Hong Kong's CEPA, not
        the one Hong Kong signed with Macao ("港澳CEPA")."""

        def named(topic: str) -> bool:
            return topic in subjects or any(a in text for a in self._aliases[topic])

        def paired_elsewhere(entry: Entry) -> bool:
            pairs = self._paired.get(entry.id, [])
            return (
                bool(pairs)
                and not any(named(t) for _, others in pairs for t in others)
                and not any(k in text for k in self._keywords[entry.id])
            )

        best = outcome.candidates[0]
        if not paired_elsewhere(best.entry):
            return outcome
        for candidate in outcome.candidates[1:]:
            if candidate.score < best.score - _NEIGHBOUR_LEAD:
                break
            if candidate.entry.topic == best.entry.topic and not paired_elsewhere(candidate.entry):
                others = tuple(c for c in outcome.candidates if c is not candidate)
                return replace(outcome, candidates=(candidate, *others))
        return outcome

    def _own_close(self, outcome: Outcome, subjects: set[str]) -> Outcome | None:
        """Where the matcher's first choice is about another subject than the one named, an
        answer about the named one close behind it and good enough on its own: "十五五建議支持香港
        鞏固哪些中心" matches the 14th plan's centres best, and the 15th plan's recommendations
        nearly as well."""
        best = outcome.candidates[0].score
        for candidate in outcome.candidates[1:]:
            if candidate.score < max(self.matcher.t.answer, best - _OWN_LEAD):
                return None
            if self._about(candidate.entry, subjects):
                others = tuple(c for c in outcome.candidates if c is not candidate)
                return replace(outcome, kind="answer", candidates=(candidate, *others))
        return None

    def _asks_of_another(
        self, outcome: Outcome, subjects: set[str], content: tuple[str, ...]
    ) -> bool:
        """Whether a question naming one thing asks of another the matcher finds far better:
        "which bureau handles regional co-operation with the Mainland?" names the co-operation,
        but every other word it says is the bureau's."""
        best = outcome.candidates[0]
        ours = next((c.score for c in outcome.candidates if self._about(c.entry, subjects)), 0.0)
        return (
            outcome.kind == "answer"
            and best.score - ours >= _CLEAR_LEAD
            and bool(content)
            and self.matcher.shares(best.entry.id, content) == set(content)
        )

    def _aspect_of_best(self, reading: Reading, ranked: list[Candidate]) -> Entry | None:
        """A question naming no subject in words the aliases know ("香港自己個五年規劃係邊個牽頭")
        but asking a specific aspect: that aspect's entry of the subject the matcher ranks
        first, where the matcher also finds it among its first few."""
        if not ranked or reading.aspect is None or reading.aspect in _LOOSE:
            return None
        topic = ranked[0].entry.topic
        rival = next((c.score for c in ranked if c.entry.topic != topic), 0.0)
        if ranked[0].score - rival < _TOPIC_LEAD:
            # Two subjects fit about as well: the one answer among them that tells the aspect
            # asked ("which provinces have conferences with HK?" is the list), if only one does.
            close = [
                c.entry
                for c in ranked
                if c.score > ranked[0].score - _TOPIC_LEAD
                and c.entry.aspect == reading.aspect
                and self.matcher.good_enough(c)
            ]
            return close[0] if len(close) == 1 else None
        found = self._by_aspect.get((topic, reading.aspect))
        near = {c.entry.id for c in ranked[:5]}
        return found if found is not None and found.id in near else None

    def _told_that_year(self, reading: Reading) -> Entry | None:
        """Where the matcher cannot choose, the answer about the one subject named (not a
        platform with meeting records) that tells of the year asked: "who put pen to paper on
        CEPA in 2003?" is its signing."""
        if reading.year is None or len(set(reading.subjects)) != 1:
            return None
        subject = reading.subjects[0]
        told = self._years.get((subject, reading.year))
        if not told or f"{subject}-latest" in self.kb.entries:
            return None
        return self._first_ranked(told, reading)

    def _quoting(self, reading: Reading, subjects: set[str]) -> Entry | None:
        """The one answer from which the question quotes a run of six characters or more, where
        the matcher found no phrasing close enough."""
        hits: collections.Counter[str] = collections.Counter()
        for run in _CJK_RUN.findall(reading.core):
            grams = {run[i : i + _QUOTE] for i in range(len(run) - _QUOTE + 1)}
            for gram in grams:
                hits.update(self._quoted.get(gram, ()))
        if not hits:
            return None
        (best, count), *rest = [*hits.most_common(2), ("", 0)]
        if count < _QUOTED_GRAMS or rest[0][1] == count:
            return None
        entry = self.kb.entries[best]
        return entry if not subjects or self._about(entry, subjects) else None

    def _compared(self, reading: Reading) -> tuple[Entry, Entry] | None:
        """Two platforms and one thing asked of both ("which came first, Sichuan's or Hubei's?",
        "who chairs the Beijing and the Shanghai conferences?"): each one's answer to it."""
        subjects = tuple(dict.fromkeys(reading.subjects))
        if len(subjects) != 2 or not reading.aspects or reading.year is not None:
            return None
        if any(self.kb.topics[s].kind != "platform" for s in subjects):
            return None
        if self._where_of(reading, subjects[1]):
            return None
        if set(reading.aspects) <= {"first", "setup", "what"} and reading.aspect != "what":
            reading = replace(reading, aspect="setup", aspects=("setup",), number=None)
        if reading.number is not None:
            return None
        first, second = (self._target(replace(reading, subjects=(s,)), None)[0] for s in subjects)
        if first is None or second is None or first.aspect != second.aspect:
            return None
        return first, second

    def _where_of(self, reading: Reading, subject: str) -> bool:
        """Whether the second subject is named as where something took place ("粵港合作框架協議係咪
        喺北京簽㗎", "signed in Shanghai"): a place, not a second platform to compare."""
        for name in self.matcher.names(reading.text):
            if name.topic == subject:
                before = reading.text[: name.start].rstrip()
                return before.endswith(_PLACE_WORDS)
        return False

    def _the_other_one(self, reading: Reading, previous: Turn | None) -> Entry | None:
        """ "And the Guangdong one?" after the Beijing office's answer: the same kind of thing (the
        subject spoken of, not a platform) for the place now named. Not after the list itself:
        there "which one" is one of the things it lists."""
        before = self.kb.entries.get(previous.entry or "") if previous else None
        bare = reading.follow_up and not reading.aspects and set(reading.rest) <= _GENERIC
        if not (reading.which_one or bare) or before is None:  # "the Hubei one", "and Hubei?"
            return None
        kind = self.kb.topics[before.topic]
        places = [s for s in reading.subjects if s != kind.id]
        if kind.kind == "platform" or before.id == kind.overview or len(places) != 1:
            return None
        claimed = {
            e.id: e
            for keyword, e in self._claimed.get(kind.id, ())
            if places[0] in self.matcher.mentioned_topics(keyword)
        }
        if len(claimed) == 1:  # "the Guangdong ETO"
            return next(iter(claimed.values()))
        ranked = self.matcher.rank(
            reading.core, len(self.kb.entries), topics={kind.id}, canonical=True
        )
        return next(
            (
                c.entry
                for c in ranked
                if c.entry.topic == kind.id
                and c.entry.id != kind.overview
                and places[0] in self._names[c.entry.id]
            ),
            None,
        )

    def _untold(self, reading: Reading, entry: Entry) -> bool:
        """Whether the question asks what the entry's answer does not give: an aspect it says our
        sources do not give (a bare "who" with no word of leading, "邊個辦事處負責雲南？", asks
        which office as much as who heads it; a place named as the venue, "會唔會喺北京開？", asks
        where); a meeting by a number the answer, no meeting's record, never tells of ("the 6th
        meeting of the task force"); every one of what it names only some of ("list all 11");
        the present, of an answer that tells only of its own date."""
        if (
            reading.number is not None
            and reading.number > 1
            and not entry.meetings
            and _NUMBERED_MEETING.search(reading.text)
            and entry not in self._ordinals.get((entry.topic, reading.number), ())
        ):
            return True
        if entry.id in self._partial and _EVERY_ONE.search(reading.text):
            return True
        if self._counted_not_named(reading, entry):
            return True
        if (
            entry.meetings
            and _WHO_SIGNED.search(reading.text)
            and "signed by" not in entry.answer["en"]
        ):  # "who signed the tourism agreement at the Feb 2023 meeting?": a record names its chairs
            return True
        if CURRENT in entry.not_told and (reading.now or self._after_its_date(reading, entry)):
            return True
        untold = set(reading.aspects) & set(entry.not_told)
        if "where" in entry.not_told and any(self._held_in(p, reading.text) for p in self._places):
            untold.add("where")
        return bool(untold - (set() if reading.leading else {"leaders"}))

    @staticmethod
    def _counted_not_named(reading: Reading, entry: Entry) -> bool:
        """Whether the question asks which the things counted are and the answer gives only
        their number: "what were the four documents?" of "…and four documents were signed", not
        of "4 agreements: Lok Ma Chau Loop…; University of Hong Kong in Shenzhen; …" nor of "The
        signatories were A, B, C and D. … the four parties agreed…"."""
        asked = _WHICH_COUNTED.search(reading.text)
        count = _count_value(next(g for g in asked.groups() if g)) if asked else None
        if count is None or count < 2:
            return False
        answer = entry.answer["en"].lower()
        spellings = [str(count)] + ([_ENGLISH_COUNTS[count - 2]] if count <= 12 else [])
        found = [m for word in spellings for m in re.finditer(_COUNTED_IN.format(word), answer)]

        def named(at: int) -> bool:
            before = _SENTENCE_BEFORE.search(answer, 0, at)
            return any(
                len(_SEPARATORS.findall(text)) >= count - 1
                for text in (answer[at:], before.group(1) if before else "")
            )

        return bool(found) and not any(named(m.end()) for m in found)

    def _after_its_date(self, reading: Reading, entry: Entry) -> bool:
        """Whether the year asked of comes after every year the answer speaks of ("the GBA's
        population as of 2025" of a figure of 2017): the present, by another name."""
        years = self.understanding.years(self._says[entry.id])
        return reading.year is not None and bool(years) and reading.year > max(years)

    def _claimed_entry(self, reading: Reading) -> Entry | None:
        """The one entry whose keyword is an alias the question uses ("成都辦", "liaison unit"), or
        names its subject with another the question names too ("HK and Macao have their own
        CEPA?"), where what is asked is what it is, when it began or which office, or what that
        answer says our sources do not give ("GDETO主任係邊個？")."""
        subjects = set(reading.subjects)
        claimed = {
            e.id: e
            for s in dict.fromkeys(reading.subjects)
            for a, e in self._claimed.get(s, ())
            if (a in reading.text and not self._borrowed(a, s, reading))
            or (len(subjects) > 1 and self._paired_with(e, subjects))
        }
        if len(claimed) != 1:
            return None
        entry = next(iter(claimed.values()))
        untold = set(entry.not_told) - (set() if reading.leading else {"leaders"})
        asked = set(reading.aspects)
        if "setup" in asked and entry.aspect not in (None, "what", "office", "setup", *asked):
            return None  # "泛珠嗰個9+2論壇係幾時開始": when the forum began, not its members
        return entry if asked <= _LOOSE | {"setup", "office", "agreed", *untold} else None

    def _borrowed(self, alias: str, subject: str, reading: Reading) -> bool:
        """Whether an alias, the only name of its subject in the question, is used of another
        subject named beside it, whose answers have it as a keyword: "大灣區嘅9+2" is the Bay
        Area's nine cities and two regions, not the Pan-PRD's members."""
        topic = self.kb.topics[subject]
        others = set(reading.subjects) - {subject}
        if topic.places or not self._keyword_of[alias] & others:
            return False
        return not any(a != alias and a in reading.text for a in self._aliases[subject])

    def _paired_with(self, entry: Entry, subjects: set[str]) -> bool:
        """Whether a policy's answer names it with a platform the question names too ("HK and
        Macao have their own CEPA?" is the CEPA with Macao)."""
        topics = self.kb.topics
        if topics[entry.topic].kind == "platform" or topics[entry.topic].places:
            return False
        return any(
            others <= subjects and all(topics[o].kind == "platform" for o in others)
            for _, others in self._paired.get(entry.id, ())
        )

    def _earlier(self, reading: Reading, previous: Turn | None) -> Entry | None:
        """ "And the one before that?" after an answer about a numbered meeting: the meeting
        numbered one less ("上一次呢" too, where the answer before was already the latest); "and
        the one after that?": one more."""
        asked = set(reading.aspects)
        told = previous.entry if previous else None
        if {"earlier", "latest"} <= asked:  # "the one before the latest"
            topic = reading.subjects[0] if reading.subjects else previous and previous.subject
            told = self._latest_record(topic)
        if told not in self.kb.entries:
            return None
        entry = self.kb.entries[told]  # type: ignore[index]
        meeting = (
            entry.meetings[0] if entry.meetings and entry.aspect in ("nth", "latest") else None
        )
        if meeting is None or reading.subjects != (entry.topic,):
            return None
        later = "later" in asked and "earlier" not in asked
        again = asked == {"latest"} and entry.aspect == "latest"
        if again and _MOST_RECENT.search(reading.text):
            return None  # "and the last CE meeting?" asks the latest again, not the one before
        if not (later or "earlier" in asked or again):
            return None
        step = 1 if later else -1
        if meeting.number is not None:
            return self.kb.entries.get(f"{entry.topic}-{meeting.kind}-{meeting.number + step}")
        if meeting.date is None:
            return None
        around = sorted(
            (
                m
                for m in self.kb.topics[entry.topic].meetings
                if m.kind == meeting.kind
                and m.date is not None
                and (m.date > meeting.date if later else m.date < meeting.date)
            ),
            key=lambda m: m.date,  # type: ignore[arg-type, return-value]
        )
        if not around:
            return None
        return self._record_of(entry.topic, around[0] if later else around[-1])

    def _latest_record(self, topic: str | None) -> str | None:
        """The answer about a subject's latest meeting, if it has one."""
        return next(
            (
                e.id
                for e in self.kb.entries.values()
                if e.topic == topic and e.aspect == "latest" and e.meetings
            ),
            None,
        )

    def _same_meeting(self, reading: Reading, previous: Turn | None) -> bool:
        """A question about a detail of the meeting the previous answer was about."""
        if previous is None or previous.entry not in self.kb.entries:
            return False
        entry = self.kb.entries[previous.entry]  # type: ignore[index]
        return (
            bool(entry.meetings)
            and entry.aspect in ("nth", "dated", "latest")
            and reading.subjects == (entry.topic,)
            and reading.number is None
            and reading.year is None
            and (
                (bool(reading.aspects) and set(reading.aspects) <= _DETAILS | {"what", "list"})
                or (reading.that_occasion and set(reading.aspects) == {"count"})  # "第幾次？"
                or (  # "嗰次係幾時開？": when that meeting was, which its answer says
                    reading.that_occasion
                    and not reading.aspects
                    and not [t for t in reading.rest if t not in _GENERIC]
                )
            )
        )

    def _founding(self, reading: Reading, previous: Turn | None) -> Entry | None:
        """A detail of the founding meeting the previous answer told of ("what was signed at the
        end of it?" after when the forum began): that answer again, which tells where and by whom;
        what was signed, from the first meeting's record where it tells ("当时签了哪些文件"); who
        led it, asked of that occasion ("嗰次林鄭同邊個一齊主持？"), from that record too."""
        if previous is None or previous.entry not in self.kb.entries:
            return None
        entry = self.kb.entries[previous.entry]  # type: ignore[index]
        if entry.aspect != "setup" or entry.meetings or reading.subjects != (entry.topic,):
            return None
        if reading.number is not None or reading.year is not None:
            return None
        if self._names_another(entry, reading.text):
            return None  # "港澳CEPA係幾時簽？" after CEPA's signing: the one with Macao
        asked = set(reading.aspects) - {"what"}
        main = series(self.kb.topics[entry.topic])
        first = self.kb.entries.get(f"{entry.topic}-{main[0].kind if main else 'plenary'}-1")
        if asked == {"agreed"} and first is not None and first.meetings[0].agreed:
            return first  # what was signed there, which the first meeting's record tells
        if asked and (asked <= {"agreed", "where"} or asked == {"agreed", "leaders"}):
            return entry  # what was signed, where, and by whom ("who signed the memorandum?")
        if asked == {"leaders"} and reading.that_occasion:
            return first
        return None

    def _names_another(self, entry: Entry, text: str) -> bool:
        """Whether the question uses a keyword of another answer about the same subject."""
        return any(
            other.id != entry.id and any(k in text for k in self._keywords[other.id])
            for other in self.kb.entries.values()
            if other.topic == entry.topic
        )

    @staticmethod
    def _pointed(text: str, said: list[str]) -> bool:
        """Whether the question points at a word of the answer just given: "that task force",
        "嗰個專班"; not "那新興中心呢？", which asks "and the emerging centres?"."""
        what_about = text.startswith("那") and text.rstrip().endswith("呢")
        return any(
            (
                found := re.search(
                    rf"(\b(?:that|this|the same) |那个|这个|𠮶个|呢个|那|𠮶){re.escape(t)}", text
                )
            )
            and not (what_about and found.start() == 0 and found.group(1) == "那")
            for t in said
        )

    def _same_thing(self, reading: Reading, previous: Turn | None) -> Entry | None:
        """A follow-up naming nothing but a detail ("where was it signed?", "邊個見證㗎？") of the one
        thing the previous answer was about (an agreement, a plan, an office): that answer again,
        which states it, unless the subject has an answer of its own to that detail and the
        question is not about a signing. Not a bare who: "who heads it now?" after the offices'
        oversight asks about the bureau, not the offices."""
        if previous is None or previous.entry not in self.kb.entries:
            return None
        entry = self.kb.entries[previous.entry]  # type: ignore[index]
        said = [t for t in reading.rest if self._says_word(entry.id, t)]
        content = [t for t in reading.rest if t not in _GENERIC]
        if (
            reading.subjects in ((), (entry.topic,))
            and not content
            and set(reading.aspects) <= {"list"}
            and _HOW_MANY_IN_ALL.search(reading.text)
            and _A_NUMBER.search(entry.answer["en"])
        ):
            return entry  # "一共多少个？" after the areas: how many of what it just listed
        if (
            reading.pronoun
            and content
            and set(content) <= set(said)
            and set(reading.aspects) <= {"what"}
            and reading.subjects == (entry.topic,)
        ):
            return entry  # "what was its theme?": a word of the answer just given, and only it
        if (
            entry.aspect not in _THINGS
            or entry.meetings
            or reading.subjects not in ((entry.topic,), (previous.subject,))
        ):
            return None  # the thing is spoken of as its platform's, or as one of the offices
        # "that plan" is the plan itself, not the centres just answered about
        said = [t for t in said if t not in self._name_words[entry.topic]]
        if said and not set(content) - set(said) and self._pointed(reading.text, said):
            return entry  # "latest meeting of that task force?": the thing just answered about
        if [t for t in content if t not in said] or reading.year:
            return None
        if reading.follow_up and content:
            return None  # "內地事務聯絡辦公室呢？": another thing the answer spoke of, now asked
        asked = set(reading.aspects)
        if (
            entry.aspect == "office"
            and asked <= {"setup", "where"}
            and (asked or _ASKS_WHEN.search(reading.text))
        ):  # "幾時成立㗎", "嗰個辦幾時開㗎" after the office for a place: when that office opened
            return entry
        if asked == {"first", "leaders"}:  # "who co-chaired its first meeting?"
            return entry
        if reading.pronoun and asked == {"setup", "leaders"}:  # "who issued it?": its issuer
            return entry
        if reading.pronoun and "first" in asked and asked <= {"first", "setup"}:
            return entry  # "when was its first meeting?": the thing's, not the platform's
        if (
            asked & {"first", "latest"}
            and asked <= {"first", "setup", "latest", "count"}
            and reading.number in (None, 1)
            and len(self.understanding.ordinals(self._says[entry.id])) > 1
        ):  # after a task force that meets: "第一次会议啥时候开的", "最近一次是第几次了？"
            return entry
        if reading.number:
            return None
        if asked == {"leaders"}:  # "是谁主持的" after a task force's first meeting: its chairs;
            # but "who heads it now?" after the offices' oversight asks of the bureau's head
            return None if reading.who_only or entry.id not in self._tells_leaders else entry
        if not asked or not asked <= _DETAILS:
            return None
        if asked == {"areas"}:
            return self._told_by_related(entry, reading)
        if reading.refers_back or (reading.pronoun and entry.aspect == "office"):
            return entry  # "when did that one open?", "它是哪一年开的" after the office for Hubei
        if (entry.topic, reading.aspect) in self._by_aspect and "agreed" not in asked:
            return None
        return entry

    def _told_by_related(self, entry: Entry, reading: Reading) -> Entry:
        """What the thing just answered about covers: that answer, or the answer it points on to
        that the question's words match clearly better ("which sectors does it cover?" after the
        latest CEPA amendment is the answer about what that amendment opens)."""
        scores = {
            c.entry.id: c.score
            for c in self.matcher.rank(reading.core, topics={entry.topic}, canonical=True)
        }
        own = scores.get(entry.id, 0.0)
        related = [r for r in entry.related if r in scores and r in self.kb.entries]
        best = max(related, key=lambda r: scores[r], default=None)
        if best is not None and scores[best] >= max(own + _CLEAR_LEAD, self.matcher.t.answer):
            return self.kb.entries[best]
        return entry

    def _of_the_place(self, outcome: Outcome, reading: Reading) -> Outcome:
        """Where the question names a place its subject covers and the matcher's first choice is
        the subject's overview, an answer close behind that is asked about by that place:
        "which of our mainland offices covers yunnan?" is the Chengdu office's answer."""
        best = outcome.candidates[0]
        places = self._places_named(reading)
        if not places or best.entry.id != self.kb.topics[best.entry.topic].overview:
            return outcome
        for candidate in outcome.candidates[1:]:
            if candidate.score < best.score - _OWN_LEAD:
                break
            asked = self._asked[candidate.entry.id]
            if candidate.entry.topic == best.entry.topic and any(p in asked for p in places):
                others = tuple(c for c in outcome.candidates if c is not candidate)
                return replace(outcome, candidates=(candidate, *others))
        return outcome

    def _places_named(self, reading: Reading) -> list[str]:
        """The places the question's subjects cover that it names: "邊個辦事處管雲南？" after the
        list of offices asks of the office for Yunnan, not for the list again."""
        return [p for s in reading.subjects for p in self._covered[s] if p in reading.text]

    def _the_one_named(
        self, reading: Reading, ranked: list[Candidate], previous: Turn | None
    ) -> Entry | None:
        """ "成都嗰個管邊幾個地方？" after the offices: of the conversation's subject, the one answer
        asked about by most of the words the question names it by, "the Chengdu one"."""
        if not reading.which_one or previous is None or not previous.subject:
            return None
        if reading.subjects not in ((), (previous.subject,)):
            return None
        words = [t for t in reading.rest if not t.isascii() and len(t) >= 2 and t not in _GENERIC]
        own = [c for c in ranked if c.entry.topic == previous.subject]
        if not words or not own:
            return None
        asked = {
            c.entry.id: self._asked[c.entry.id] for c in own if c.score >= own[0].score - _OWN_LEAD
        }
        found = {i: sum(w in text for w in words) for i, text in asked.items()}
        most = max(found.values())
        named = [i for i, count in found.items() if count == most]
        return self.kb.entries[named[0]] if most and len(named) == 1 else None

    def _neighbour(
        self, reading: Reading, ranked: list[Candidate], previous: Turn | None
    ) -> Entry | None:
        """For a follow-up naming nothing ("when did that office open?" after the office that
        covers Hubei), the previous answer or one it offers as related, where the matcher finds it
        about as good as its first choice; words pointing back at it ("那個辦事處", "it") let
        it come further behind. A related answer the matcher ranks first will do where it would
        be offered as a suggestion."""
        if previous is None or previous.entry not in self.kb.entries or not ranked:
            return None
        entry = self.kb.entries[previous.entry]  # type: ignore[index]
        th = self.matcher.t
        if (
            reading.subjects
            and ranked[0].entry.id in entry.related
            and ranked[0].score >= th.decline * th.decline_suggestion_share
        ):  # "涉及哪些行業？" after the CEPA amendment: the answer it offers on, which says so
            return ranked[0].entry
        near = {*entry.related} if self._places_named(reading) else {entry.id, *entry.related}
        top = ranked[0].score
        lead = _CLEAR_LEAD if reading.refers_back or reading.pronoun else _NEIGHBOUR_LEAD
        for candidate in ranked:
            if candidate.score < max(self.matcher.t.answer, top - lead):
                break
            if candidate.entry.id in near:
                return candidate.entry
        return None

    def _pointed_at(
        self, reading: Reading, ranked: list[Candidate], previous: Turn | None
    ) -> Entry | None:
        """ "佢管邊幾個省？" after the Chengdu office's answer: a pronoun, nothing named, and no
        answer of that subject the matcher would give: "it" is the thing just answered, which says
        it; "which one is the oldest?" is one of the things it lists. Not for what came later
        ("any recent updates to it?"): that answer cannot say it."""
        pointing = reading.pronoun or reading.which_one
        if not pointing or reading.subjects != (previous.subject if previous else None,):
            return None
        if set(reading.aspects) & MEETING_ASPECTS:
            return None
        # "it" may be another thing the answer spoke of ("who heads it now?" after the bureau
        # overseeing the offices); "which one" is one of the things it listed.
        own = [c for c in ranked if previous and c.entry.topic == previous.subject]
        considered = ranked if reading.pronoun else own
        if considered and considered[0].score >= self.matcher.t.answer:
            return None
        return self.kb.entries.get(previous.entry) if previous and previous.entry else None

    def _meeting_entry(self, subject: str, reading: Reading) -> tuple[Entry | None, bool]:
        entries = self.kb.entries
        aspects = set(reading.aspects)
        first_after = self._first_after(subject, reading.after)
        if first_after is not None:
            return first_after, True
        if any(self._by_aspect.get((subject, a)) for a in aspects & _OF_THE_PLACE):
            return None, False  # what a meeting said of the place: the figure's own answer
        if reading.year is not None and len(self.understanding.ordinals(reading.text)) > 1:
            reading = replace(reading, number=None)  # "the 2019 one: the 10th or the 11th?"
        if (
            reading.number is not None
            and aspects & {"latest", "count"} == {"latest"}
            and _CHECKING.search(reading.text)
        ):  # "the last one was the 5th, right?": the latest, which says its number
            return entries[f"{subject}-latest"], True
        if reading.number is not None:
            kind = self._kind(subject, reading)
            found = entries.get(f"{subject}-{kind}-{reading.number}")
            if found is not None:
                return found, True
            told = self._ordinals.get((subject, reading.number))
            if told and reading.number != 1:
                return self._first_ranked(told, reading), True
            if (
                reading.number != 1
                and reading.number == self.understanding.meeting_number(reading.text)
                and not _CLAIMED.search(reading.text)
            ):  # a meeting our sources know nothing of, asked in so many words
                return None, True
            if reading.number != 1:  # "so that was the 7th, right?": how many there have been
                return entries[f"{subject}-meetings"], True
        if "count" in aspects and ("latest" in aspects or reading.year is not None):
            # "最近一次是第幾次？", "2019年嗰次係第幾次？": that meeting, which says its number
            aspects = aspects - {"count"}
        for aspect, ident in (("next", "next"), ("count", "meetings"), ("latest", "latest")):
            if aspect in aspects:
                return entries[f"{subject}-{ident}"], True
        founding = bool(aspects & {"setup", "first"}) and (
            bool(_FOUNDING.search(reading.text)) or self._founded_in(subject, reading.year)
        )
        if reading.year is not None and not founding:
            held = self._meeting_in(subject, reading.year)
            told = self._years.get((subject, reading.year))
            if (
                held is None
                and self._after_the_records(subject, reading.year)
                and aspects & {"where", "agreed", "leaders"}
                and _MEETING_WORDS.search(reading.text)
                and not _WHETHER_HELD.search(reading.text)
                and not (told and (_PLANNED.search(reading.text) or names_a_month(reading.text)))
            ):  # "泛珠2025年的联席会议在哪开": a meeting of a year after every record
                return None, True
            if (
                held is None
                and self._after_the_records(subject, reading.year)
                and (_WHETHER_HELD.search(reading.text) or self._to_come(reading.year))
                and _MEETING_WORDS.search(reading.text)
            ):  # "粵港聯席會議2025年有冇開過？", "明年會唔會喺香港開？": none our sources know of
                return None, True
            if (
                held is None
                and reading.that_occasion
                and not _A_MEETING_NAMED.search(reading.text)
                and self._after_the_records(subject, reading.year)
            ):  # "2025年嗰次呢？": that year's meeting, though another answer tells of 2025
                return None, True
            if held is None and not told:
                if not _MEETING_WORDS.search(reading.text):
                    return None, False  # a year of something else: "湖北2023年的出口额"
                if self._after_the_records(subject, reading.year):
                    return entries[f"{subject}-latest"], False  # the most recent our sources know
                return None, True  # a meeting of a year our sources know none in
            return (
                held
                or (self._first_ranked(told, reading) if told else None)
                or entries[f"{subject}-meetings"]
            ), False
        details = aspects & {"agreed", "areas", "where"}
        about_a_meeting = details == {"agreed"} or _MEETING_WORDS.search(reading.text)
        if (
            details
            and about_a_meeting
            and not aspects & {"setup", "first"}
            and not any(self._by_aspect.get((subject, a)) for a in details)
        ):
            return entries[f"{subject}-latest"], False
        return None, False

    def _first_ranked(self, entries: list[Entry], reading: Reading) -> Entry:
        """Of several entries that fit, the one the matcher ranks highest for the question."""
        ids = {e.id for e in entries}
        ranked = self.matcher.rank(reading.core, topics=set(reading.subjects), canonical=True)
        return next((c.entry for c in ranked if c.entry.id in ids), entries[0])

    def _founded_in(self, subject: str, year: int) -> bool:
        """Whether the subject's answer on how it began speaks of the year: "哪天召开" of the
        Joint Conference of 2021 asks that meeting's date, not when the platform began."""
        setup = self._by_aspect.get((subject, "setup"))
        return setup is None or setup in self._years.get((subject, year), [])

    def _kind(self, subject: str, reading: Reading) -> str:
        """The kind of meeting a numbered question means: one it names, else the main series."""
        for kind, names in self._kind_names.items():
            if kind not in ("plenary", "other") and any(n and n in reading.text for n in names):
                return kind
        main = series(self.kb.topics[subject])
        return main[0].kind if main else "plenary"

    def _says_word(self, entry_id: str, term: str) -> bool:
        """Whether an answer says a term: a Latin word at the start of one of its words
        ("sign" in "signed"), a Chinese run anywhere in it."""
        return (f" {term}" if term.isascii() else term) in f" {self._says[entry_id]}"

    def _first_after(self, subject: str, event: tuple[str, ...]) -> Entry | None:
        """The meeting whose record says it was the first after the event asked of ("the first
        plenary after travel resumed"): the one record saying most of the event's words, and at
        least half of them."""
        if not event:
            return None
        scores: dict[str, int] = {}
        for entry in self.kb.entries.values():
            if entry.topic == subject and entry.meetings and entry.aspect in ("nth", "dated"):
                scores[entry.id] = sum(self._says_word(entry.id, w) for w in event)
        best = max(scores.values(), default=0)
        found = [e for e, score in scores.items() if score == best]
        if best * 2 < len(event) or len(found) != 1:
            return None
        return self.kb.entries[found[0]]

    def _to_come(self, year: int) -> bool:
        """Whether a year is after the one the sources were last checked in."""
        this_year = self.understanding.this_year
        return this_year is not None and year > this_year

    def _after_the_records(self, subject: str, year: int) -> bool:
        """Whether a year comes after every meeting of the subject's records ("泛珠联席会议2025年
        在哪开？" where the last known met in 2023): its latest answer says what is known."""
        years = [m.date.year for m in self.kb.topics[subject].meetings if m.date]
        return bool(years) and year > max(years)

    def _meeting_in(self, subject: str, year: int) -> Entry | None:
        """The answer about the meeting of `subject` held in `year`, the main series' first."""
        topic = self.kb.topics[subject]
        main = {id(m) for m in series(topic)}
        held = sorted(
            (m for m in topic.meetings if m.date and m.date.year == year),
            key=lambda m: (id(m) not in main, m.date),
        )
        for meeting in held:
            found = self._record_of(subject, meeting)
            if found is not None:
                return found
        return None

    def _record_of(self, subject: str, meeting: Meeting) -> Entry | None:
        """The answer made from one meeting's record."""
        for entry in self.kb.topic_entries(subject):
            if entry.aspect in ("nth", "dated") and entry.meetings == (meeting,):
                return entry
        return None

    def _more_specific(
        self,
        target: Entry,
        ranked: list[Candidate],
        content: tuple[str, ...],
        subjects: set[str],
        firm: bool,
    ) -> Entry | None:
        """An entry the matcher ranks above the aspect's entry that also covers more of the
        specific words of the question ("when was the framework agreement signed": the Framework
        Agreement's entry, not the latest meeting's). Only words few entries use count, and
        where the reading is firm the other entry must also be good enough to answer alone."""
        specific = tuple(dict.fromkeys(p for t in content for p in self.matcher.specific(t)))
        if not specific:
            return None
        ours = self.matcher.shares(target.id, specific)
        if target.meetings:  # a meeting's record says where it met: "the one in Guangzhou in 2024"
            ours |= {t for t in specific if self._says_word(target.id, t)}
        bar = max(
            self.matcher.t.answer if firm else self.matcher.t.decline,
            next((c.score for c in ranked if c.entry.id == target.id), 0.0),
        )
        for candidate in ranked[:3]:
            entry = candidate.entry
            if entry.id == target.id or candidate.score < bar:
                continue
            if (firm or target.aspect == "list") and entry.id == self.kb.topics[
                entry.topic
            ].overview:
                continue  # a specific aspect asked is not answered by what the thing is
            if not self._about(entry, subjects or {target.topic}):
                continue
            if firm and entry.topic not in subjects and self._a_platforms(target, entry):
                continue  # "香港同澳門之間有冇定期嘅合作會議？" asks how often the platform meets
            if len(self.matcher.shares(entry.id, specific)) > len(ours):
                return entry
        return None

    def _a_platforms(self, target: Entry, other: Entry) -> bool:
        """Whether the target is a platform's answer and the other one a policy's of its own
        (CEPA between Hong Kong and Macao is not the HK/Macao platform), not one about the
        platforms or the offices as a whole."""
        topics = self.kb.topics
        policy = topics[other.topic]
        return (
            topics[target.topic].kind == "platform"
            and policy.kind == "policy"
            and not policy.places
            and policy.id not in self._of_platforms
        )

    def _clearly_better(self, target: Entry, ranked: list[Candidate]) -> Entry | None:
        """Where the reading is loose ("what is", a bare name), an entry of the same subject that
        the matcher ranks first and well ahead of the loose choice: "八大中心係咩" names the eight
        centres, not the plan at large, though both are the plan's."""
        if target.meetings or not ranked or ranked[0].entry.id == target.id:
            return None
        best = ranked[0]
        ours = next((c.score for c in ranked if c.entry.id == target.id), 0.0)
        if best.score < self.matcher.t.answer or best.score - ours < _CLEAR_LEAD:
            return None
        return best.entry if best.entry.topic == target.topic else None

    # --- near misses ---------------------------------------------------------------------------

    def _off_topic(self, reading: Reading, subjects: set[str]) -> bool:
        """Whether the question speaks of another kind of thing (weather, food, tickets...) that
        its subject's answers, or any answer if it names no subject, never speak of."""
        said = " ".join(self._said.get(s, "") for s in subjects) if subjects else self._all_said
        padded = f" {said} "
        return any(
            (f" {cue} " if cue.isascii() else cue) not in padded for cue in reading.off_topic
        )

    def _unspoken(self, reading: Reading, entry: Entry | None) -> bool:
        """Whether the answer found never speaks of the other kind of thing the question does,
        though another answer of its subject does ("was the framework agreement renewed?" where
        only a meeting's record renews an agreement)."""
        if entry is None or not reading.off_topic:
            return False
        said = (
            f" {self._says[entry.id]} {self._asked[entry.id]} {' '.join(self._keywords[entry.id])} "
        )
        return any((f" {cue} " if cue.isascii() else cue) not in said for cue in reading.off_topic)

    def _speaking_of_it(
        self, reading: Reading, ranked: list[Candidate], found: Entry | None
    ) -> Entry | None:
        """Of the answers ranked about the same subject as the one found, the first that does
        speak of what the question speaks of ("the National Games" after a release about them)."""
        topic = found.topic if found is not None else None
        return next(
            (
                c.entry
                for c in ranked
                if c.entry.topic == topic and not self._unspoken(reading, c.entry)
            ),
            None,
        )

    def _found_by_its_cue(self, reading: Reading, ranked: list[Candidate]) -> bool:
        """Whether a question naming no subject finds its best answer only through its word of
        another kind: "武汉有多少人口？" matches the Bay Area's population by "人口" alone, and
        without that word nothing of the Bay Area's."""
        if not reading.off_topic or not ranked:
            return False
        core = reading.core
        for cue in reading.off_topic:
            core = core.replace(cue, " ")
        rest = self.matcher.rank(core, canonical=True)
        return not rest or rest[0].entry.topic != ranked[0].entry.topic

    def _role_of_another(self, reading: Reading) -> bool:
        """Whether a plan's positioning is asked of another place than Hong Kong ("十四五规划对
        澳门的定位"): the answers tell Hong Kong's role, and a place named with no role of its
        own, Hong Kong unnamed, asks what they do not say."""
        if "role" not in reading.aspects or _HONG_KONG.search(reading.text):
            return False
        return any(
            self.kb.topics[s].kind == "platform" and (s, "role") not in self._by_aspect
            for s in reading.subjects
        )

    def _elsewhere(self, content: tuple[str, ...], entry: Entry) -> bool:
        """Whether a question naming no subject speaks mostly of things the subject of its best
        match never does: "how often does the Legislative Council meet" matches each platform's
        frequency by its asking words alone. Chinese runs, cut between particles, are no words
        to count; but a long one no question or answer shares a pair of characters with is a
        thing of its own ("鴉片戰爭係點樣開始嘅").
        """
        if self.kb.topics[entry.topic].kind != "platform" or entry.aspect is None:
            return False  # only a platform's answer to an aspect is found by asking words alone
        if any(
            not t.isascii() and len(t) >= _LONG_FOREIGN_RUN and not self._known(t) for t in content
        ):
            return True
        words = [t for t in content if t.isascii()]
        said = self._said_terms.get(entry.topic, frozenset())
        unsaid = [t for t in words if t not in said]
        return bool(words) and len(unsaid) * 2 >= len(words)

    def _foreign(self, content: tuple[str, ...], strict: bool) -> bool:
        """Whether what the question says besides its subject and aspect is about something else:
        most of it means nothing to the knowledge base. Where the reading is firm about its aspect,
        only long unknown words count ("杭州西湖行一圈要幾耐"), not a stray one ("通常隔幾耐先開")."""
        foreign = [t for t in content if not self._known(t)]
        if strict:
            foreign = [
                t
                for t in foreign
                if len(t) >= (_LONG_FOREIGN_WORD if t.isascii() else _LONG_FOREIGN_RUN)
            ]
        least = _FOREIGN_WORDS + 1 if strict else _FOREIGN_WORDS
        return len(foreign) >= least and len(foreign) * 2 > len(content)

    def _known(self, term: str) -> bool:
        """Whether any question or answer uses the word (or a pair of the characters)."""
        if (
            term in self._all_terms
            or self.matcher.knows(term)
            or self.matcher.resembles_known(term)
        ):
            return True
        return not term.isascii() and any(
            a + b in self._all_terms or a + b in _GENERIC for a, b in itertools.pairwise(term)
        )

    def _of_another_platform(self, entry: Entry | None, subjects: set[str]) -> bool:
        """Whether an answer about one of the places a topic covers is about another than every
        platform the question names: "驻京办主任是谁" is not answered by the Shanghai office's
        director, though both are offices."""
        topics = self.kb.topics
        if entry is None or not topics[entry.topic].places:
            return False
        named = {s for s in subjects if topics[s].kind == "platform"}
        told = {t for t in self._names[entry.id] if topics[t].kind == "platform"}
        return bool(named and told and not named & told)

    def _about(self, entry: Entry, subjects: set[str]) -> bool:
        return bool(self._names[entry.id] & subjects)


#: Aspects told in another aspect's answer where a subject has none of their own: its first
#: meeting in when it was set up, its renaming in its history.
_TOLD_UNDER = {"first": "setup", "renamed": "history"}

#: Where a question asks a second thing: "..., and when did it start?", "...？幾時改名？",
#: "…是什么时候签的，啥时候开始实施？".
_SECOND_PART = re.compile(
    r"(?:,\s*|\s+)and\s+(?=(?:what|when|where|who|how|which|why|is|was|were|did|does|do|are)\b)"
    r"|[?？]\s*(?=\S)"
    r"|[，,]\s*(?=(?:又|仲|同埋|以及|还有|還有)?(?:幾時|几时|什麼時候|什么时候|甚麼時候|啥時候|啥时候|"
    r"邊個|边个|誰|谁|哪|邊度|边度|幾多|几多|多少|點樣|点样|怎樣|怎样|有冇|有沒有|有没有))",
    re.IGNORECASE,
)


def _two_parts(question: str) -> tuple[str, str] | None:
    """The two parts of a question that asks two things, each long enough to stand alone."""
    pieces = _SECOND_PART.split(question.strip(), maxsplit=1)
    if len(pieces) != 2 or min(len(p.strip()) for p in pieces) < 4:
        return None
    return pieces[0].strip(), pieces[1].strip()


def _specific(term: str) -> str:
    """A Chinese term without a general word opening or closing it: "合作项目" says "项目" of a
    platform, "香港这边" (read as "香港这") says "香港", "正式会议" nothing of its own."""
    if len(term) > 2 and term[-1] in "这那":
        term = term[:-1]
    for word in _GENERIC_CJK:
        if term.startswith(word) and len(term) > len(word) + 1:
            term = term[len(word) :]
            break
        if term.endswith(word) and len(term) > len(word) + 1:
            term = term[: -len(word)]
            break
    return "" if term in _GENERIC else term


#: The general words of _GENERIC written in Chinese (two characters or more), longest first.
_GENERIC_CJK = sorted(
    {w for w in _GENERIC_WORDS.split() if not w.isascii()}, key=lambda w: (-len(w), w)
)


def _about_meetings(previous: Turn) -> bool:
    """Whether the turn before was about a platform's meetings: "and the third?" then means
    the third meeting."""
    return previous.aspect in ("nth", "dated", "latest", "next", "count")


def _script(lang: Lang, previous: Turn | None) -> Lang | None:
    """The script to remember: this reply's if Chinese, else the one remembered before."""
    if lang in ("zh-Hans", "zh-Hant"):
        return lang
    return previous.lang if previous is not None else None
