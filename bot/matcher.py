"""Find the entry that answers a question, or say honestly that none does.

The score of an entry mixes three signals, each measured on the labelled questions in `tests/data/`:

- coverage: the share of the question's informative words (weighted by rarity in the knowledge base)
  that the entry's phrasings contain. Words the knowledge base has never seen weigh heavily, which is
  what lets "weather in Shenzhen" decline although "Shenzhen" is a platform.
- similarity: rapidfuzz's best score between the question and any one phrasing (not keyword) of the entry, which
  rewards word order and forgives typos that the word-level coverage misses.
- topic: a question that names a platform (by any alias) favours that platform's entries and
  disfavours other platforms', so "who leads the Hubei conference" never lands on Sichuan.

Chinese has no spaces, so Chinese text is indexed as single characters plus character bigrams.
Everything runs on the canonical text from `bot.text.normalise`, so Traditional and Simplified share
one index. The matcher knows nothing of Telegram: it returns plain dataclasses.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.homophones import sounding_alike
from bot.knowledge import Entry, KnowledgeBase
from bot.outcome import Candidate, Outcome
from bot.text import Lang, arabic_ordinals, detect_language, is_cjk, normalise


@dataclass(frozen=True)
class Thresholds:
    """Every tuning constant of the matcher, in one place (tuned with `coopbot eval`)."""

    answer: float = 0.42  # at or above: answer, if clearly ahead of the runner-up
    decline: float = 0.41  # below: out of scope
    margin: float = 0.001  # the lead the best entry needs over the runner-up to answer outright
    clarify_window: float = 0.08  # candidates this close to the best are offered when clarifying
    # rapidfuzz scorer for question-to-phrasing similarity (token_sort_ratio is computed as plain
    # ratio on presorted words, a quarter of the cost)
    scorer: Callable[..., float] = fuzz.token_sort_ratio
    coverage_weight: float = 0.7
    similarity_weight: float = 0.3
    topic_bonus: float = 0.1
    other_topic_penalty: float = 0.15
    unknown_word_weight: float = 1.2  # share of the highest idf given to a word never seen
    typo_cutoff: float = 84.0  # rapidfuzz ratio for a misspelt word to count as a known one
    alias_typo_cutoff: float = (
        84.0  # rapidfuzz ratio for a misspelt one-word alias to name its topic
    )
    min_typo_length: int = 5  # shorter words are never corrected: "good" is not "goods"
    min_vocabulary_length: int = 4  # known words shorter than this are never a correction
    cjk_char_weight: float = 0.5  # a single Chinese character says less than a two-character word
    question_word_weight: float = 0.5  # share of its idf a question word ("what", "邊個") weighs
    typo_credit: float = 0.6  # what a corrected word earns, against 1 for a word typed right
    overview_bonus: float = 0.03  # a bare topic name ("cepa") gets the topic's overview
    # Matched weight, as a share of the rarest word's, below which the score shrinks: one common
    # character ("在吗") is too little to go on.
    min_evidence: float = 0.6
    max_candidates: int = 25  # entries scored in full after the cheap pre-filter
    common_share: float = 0.25  # words in more than this share of entries don't pick candidates
    # Nor do words in more entries than this, however large the knowledge base: it bounds the
    # pre-filter's work (`python -m benchmarks`), and is far above any curated knowledge base's size.
    max_postings: int = 2000
    ranked: int = 5  # candidates ranked in full for each question
    answer_suggestions: int = 4  # related entries offered with an answer
    clarify_options: int = 4  # options offered when asking which one was meant
    decline_suggestions: int = 3  # suggestions offered with a decline, if good enough:
    decline_suggestion_share: float = 0.6  # at least this share of the decline threshold
    word_cache_size: int = 4096  # misspelt words remembered per matcher (they recur)


DEFAULT_THRESHOLDS = Thresholds()

# Question words (canonical script) say what kind of answer is wanted, not what it is about: they
# tell "who leads X" from "when was X set up", but asking "what" does not bring a question into scope.
QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how 甚么 什么 咩 乜 乜嘢 边个 谁 几时 边度 哪里 点样 怎样".split()
)

#: Words shorter than this are never taken to resemble a known word.
_SHORTEST_RESEMBLING = 5
#: Chinese aliases shorter than this are read with a character typed by sound only where the
#: swap makes no word the knowledge base uses, and never with 港 in them.
_SHORTEST_MISHEARD = 3
#: Rankings remembered: the understanding step ranks one question several ways (with and without
#: the conversation's subject), and the last few questions' rankings are all it asks for again.
_RANKINGS_KEPT = 16

# Words that carry no meaning for finding an entry.
STOPWORDS = frozenset(
    "a an the is are was were be been being do does did of to in on at for by with and or it its "
    "this that these those there please pls plz me i you u my your can could would should tell "
    "about know want like some any s every each all inside within between btw just also still "
    "already ever really actually exactly mainly usually basically currently now today has have "
    "had will get got many much their them they our we too either doing done going thing things "
    "stuff kind sort version go goes went gone come comes came anything something everything "
    "anyone someone around".split()
)


# Chinese sentence particles, in the canonical (Simplified) script: tone, not content.
CJK_PARTICLES = frozenset("的了吗呢呀啊嘅㗎喇啦吖哦嘛咧啰喎㖞噃咗")


@dataclass(frozen=True, order=True)
class Name:
    """A topic named in canonical text, at text[start:end]; `place` where by one of the places
    it covers rather than by an alias."""

    start: int
    end: int
    topic: str
    place: bool = False


_WORD = re.compile(r"[0-9a-z+]+|[^\sa-z0-9+]")
_LATIN_WORD = re.compile(r"[0-9a-z+]+")

# token_sort_ratio is plain ratio on each text with its words sorted: sorting every phrasing once,
# when the index is built, leaves only the question to sort per query (a quarter of the cost).
_PRESORTED_SCORERS: dict[Any, Callable[..., float]] = {fuzz.token_sort_ratio: fuzz.ratio}


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


class _ByLength:
    """Words that could reach a ratio cutoff against a word of a given length, in list order.

    ratio is at most 200 * shorter / (both lengths), so most of a large vocabulary is out of reach
    of any one word: leaving it out changes no result (order is kept, so neither do ties) and
    spares rapidfuzz a pass over every word of the knowledge base for each misspelling.
    """

    def __init__(self, words: list[str], cutoff: float) -> None:
        self.words = words
        self.cutoff = cutoff - 0.5  # a margin for rounding: more words, never fewer
        self._lists: dict[int, list[str]] = {}
        self._near: dict[int, list[str]] = {}

    def near(self, length: int) -> list[str]:
        """Words one edit from a word of `length` could be: a letter longer, shorter or as long."""
        found = self._near.get(length)
        if found is None:
            found = [w for w in self.words if abs(len(w) - length) <= 1]
            self._near[length] = found
        return found

    def reach(self, length: int) -> list[str]:
        found = self._lists.get(length)
        if found is None:
            found = [
                w
                for w in self.words
                if 200 * min(len(w), length) >= self.cutoff * (len(w) + length)
            ]
            self._lists[length] = found
        return found


def _words(text: str) -> list[str]:
    """Latin words and single CJK characters of canonical text."""
    return _WORD.findall(text)


def tokens(text: str) -> list[str]:
    """Index terms: Latin words (no stopwords), CJK characters and CJK character bigrams.

    Sentence particles (嗎, 呀, 嘅…) end a run of characters like a space would, so they neither count
    as words nor glue their neighbours into a bigram that no phrasing has.
    """
    result: list[str] = []
    run: list[str] = []

    def flush() -> None:
        result.extend(run)
        result.extend(a + b for a, b in itertools.pairwise(run))
        run.clear()

    for word in _words(text):
        if len(word) == 1 and is_cjk(word):
            if word in CJK_PARTICLES:
                flush()
            else:
                run.append(word)
            continue
        flush()
        if word not in STOPWORDS:
            result.append(stem(word))
    flush()
    return result


def stem(word: str) -> str:
    """English plural to singular, crudely but consistently ("cities" and "city" meet)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _bases(word: str) -> tuple[str, ...]:
    """What an inflected verb may stand for ("chairing", "handled" → "chair", "handle"), tried only
    for a word the knowledge base does not use as typed: it is the same word, not a typo."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stemmed = word[: -len(suffix)]
            undoubled = (stemmed[:-1],) if stemmed[-1] == stemmed[-2] else ()
            return (stemmed, stemmed + "e", *undoubled)
    return ()


def spaced(text: str) -> str:
    """Canonical text with CJK characters spaced apart, so rapidfuzz's token scorers see words."""
    return " ".join(_words(text))


class Matcher:
    """An index over one knowledge base; cheap to query, rebuilt when the knowledge base changes."""

    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        self.kb = kb
        self.t = thresholds
        self._synonyms = _synonym_pattern(kb.meta.synonyms)
        self._presort = thresholds.scorer in _PRESORTED_SCORERS
        self._scorer = _PRESORTED_SCORERS.get(thresholds.scorer, thresholds.scorer)
        # Misspelt words seen in questions, with what they were read as: a typo costs a scan of
        # the vocabulary, and the same typos come back question after question. Per matcher, so
        # they go with it when a reload replaces it.
        self._corrections: dict[str, tuple[str, float]] = {}
        self._rankings: dict[tuple[str, int, frozenset[str] | None], list[Candidate]] = {}
        self._misspelt_aliases: dict[str, frozenset[str]] = {}
        self._resembling: dict[str, bool] = {}
        # A word that is small talk on its own is a word as typed, never a place's name
        # misspelt: "human" is not "Hunan".
        self._cue_words = frozenset(
            cue
            for cues in kb.meta.smalltalk.values()
            for phrase in cues.get("en", ())
            if _LATIN_WORD.fullmatch(cue := self.canonical(phrase))
        )
        self.entries: list[Entry] = list(kb.entries.values())
        self._variants: list[list[str]] = []
        self._terms: list[frozenset[str]] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for index, entry in enumerate(self.entries):
            phrasings = [self.canonical(q) for q in entry.all_questions()]
            topic = kb.topics[entry.topic]
            # A topic's aliases are words of its overview: "重慶" alone is a question about Chongqing.
            aliases = topic.names if topic.overview == entry.id else ()
            keywords = [self.canonical(k) for k in (*entry.keywords, *aliases)]
            self._variants.append([self._similarity_text(t) for t in phrasings if t])
            terms = frozenset(term for text in phrasings + keywords for term in tokens(text))
            self._terms.append(terms)
            for term in terms:
                postings[term].append(index)
        self._postings = dict(postings)
        count = max(len(self.entries), 1)
        self._idf = {term: math.log(1 + count / len(ids)) for term, ids in self._postings.items()}
        self._max_idf = max(self._idf.values(), default=1.0)
        self._min_evidence = self.t.min_evidence * self._max_idf
        self._weights = {
            term: self._weight(term) for term in self._idf
        }  # computed once, not per ask
        self._latin_vocabulary = _ByLength(
            [
                t
                for t in self._postings
                if t.isascii() and len(t) >= thresholds.min_vocabulary_length
            ],
            thresholds.typo_cutoff,
        )
        self._index_aliases()
        self._platform_topics = {t.id for t in kb.platforms()}
        self._index_of = {entry.id: index for index, entry in enumerate(self.entries)}
        overview_ids = {t.overview for t in kb.topics.values()}
        self._overviews = {i for i, e in enumerate(self.entries) if e.id in overview_ids}

    # --- text -----------------------------------------------------------------------------

    def canonical(self, text: str, whole: bool = False) -> str:
        text = arabic_ordinals(normalise(text, whole))
        if self._synonyms is None:
            return text
        pattern, table = self._synonyms
        return pattern.sub(lambda m: table[m.group(0)], text)

    def heard(self, text: str) -> str:
        """Canonical text with Chinese names typed with a character that sounds the same
        ("闵港合作会议", "经茂办") written as the names, so every later step reads them as such.
        Looked up by the first two characters, then by the few lengths filed under them."""
        if text.isascii():
            return text
        pieces = []
        start = done = 0
        while start < len(text) - 1:
            for length in self._misheard_lengths.get(text[start : start + 2], ()):
                alias = self._misheard.get(text[start : start + length])
                if (
                    alias is not None
                    and not self._names_within(text, start + 1, start + length)
                    and not self._named_across(text, start)
                ):
                    pieces += [text[done:start], alias]
                    start = done = start + length
                    break
            else:
                start += 1
        return "".join(pieces) + text[done:] if pieces else text

    def _names_within(self, text: str, start: int, stop: int) -> bool:
        """Whether a real Chinese name begins between two places of the text: "想问川港合作会议"
        names 川港 as typed, not 汶川 misheard."""
        return any(
            text.startswith(alias, i)
            for i in range(start, stop)
            for alias in self._cjk_by_first.get(text[i], ())
        )

    def _named_across(self, text: str, start: int) -> bool:
        """Whether a real Chinese name typed before a place runs on into it: "上海那个" names
        上海 as typed, not 海南 misheard."""
        return any(
            text.startswith(alias, i) and i + len(alias) > start
            for i in range(max(0, start - self._longest_cjk + 1), start)
            for alias in self._cjk_by_first.get(text[i], ())
        )

    def _similarity_text(self, canonical: str) -> str:
        """Canonical text as the similarity scorer compares it."""
        text = spaced(canonical)
        return _sorted_words(text) if self._presort else text

    def _index_aliases(self) -> None:
        """Aliases by the way they are found, so naming costs the same with 20 topics or 20,000.

        One-word Latin aliases are looked up by word (and, at five letters or more, by typo);
        aliases of several words by their first word; Chinese ones by their first character.
        """
        self._word_aliases: dict[str, set[str]] = defaultdict(set)
        self._phrase_aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)  # first word
        self._cjk_aliases: dict[str, set[str]] = defaultdict(set)
        self._places = {
            t.id: {self.canonical(p) for p in t.places} for t in self.kb.topics.values()
        }
        for topic in self.kb.topics.values():
            for alias in topic.names:
                canonical = self.canonical(alias)
                if not canonical:
                    continue
                if not canonical.isascii():
                    self._cjk_aliases[canonical].add(topic.id)
                elif " " in canonical:
                    first = _LATIN_WORD.match(canonical)
                    if first is not None:
                        self._phrase_aliases[first.group()].append((canonical, topic.id))
                else:
                    self._word_aliases[canonical].add(topic.id)
        self._typo_aliases = _ByLength(
            [a for a in self._word_aliases if len(a) >= self.t.min_typo_length],
            self.t.alias_typo_cutoff,
        )
        self._cjk_by_first: dict[str, list[str]] = defaultdict(list)
        for alias in self._cjk_aliases:
            self._cjk_by_first[alias[0]].append(alias)
        self._longest_cjk = max(map(len, self._cjk_aliases), default=0)
        self._index_misheard()

    def _index_misheard(self) -> None:
        """Each Chinese alias with one character swapped for one that sounds the same: "闵港合作
        会议" is "闽港合作会议" typed by sound, "尚海" is 上海. A two-character alias only where
        the swap makes no word the knowledge base uses, and none with 港 in it: beside 港, in
        nearly every question, a swap too often makes an ordinary word ("于港", "越港")."""
        misheard: dict[str, str] = {}
        for alias in self._cjk_aliases:
            short = len(alias) < _SHORTEST_MISHEARD
            if short and "港" in alias:
                continue
            for index, character in enumerate(alias):
                for other in sounding_alike(character):
                    variant = alias[:index] + other + alias[index + 1 :]
                    if variant not in self._cjk_aliases and not (
                        (short and variant in self._idf) or self._makes_a_word(variant, index)
                    ):
                        misheard.setdefault(variant, alias)
        lengths: dict[str, set[int]] = defaultdict(set)
        for variant in misheard:
            lengths[variant[:2]].add(len(variant))
        self._misheard = misheard
        self._misheard_lengths = {head: sorted(n, reverse=True) for head, n in lengths.items()}

    def _makes_a_word(self, variant: str, index: int) -> bool:
        """Whether the character swapped in at `index` makes, with a neighbour, a word the
        knowledge base uses: "九個城市" is cities, not "九個省市" misheard."""
        return any(
            variant[start : start + 2] in self._idf
            for start in (index - 1, index)
            if start >= 0 and start + 2 <= len(variant)
        )

    def mentioned_topics(self, text: str) -> set[str]:
        """Topics named in canonical text by an alias; Latin aliases also match with a typo."""
        return {name.topic for name in self.names(text)}

    def names(self, text: str) -> list[Name]:
        """Where canonical text names a topic, by an alias in any script (Latin ones also with a
        typo), in order of position; overlapping names are all kept."""
        found: list[Name] = []
        for match in _LATIN_WORD.finditer(text):
            word, start = match.group(), match.start()
            topics = self._word_aliases.get(word, ())
            if (
                not topics
                and len(word) >= self.t.min_typo_length
                and not word.isdigit()
                and word not in self._cue_words
            ):
                topics = self._misspelt_topics(word)
            found += [Name(start, match.end(), topic) for topic in topics]
            if start == 0 or text[start - 1] == " ":  # aliases of several words, from their first
                for alias, topic in self._phrase_aliases.get(word, ()):
                    end = start + len(alias)
                    if text.startswith(alias, start) and (end == len(text) or text[end] == " "):
                        found.append(Name(start, end, topic))
        if not text.isascii():
            for start, ch in enumerate(text):
                for alias in self._cjk_by_first.get(ch, ()):
                    if text.startswith(alias, start):
                        end = start + len(alias)
                        found += [Name(start, end, topic) for topic in self._cjk_aliases[alias]]
        places = self._places
        return sorted(
            replace(n, place=True) if text[n.start : n.end] in places.get(n.topic, ()) else n
            for n in found
        )

    def _misspelt_topics(self, word: str) -> frozenset[str]:
        """Topics with a one-word alias within a typo of `word`: a scan of every such alias, so
        remembered, like `_correct`, for the words that come back in question after question."""
        found = self._misspelt_aliases.get(word)
        if found is None:
            reach, near = self._typo_aliases.reach(len(word)), self._typo_aliases.near(len(word))
            matches = process.extract(
                word, reach, scorer=fuzz.ratio, score_cutoff=self.t.alias_typo_cutoff, limit=None
            ) or process.extract(word, near, scorer=OSA.distance, score_cutoff=1, limit=None)
            found = frozenset(t for alias, _, _ in matches for t in self._word_aliases[alias])
            _remember(self._misspelt_aliases, word, found, self.t.word_cache_size)
        return found

    def _correct(self, word: str) -> tuple[str, float]:
        """A misspelt Latin word as the known word it is closest to, with the credit it earns.

        A corrected word earns only part of a word typed right: "good" is close to "goods", and a
        greeting must not become a question about tariffs.
        """
        if (
            word in self._idf
            or len(word) < self.t.min_typo_length
            or not word.isascii()
            or word.isdigit()
        ):
            return word, 1.0
        found = self._corrections.get(word)
        if found is None:
            base = next((b for b in _bases(word) if b in self._idf), None)
            if base is not None:
                found = (base, 1.0)
                _remember(self._corrections, word, found, self.t.word_cache_size)
                return found
            vocabulary = self._latin_vocabulary
            best = process.extractOne(
                word,
                vocabulary.reach(len(word)),
                scorer=fuzz.ratio,
                score_cutoff=self.t.typo_cutoff,
            )
            if best is None and len(word) > self.t.min_typo_length:
                near = vocabulary.near(len(word))
                best = process.extractOne(word, near, scorer=OSA.distance, score_cutoff=1)
            found = (best[0], self.t.typo_credit) if best else (word, 1.0)
            _remember(self._corrections, word, found, self.t.word_cache_size)
        return found

    def resembles_known(self, word: str) -> bool:
        """Whether a Latin word is a typo away from one the knowledge base uses ("chiar"): too
        short to correct safely ("there" is not "three"), but no sign of another subject."""
        if not word.isascii() or len(word) < _SHORTEST_RESEMBLING:
            return False
        if self._correct(word)[0] != word:
            return True
        if len(word) > self.t.min_typo_length:
            return False  # `_correct` has looked for a word one edit away, and found none
        found = self._resembling.get(word)
        if found is None:
            near = self._latin_vocabulary.near(len(word))
            found = process.extractOne(word, near, scorer=OSA.distance, score_cutoff=1) is not None
            _remember(self._resembling, word, found, self.t.word_cache_size)
        return found

    def forget_words(self) -> None:
        """Empty the remembered typo lookups and rankings, so that a timing starts cold
        (`benchmarks`)."""
        self._corrections.clear()
        self._rankings.clear()
        self._misspelt_aliases.clear()
        self._resembling.clear()

    def _weight(self, term: str) -> float:
        weight = self._idf.get(term, self._max_idf * self.t.unknown_word_weight)
        if len(term) == 1 and is_cjk(term):
            weight *= self.t.cjk_char_weight
        if term in QUESTION_WORDS:
            weight *= self.t.question_word_weight
        return weight

    # --- scoring --------------------------------------------------------------------------

    def rank(
        self,
        question: str,
        limit: int | None = None,
        topics: set[str] | None = None,
        canonical: bool = False,
    ) -> list[Candidate]:
        """Entries by descending score; empty when the question has nothing to match on.

        `topics` are the topics the question is about when the conversation, not the question
        itself, names them ("who chairs it?" after a question about Beijing); `canonical` says
        the question is already in canonical form (`canonical()`), as the understanding step has it.
        """
        limit = self.t.ranked if limit is None else limit
        if limit < 1:
            return []
        text = question if canonical else self.canonical(question)
        key = (text, limit, None if topics is None else frozenset(topics))
        ranked = self._rankings.get(key)
        if ranked is None:
            ranked = self._rank(text, limit, topics)
            _remember(self._rankings, key, ranked, _RANKINGS_KEPT)
        return list(ranked)

    def _rank(self, text: str, limit: int, topics: set[str] | None) -> list[Candidate]:
        credit: dict[str, float] = {}
        words = []
        for word in _words(text):
            known, earned = self._correct(word) if word.isascii() else (word, 1.0)
            words.append(known)
            if earned < 1.0:
                credit[known] = earned
        corrected = " ".join(words)
        terms = list(dict.fromkeys(tokens(corrected)))
        if not terms:
            return []
        known = self._weights
        weights = {t: known[t] if t in known else self._weight(t) for t in terms}
        total = sum(weights.values())
        candidates = self._candidates(terms, weights)
        if not candidates:
            return []
        query = self._similarity_text(corrected)
        mentioned = self.mentioned_topics(text) if topics is None else topics
        # Shared terms are summed in the question's order, always, so a sum is the same to the
        # last bit however the entry's terms are stored.
        # Only words some entry has can be shared: a long question's other words are left out.
        vocabulary = self._postings
        earned = [(t, w * credit.get(t, 1.0)) for t, w in weights.items() if t in vocabulary]
        # Everything but the similarity first: it is the costly part, and a candidate that could
        # not reach the top `limit` even with the best similarity need not have it computed.
        best_similarity = 1.0 if self.t.similarity_weight >= 0 else 0.0
        parts = []
        for index in candidates:
            own = self._terms[index]
            found = sum([w for t, w in earned if t in own])
            coverage = found / total
            topic = self.entries[index].topic
            if topic in mentioned:
                named = 1
            elif mentioned and topic in self._platform_topics:
                named = -1
            else:
                named = 0
            part = (coverage, named, index in self._overviews, min(1.0, found / self._min_evidence))
            bound = self._score(*part, best_similarity)
            parts.append((bound, index, part))
        parts.sort(key=lambda p: -p[0])
        # (-score, id, index): plain tuples sort in C, and only the returned few become Candidates.
        scored: list[tuple[float, str, int]] = []
        lowest: list[float] = []  # the best `limit` scores so far, as a heap: lowest[0] is the bar
        for bound, index, part in parts:
            if len(lowest) == limit and bound < lowest[0]:
                break
            best = process.extractOne(query, self._variants[index], scorer=self._scorer)
            score = self._score(*part, best[1] / 100 if best else 0.0)
            scored.append((-score, self.entries[index].id, index))
            if len(lowest) < limit:
                heapq.heappush(lowest, score)
            elif score > lowest[0]:
                heapq.heapreplace(lowest, score)
        scored.sort()
        return [Candidate(self.entries[index], -score) for score, _, index in scored[:limit]]

    def _score(
        self, coverage: float, named: int, overview: bool, evidence: float, similarity: float
    ) -> float:
        """An entry's score from its parts: it rises with the similarity (falls, were its weight
        negative), so the best similarity gives a bound on what the full score can be."""
        th = self.t
        score = th.coverage_weight * coverage + th.similarity_weight * similarity
        if named > 0:
            score += th.topic_bonus * coverage
        elif named < 0:
            score -= th.other_topic_penalty
        if overview:
            score += th.overview_bonus
        score *= evidence
        return round(max(score, 0.0), 4)

    def _candidates(self, terms: list[str], weights: dict[str, float]) -> list[int]:
        """Entries sharing an informative term with the question, best partial overlap first.

        Very common terms are skipped here (they would make every entry a candidate) but still
        count in the full score of the entries that are picked.
        """
        count = len(self.entries)
        common = min(max(self.t.common_share * count, 1), self.t.max_postings)
        overlap: dict[int, float] = defaultdict(float)
        for term in terms:
            ids = self._postings.get(term, ())
            if 0 < len(ids) <= common:
                weight = weights[term]
                for index in ids:
                    overlap[index] += weight
        if not overlap:
            for term in terms:
                # Only common words: each still picks, from its first `max_postings` entries.
                for index in self._postings.get(term, ())[: self.t.max_postings]:
                    overlap[index] += weights[term]
        # Best overlap first, then the lower index: a sort in C beats a heap for a few hundred.
        best = sorted(zip(overlap.values(), map(int.__neg__, overlap), strict=True), reverse=True)
        return [-negated for _, negated in best[: self.t.max_candidates]]

    # --- the outcome ----------------------------------------------------------------------

    def ask(self, question: str, lang: Lang | None = None) -> Outcome:
        """Answer, clarify or decline by the phrasings alone; `lang` overrides the detected one."""
        return self.decide(question, lang or detect_language(question), self.rank(question))

    def decide(self, question: str, lang: Lang, ranked: list[Candidate]) -> Outcome:
        """Answer, clarify or decline, from a ranking."""
        top = ranked[0].score if ranked else 0.0
        confidence = min(top, 1.0)
        th = self.t
        if top < th.decline:
            floor = th.decline * th.decline_suggestion_share
            suggestions = tuple(c for c in ranked[: th.decline_suggestions] if c.score >= floor)
            return Outcome("decline", question, lang, confidence, suggestions)
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top >= th.answer and top - runner_up >= th.margin:
            return Outcome(
                "answer", question, lang, confidence, tuple(ranked[: th.answer_suggestions])
            )
        close = tuple(c for c in ranked if top - c.score <= th.clarify_window)
        options = close if len(close) >= 2 else tuple(ranked[: th.decline_suggestions])
        return Outcome("clarify", question, lang, confidence, options[: th.clarify_options])

    def knows(self, term: str) -> bool:
        """Whether a word, or a run of Chinese characters, means anything to this knowledge
        base: a misspelt word included, and a run if any pair of its characters does."""
        if term in self._idf:
            return True
        if term.isascii():
            return self._correct(term)[0] != term
        return any(a + b in self._idf for a, b in itertools.pairwise(term))

    def specific(self, term: str) -> tuple[str, ...]:
        """The index terms in `term` (a word, or the character pairs of a Chinese run) that few
        entries speak of: "framework", "框架"; not "meeting" or "時候"."""
        pairs = [term] if term.isascii() else [a + b for a, b in itertools.pairwise(term)]
        few = max(3, int(len(self.entries) * 0.03))
        return tuple(p for p in pairs if 0 < len(self._postings.get(p, ())) <= few)

    def corrected(self, term: str) -> str:
        """A misspelt word as the known word it is read as; any other term as it is."""
        return self._correct(term)[0] if term.isascii() else term

    def terms_of(self, entry_id: str) -> frozenset[str]:
        """The index terms of an entry's phrasings and keywords."""
        index = self._index_of.get(entry_id)
        return frozenset() if index is None else self._terms[index]

    def shares(self, entry_id: str, terms: tuple[str, ...]) -> set[str]:
        """Which of `terms` the phrasings and keywords of an entry contain (a run of Chinese
        characters if any pair of them)."""
        own = self.terms_of(entry_id)
        return {t for t in terms if t in own or any(a + b in own for a, b in itertools.pairwise(t))}

    def good_enough(self, candidate: Candidate) -> bool:
        """Whether a candidate scores above the line for being offered at all (inline results)."""
        return candidate.score >= self.t.decline

    def tie_tolerance(self) -> float:
        """How close a rival's score may come before a phrasing counts as ambiguous
        (`coopbot validate`): the overview bonus, which is all that separates a tie."""
        return self.t.overview_bonus


def _synonym_pattern(
    synonyms: dict[str, tuple[str, ...]],
) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One regex that rewrites every listed variant to its canonical word: the longest variant
    that starts at a place, Latin ones as whole words only."""
    table: dict[str, str] = {}
    for canonical, variants in synonyms.items():
        target = normalise(canonical)
        for variant in variants:
            source = normalise(variant)
            if source and source != target:
                table[source] = target
    if not table:
        return None
    latin = [source for source in table if source.isascii()]
    other = [source for source in table if not source.isascii()]
    parts = []
    if latin:
        parts.append(rf"(?<![a-z0-9]){_trie(latin)}(?![a-z0-9])")
    if other:
        parts.append(_trie(other))
    # The lookahead on the first characters changes no match; it spares trying the variants at
    # every position of the question.
    first = "".join(sorted({re.escape(source[0]) for source in table}))
    return re.compile(f"(?=[{first}])(?:{'|'.join(parts)})"), table


def _trie(words: list[str]) -> str:
    """A regex matching any of `words`, longest first, with shared beginnings written once: a
    list of 100 alternatives is tried one by one at each place, a tree of them a character at a
    time (where "a list" made this the costliest step of a long question)."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return f"(?:{pattern(tree)})"


def _remember(cache: dict[Any, Any], key: Hashable, value: Any, size: int) -> None:
    """Keep `value` under `key`, forgetting the oldest key once `size` are kept."""
    if len(cache) >= size:
        del cache[next(iter(cache))]
    cache[key] = value


def chosen(entry: Entry, lang: Lang) -> Outcome:
    """The outcome for an entry the user picked from a menu: an answer, with full confidence."""
    return Outcome("answer", entry.question(lang), lang, 1.0, (Candidate(entry, 1.0),))
