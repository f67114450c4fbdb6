"""排序: score candidates precisely — name over alias over summary over materials, plus use.

tantivy finds candidates fast (BM25 over bigrams); this second pass looks at each candidate's own text:
how much of the query it covers and where, whether the name is exactly what was asked, and how much
the service is used (popularity).

The query side is prepared once per search (`RankQuery`: each alternative with its weight and bigrams),
so scoring a candidate is only substring tests on its stored, already normalised fields: a bigram of an
alternative is "in a field's bigrams" exactly when it is a substring of the field's text (field texts
join their parts with separators that never occur in an alternative), so no bigram sets are built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tongban.search.analysis import ParsedQuery
from tongban.search.text import bigram_set

# field weights: name > alias > context (themes, result, bundle members) > summary > materials
W_NAME, W_ALIAS, W_CONTEXT, W_SUMMARY, W_MATERIALS = 1.0, 0.85, 0.45, 0.35, 0.22
_WEIGHTS = (W_NAME, W_ALIAS, W_CONTEXT, W_SUMMARY, W_MATERIALS)
_POP_NORM = math.log1p(1000)


@dataclass
class Candidate:
    kind: str
    code: str
    payload: dict[str, Any]
    score: float = 0.0


class RankQuery:
    """The query side of ranking, computed once per search."""

    __slots__ = ("concepts", "core", "possible")

    def __init__(self, query: ParsedQuery, idf: dict[str, float]) -> None:
        # concept -> (concept weight, [(alt, alt weight × idf, distinct bigrams when len ≥ 3 else ())])
        self.concepts: list[tuple[float, list[tuple[str, float, tuple[str, ...]]]]] = []
        possible = 0.0
        for concept in query.concepts:
            alts = []
            best_possible = 0.0
            for alt, alt_weight in concept.alts.items():
                weight = alt_weight * idf.get(alt, 1.0)
                best_possible = max(best_possible, weight)
                alts.append((alt, weight, tuple(bigram_set(alt)) if len(alt) >= 3 else ()))
            possible += concept.weight * best_possible
            self.concepts.append((concept.weight, alts))
        self.possible = possible
        self.core = query.core


def _best(alt: str, grams: tuple[str, ...], texts: tuple[str, ...]) -> tuple[float, bool]:
    """Best weighted match of one alternative over the fields; and whether it was wholly in the name."""
    if alt in texts[0]:
        return W_NAME, True
    best = 0.0
    if grams:
        need = 0.5 * len(grams)
        for text, weight in zip(texts, _WEIGHTS, strict=True):
            if weight <= best:
                break
            if alt in text:
                return max(best, weight), False
            hit = 0
            for g in grams:
                if g in text:
                    hit += 1
            if hit >= need:
                m = 0.75 * (hit / len(grams)) * weight
                if m > best:
                    best = m
        return best, False
    for text, weight in zip(texts[1:], _WEIGHTS[1:], strict=True):
        if alt in text:
            return weight, False
    return 0.0, False


def score_payload(query: RankQuery, payload: dict[str, Any]) -> float:
    """Relevance of one candidate (its stored payload) to the prepared query; 0 when nothing counts."""
    if query.possible <= 0:
        return 0.0
    name: str = payload["n"]
    aliases: list[str] = payload.get("a", [])
    texts = (name, "|".join(aliases), payload.get("c", ""), payload.get("s", ""), payload.get("m", ""))
    total = 0.0
    covered: set[str] = set()
    for concept_weight, alts in query.concepts:
        best = 0.0
        name_alt = ""
        for alt, weight, grams in alts:
            m, in_name = _best(alt, grams, texts)
            if m * weight > best:
                best = m * weight
                name_alt = alt if in_name else ""
        total += concept_weight * best
        if name_alt:
            covered.update(name_alt)
    relevance = total / query.possible
    core = query.core
    bonus = 0.0
    if core:
        if core == name or core in aliases:
            bonus += 0.35
        elif len(core) >= 2 and (core in name):
            bonus += 0.12
        elif (len(core) >= 2 and any(core in a for a in aliases)) or (len(name) >= 2 and name in core):
            bonus += 0.08
    if covered:
        bonus += 0.12 * sum(1 for ch in name if ch in covered) / max(len(name), 1)
    pop = payload.get("p", 0)
    if pop > 0:
        bonus += 0.06 * math.log1p(pop) / _POP_NORM
    return relevance + bonus


def score(query: ParsedQuery, cand: Candidate, idf: dict[str, float]) -> float:
    """One candidate against a parsed query (prepare a `RankQuery` once when scoring many)."""
    return score_payload(RankQuery(query, idf), cand.payload)
