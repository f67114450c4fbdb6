"""理解查询: turn what a person typed into weighted concepts.

Steps: normalise (t2s, width, case) → pinyin runs become words of the catalogue → colloquial phrases
add official concepts (synonym table) → question words and filler go → segment (rjieba) → words the
catalogue does not know are tried as homophones (同音错字) of words it does know.
A concept is a set of alternative strings; a document scores for a concept by its best alternative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rjieba

from tongban.search.defaults import FILLER_PHRASES, FILLER_TOKENS, WEAK_TOKENS
from tongban.search.text import CJK_RUN, TOKEN_RUN, normalize
from tongban.search.vocab import Vocabulary

_FILLER_RE = re.compile("|".join(sorted(map(re.escape, FILLER_PHRASES), key=len, reverse=True)))


@dataclass
class Concept:
    alts: dict[str, float]  # alternative string -> weight of that alternative (≤ 1)
    weight: float = 1.0
    source: str = "term"  # term | synonym | pinyin | homophone

    def add(self, text: str, weight: float) -> None:
        if weight > self.alts.get(text, 0.0):
            self.alts[text] = weight


@dataclass
class ParsedQuery:
    raw: str
    normalized: str
    core: str  # the query without filler, compact, pinyin turned to words
    concepts: list[Concept] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.concepts


def parse_expansion(expansion: str) -> list[list[str]]:
    """'补领/补办 营业执照' -> [['补领', '补办'], ['营业执照']]."""
    return [[alt for alt in group.split("/") if alt] for group in re.split(r"[\s,，、;；]+", expansion) if group]


class QueryAnalyzer:
    def __init__(self, vocab: Vocabulary, synonyms: dict[str, str]) -> None:
        self.vocab = vocab
        self.synonyms = {
            normalize(k).replace(" ", ""): parse_expansion(normalize_expansion(v)) for k, v in synonyms.items()
        }
        self.synonyms = {k: v for k, v in self.synonyms.items() if k and v}
        self._syn_re = (
            re.compile("|".join(sorted(map(re.escape, self.synonyms), key=len, reverse=True)))
            if self.synonyms
            else None
        )

    # -- pinyin --------------------------------------------------------------------------------
    def _pinyin_words(self, run: str) -> list[list[tuple[str, int]]] | None:
        """Segment a run of latin letters into catalogue words by full pinyin, else by initials."""
        for table, syllable_skip in ((self.vocab.by_pinyin, True), (self.vocab.by_initials, False)):
            pieces = self._segment(run, table, syllable_skip)
            if pieces:
                return pieces
        return None

    def _segment(
        self, run: str, table: dict[str, list[tuple[str, int]]], syllable_skip: bool
    ) -> list[list[tuple[str, int]]] | None:
        n = len(run)
        inf = 10**9
        best: list[tuple[int, int, list[tuple[str, int]] | None]] = [(inf, 0, None)] * (n + 1)
        best[0] = (0, 0, None)
        syllables = self.vocab.syllables if syllable_skip else set()
        for i in range(n):
            if best[i][0] >= inf:
                continue
            for j in range(i + 1, min(n, i + 30) + 1):
                key = run[i:j]
                cost = best[i][0]
                words = table.get(key)
                cand: tuple[int, int, list[tuple[str, int]] | None]
                if words:
                    cand = (cost + 1, i, words)
                elif syllable_skip and key in syllables:
                    cand = (cost + 3, i, None)
                elif not syllable_skip and j == i + 1:
                    cand = (cost + 4, i, None)
                else:
                    continue
                if cand[0] < best[j][0]:
                    best[j] = cand
        if best[n][0] >= inf:
            return None
        pieces: list[list[tuple[str, int]]] = []
        covered = 0
        j = n
        while j > 0:
            _cost, i, words = best[j]
            if words:
                pieces.append(words)
                covered += j - i
            j = i
        pieces.reverse()
        return pieces if pieces and covered >= 0.6 * n else None

    # -- main ----------------------------------------------------------------------------------
    def parse(self, raw: str) -> ParsedQuery:
        normalized = normalize(raw)
        concepts: list[Concept] = []
        parts: list[str] = []
        for token in TOKEN_RUN.findall(normalized):
            if token.isascii() and token.isalpha():
                if token in self.synonyms:
                    parts.append(token)
                    continue
                pieces = self._pinyin_words(token)
                if pieces:
                    for words in pieces:
                        top = max(c for _w, c in words) or 1
                        parts.append(words[0][0])
                        concept = Concept({}, 1.0, "pinyin")
                        for word, count in words:
                            concept.add(word, max(0.5, count / top))
                        concepts.append(concept)
                    continue
            parts.append(token)
        text = "".join(p if not p.isascii() else f" {p} " for p in parts).strip()
        core = _FILLER_RE.sub("", text).replace(" ", "")
        synonym_concepts: list[Concept] = []
        remaining = text
        if self._syn_re is not None:
            for match in self._syn_re.finditer(text):
                phrase = match.group(0)
                weight = 0.55 if len(phrase) == 1 else 0.85
                for group in self.synonyms[phrase]:
                    synonym_concepts.append(Concept({alt: 1.0 for alt in group}, weight, "synonym"))
        remaining = _FILLER_RE.sub(" ", remaining)
        pinyin_texts = {next(iter(c.alts)) for c in concepts}
        for run in TOKEN_RUN.findall(remaining):
            if run in pinyin_texts:
                continue
            if not CJK_RUN.fullmatch(run):
                if run in self.synonyms or len(run) > 1:
                    concepts.append(Concept({run: 1.0}, 0.6))
                continue
            concepts.extend(self._cjk_concepts(run))
        concepts.extend(synonym_concepts)
        return ParsedQuery(raw=raw, normalized=normalized, core=core, concepts=_merge(concepts))

    def _cjk_concepts(self, run: str) -> list[Concept]:
        tokens = [t for t in rjieba.cut(run) if t not in FILLER_TOKENS]
        out: list[Concept] = []
        for token in tokens:
            if len(token) > 1 and token.endswith("个"):
                token = token[:-1]
            if len(token) > 1 and token.startswith(("办", "要", "想")) and token not in self.vocab:
                token = token[1:]
            if not token or token in FILLER_TOKENS:
                continue
            weight = 0.3 if token in WEAK_TOKENS else (0.6 if len(token) == 1 else 1.0)
            concept = Concept({token: 1.0}, weight)
            if len(token) >= 2 and token not in self.vocab:
                subs = [w for w in rjieba.cut_for_search(token) if w != token and len(w) >= 2 and w in self.vocab]
                for sub in subs:
                    concept.add(sub, 0.9 if len(sub) >= 3 else 0.75)
                if not subs:
                    for word, _count in self.vocab.homophones(token):
                        concept.add(word, 0.95)
                        concept.source = "homophone"
                    if len(token) >= 4:
                        for i in range(len(token) - 1):
                            for size in (3, 2):
                                window = token[i : i + size]
                                if len(window) == size and window not in self.vocab:
                                    for word, _count in self.vocab.homophones(window):
                                        concept.add(word, 0.8)
            out.append(concept)
        return out


def normalize_expansion(text: str) -> str:
    return " ".join("/".join(normalize(alt).replace(" ", "") for alt in group.split("/")) for group in text.split())


def _merge(concepts: list[Concept]) -> list[Concept]:
    """Drop duplicate concepts (same alternatives), keeping the larger weight."""
    seen: dict[frozenset[str], Concept] = {}
    for c in concepts:
        key = frozenset(c.alts)
        if not key:
            continue
        if key in seen:
            seen[key].weight = max(seen[key].weight, c.weight)
        else:
            seen[key] = c
    return list(seen.values())
