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
from tongban.search.defaults import ENFORCEMENT_KINDS, ENFORCEMENT_WORDS, OPENING_WORDS, SECONDARY_ACTIONS
from tongban.search.text import bigram_set

# field weights: name > alias > context (themes, result, bundle members) > summary > materials
W_NAME, W_ALIAS, W_CONTEXT, W_SUMMARY, W_MATERIALS = 1.0, 0.85, 0.45, 0.35, 0.22
_WEIGHTS = (W_NAME, W_ALIAS, W_CONTEXT, W_SUMMARY, W_MATERIALS)
_POP_NORM = math.log1p(1000)
# what the question did not ask for: a secondary action of the name (each), enforcement on the public
P_ACTION, P_ENFORCEMENT = 0.06, 0.3
B_BUNDLE_INTENT = 0.1
B_FIRST = 0.03


def name_actions(name: str) -> frozenset[str]:
    """The secondary action families (defaults.SECONDARY_ACTIONS keys) a service name carries: 补领 -> {"补"}."""
    return frozenset(key for key, words in SECONDARY_ACTIONS.items() if any(w in name for w in words))


def is_enforcement(name: str, kind: str) -> bool:
    """行政处罚 / 强制 / 检查 on the public: by kind, or by the name ("对…的处罚", "…监督检查")."""
    if kind in ENFORCEMENT_KINDS:
        return True
    if name.startswith("对") and any(w in name for w in ("处罚", "强制", "检查", "处理")):
        return True
    return name.endswith(("处罚", "行政强制", "行政检查", "监督检查"))


def asked_actions(texts: list[str]) -> tuple[frozenset[str], bool]:
    """The action families and whether enforcement words appear in what the query says (typed or expanded)."""
    families = frozenset(
        key for key, words in SECONDARY_ACTIONS.items() if any(w in t or t in w for t in texts for w in words)
    )
    enforcement = any(w in t for t in texts for w in ENFORCEMENT_WORDS)
    return families, enforcement


@dataclass
class Candidate:
    kind: str
    code: str
    payload: dict[str, Any]
    score: float = 0.0


class RankQuery:
    """The query side of ranking, computed once per search."""

    __slots__ = ("actions", "bare", "bundle_intent", "concepts", "core", "enforcement", "fixed", "possible")

    def __init__(self, query: ParsedQuery, idf: dict[str, float]) -> None:
        # concept -> (concept weight, [(alt, alt weight × idf, distinct bigrams when len ≥ 3 else ())])
        self.concepts: list[tuple[float, list[tuple[str, float, tuple[str, ...]]]]] = []
        texts = [query.core, *(alt for concept in query.concepts for alt in concept.alts if len(alt) >= 2)]
        self.actions, self.enforcement = asked_actions(texts)
        possible = 0.0
        for concept in query.concepts:
            alts = []
            best_possible = 0.0
            for alt, alt_weight in concept.alts.items():
                weight = alt_weight * idf.get(alt, 1.0)
                if self.actions and concept.source == "synonym" and any(w in alt for w in OPENING_WORDS):
                    weight *= 0.3  # 执照 -> 设立登记 is what opening asks; here closing or changing is asked
                best_possible = max(best_possible, weight)
                alts.append((alt, weight, tuple(bigram_set(alt)) if len(alt) >= 3 else ()))
            possible += concept.weight * best_possible
            self.concepts.append((concept.weight, alts))
        self.possible = possible
        self.core = query.core
        self.bare = query.bare if query.bare != query.core else ""
        self.fixed = query.fixed
        self.bundle_intent = query.bundle_intent


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


def _core_bonus(core: str, name: str, aliases: list[str]) -> float:
    """The whole query is the name or an alias (0.35), inside the name (0.12), inside an alias or around the name."""
    if not core:
        return 0.0
    if core == name or core in aliases:
        return 0.35
    if len(core) >= 2 and core in name:
        return 0.12
    if (len(core) >= 2 and any(core in a for a in aliases)) or (len(name) >= 2 and name in core):
        return 0.08
    return 0.0


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
        in_name_alts: list[tuple[float, str]] = []
        for alt, weight, grams in alts:
            m, in_name = _best(alt, grams, texts)
            if m * weight > best:
                best = m * weight
            if in_name:
                in_name_alts.append((m * weight, alt))
        # the name covers the concept when an alternative nearly as good as the best match is wholly in it
        # (结婚登记 in the name counts even when the alias 领结婚证 matched 结婚证 a little better)
        name_alt = max((alt for value, alt in in_name_alts if value >= 0.8 * best > 0), key=len, default="")
        total += concept_weight * best
        if name_alt:
            covered.update(name_alt)
    relevance = total / query.possible
    bonus = max(
        _core_bonus(query.core, name, aliases),
        _core_bonus(query.bare, name, aliases),
        _core_bonus(query.fixed, name, aliases),
    )
    if covered:
        bonus += 0.12 * sum(1 for ch in name if ch in covered) / max(len(name), 1)
    pop = payload.get("p", 0)
    if pop > 0:
        bonus += 0.06 * math.log1p(pop) / _POP_NORM
    actions = payload.get("x", "")
    for family in actions:
        if family not in query.actions:
            bonus -= P_ACTION
    if query.actions and not actions and any(w in name for w in OPENING_WORDS):
        bonus -= 2 * P_ACTION if "销" in query.actions else P_ACTION  # asked to close or change; this opens
    if not query.actions and not actions and "首次" in name:  # the first issue is the service itself
        bonus += B_FIRST
    if payload.get("e") and not query.enforcement:
        bonus -= P_ENFORCEMENT
    if query.bundle_intent and str(payload.get("k", "")).startswith("bundle:"):
        bonus += B_BUNDLE_INTENT
    return relevance + bonus


def score(query: ParsedQuery, cand: Candidate, idf: dict[str, float]) -> float:
    """One candidate against a parsed query (prepare a `RankQuery` once when scoring many)."""
    return score_payload(RankQuery(query, idf), cand.payload)
