"""理解查询: turn what a person typed into weighted concepts.

Steps: normalise (t2s, width, case) → pinyin runs become words of the catalogue → everyday wording is
said plainly (measure words, directional complements, closing down, ages, Cantonese 点; `plain_words`) →
colloquial phrases add official concepts (synonym table) → question words and filler go → segment
(rjieba) → words the catalogue does not know are tried as homophones (同音错字) of words it does know.
A concept is a set of alternative strings; a document scores for a concept by its best alternative.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import rjieba

from tongban.search.defaults import (
    ACTION_WORDS,
    BUNDLE_INTENT_PHRASES,
    FILLER_PHRASES,
    FILLER_TOKENS,
    PERSON_WORDS,
    WEAK_TOKENS,
)
from tongban.search.text import CJK_RUN, TOKEN_RUN, normalize
from tongban.search.vocab import Vocabulary

# "注册一家公司" is "注册公司": a number-and-measure word between a verb and its object goes first
_QUANTIFIER_RE = re.compile(
    "一[个家张份套间辆本座位所台笔项次趟]|(?<=[开改办换起取弄搞做领补])个(?![体人税])|(?<=开)家(?![长庭属具政里乡])"
)
# Closing down said the everyday way: 不开了, 不想做了, 不再经营 … all mean 注销 (or 歇业)
_CLOSING_RE = re.compile(
    "不(?:想|再|打算|准备)*(?:开|干|做|营业|经营|开店|开公司)(?:下去)?(?:了|啦)?"
    "|(?:经营|开|干|做|撑|维持|办)不下去(?:了|啦)?"
)
# Not registered here (不是广州户口, 没有本地户口, 非本市户籍): said of a newcomer, 外地户口
_NOT_LOCAL_RE = re.compile("(?:不是|没有|没|非)(?:本地|本市|这边|这里|[\u4e00-\u9fff]{2}(?:市)?)(?:的)?(?:户口|户籍)")
# Eighty and over (今年82了, 九十多岁): the age the 高龄 services are for
_OLD_AGE_RE = re.compile("(?<![0-9])(?:[89][0-9]|1[0-9]{2}|八十|九十|一百)(?:多)?(?=岁|周岁|了)")
# Sixty-five to seventy-nine (七十多岁): 老年人; fifty to sixty-four (满60了): the age of retiring
_ELDER_AGE_RE = re.compile("(?<![0-9])(?:6[5-9]|7[0-9]|六十五|七十)(?:多)?(?=岁|周岁|了)")
_RETIRING_AGE_RE = re.compile("(?<![0-9一二三四五六七八九])(?:5[05]|6[0-4]|五十五?|六十)(?:周)?(?=岁|周岁|了)")
# Cantonese 点 before a verb is 怎么 (点补, 点换, 点办): a question word
_DIAN_RE = re.compile("点(?=[办补换交申领弄搞算做])")
# Directional complements (转过来, 迁进来, 拿出来): the verb before them is what is asked, and the
# direction says which way (转过来 -> 转入, 迁过来 -> 迁入, 取出来 -> 取出); 落过来 is 落户
_DIRECTION_RE = re.compile("(?<=[\u4e00-\u9fff])(?:过来|进来|回来|出来|出去|回去|下来|上来|起来|上去|过去)")
_DIRECTION = {"过来": "入", "进来": "入", "回来": "回", "出来": "出", "出去": "出"}
_SETTLE_RE = re.compile("落(?:过来|进来|到这边|下来)|(?<=户口)落[在到]")  # not 身份证落在车上 (left behind)
_RETIRE_RE = re.compile("退(?:下来|休下来)")
# How everyday wording is rewritten before phrases are looked up, in this order: measure words first
# (开一家店 is 开店 before anything reads it), 落过来 / 退下来 before the direction words inside them
_REWRITES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (_QUANTIFIER_RE, ""),
    (_SETTLE_RE, "落户"),
    (_RETIRE_RE, "退休"),
    (_DIRECTION_RE, lambda m: _DIRECTION.get(m.group(0), "")),
    (_CLOSING_RE, "注销"),
    (_NOT_LOCAL_RE, "外地户口"),
    (_OLD_AGE_RE, "高龄老人"),
    (_ELDER_AGE_RE, "老年人"),
    (_RETIRING_AGE_RE, "退休年龄"),
    (_DIAN_RE, "怎么"),
]


def plain_words(text: str) -> str:
    """Everyday wording said plainly: 开一家店 -> 开店, 迁过来 -> 迁入, 不想做了 -> 注销, 今年82了 -> 高龄老人 …"""
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


SAME_W = 0.65
MAX_INITIALS = 5  # interpretations kept of a run of initials
_FILLER_RE = re.compile("|".join(sorted(map(re.escape, FILLER_PHRASES), key=len, reverse=True)))


@dataclass
class Concept:
    alts: dict[str, float]  # alternative string -> weight of that alternative (≤ 1)
    weight: float = 1.0
    source: str = "term"  # term | synonym | pinyin | homophone
    typed: str = ""  # homophone: the stretch of the query it corrects

    def add(self, text: str, weight: float) -> None:
        if weight > self.alts.get(text, 0.0):
            self.alts[text] = weight


@dataclass
class ParsedQuery:
    raw: str
    normalized: str
    core: str  # the query without filler, compact, pinyin turned to words
    concepts: list[Concept] = field(default_factory=list)
    bare: str = ""  # the core without one-character filler words (电梯要登记吗 -> 电梯登记)
    bundle_intent: bool = False  # asks what a life event needs (办什么, 一件事): bundles answer it
    fixed: str = ""  # the core with wrong characters corrected (建筑资志 -> 建筑资质), when there were any

    @property
    def empty(self) -> bool:
        return not self.concepts


def parse_expansion(expansion: str) -> list[list[str]]:
    """'补领/补办 营业执照' -> [['补领', '补办'], ['营业执照']]; a group without a word ("/") is dropped."""
    groups = ([alt for alt in group.split("/") if alt] for group in re.split(r"[\s,，、;；]+", expansion))
    return [alts for alts in groups if alts]


class QueryAnalyzer:
    def __init__(self, vocab: Vocabulary, synonyms: dict[str, str]) -> None:
        self.vocab = vocab
        self.synonyms = {
            normalize(k).replace(" ", ""): parse_expansion(normalize_expansion(v)) for k, v in synonyms.items()
        }
        self.synonyms = {k: v for k, v in self.synonyms.items() if k and v}
        self._phrase_tables: tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]] | None = None
        self._syn_re = (
            re.compile("|".join(sorted(map(re.escape, self.synonyms), key=len, reverse=True)))
            if self.synonyms
            else None
        )

    # -- pinyin --------------------------------------------------------------------------------
    def _phrase_pinyin(self) -> tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]]:
        """The synonym table's colloquial phrases by full pinyin and by initials ("hukouben" -> 户口本): what
        people type in pinyin is the everyday word, which the catalogue may not contain."""
        if self._phrase_tables is None:
            full: dict[str, list[tuple[str, int]]] = {}
            initials: dict[str, list[tuple[str, int]]] = {}
            for phrase in self.synonyms:
                if len(phrase) < 2 or not CJK_RUN.fullmatch(phrase) or phrase in self.vocab:
                    continue
                spelled = [self.vocab.char_pinyin(ch) for ch in phrase]
                if all(spelled):
                    full.setdefault("".join(spelled), []).append((phrase, 1))
                    initials.setdefault("".join(s[0] for s in spelled), []).append((phrase, 1))
            self._phrase_tables = (full, initials)
        return self._phrase_tables

    def _pinyin_words(self, run: str) -> list[list[tuple[str, int]]] | None:
        """Segment a run of latin letters into catalogue words by full pinyin, else by initials."""
        phrase_full, phrase_initials = self._phrase_pinyin()
        for table, extra, syllable_skip in (
            (self.vocab.by_pinyin, phrase_full, True),
            (self.vocab.by_initials, phrase_initials, False),
        ):
            pieces = self._segment(run, table, extra, syllable_skip)
            if pieces:
                if not syllable_skip:  # initials name things (sfz, gjj), rarely the catalogue's verbs (核准)
                    pieces = [
                        sorted(words, key=lambda wc: -(wc[1] / 10 if wc[0] in ACTION_WORDS else wc[1]))[:MAX_INITIALS]
                        for words in pieces
                    ]
                return pieces
        return None

    def _segment(
        self,
        run: str,
        table: dict[str, list[tuple[str, int]]],
        extra: dict[str, list[tuple[str, int]]],
        syllable_skip: bool,
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
                more = extra.get(key)
                if more:
                    words = [*(words or []), *more]
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
        for token in self._pinyin_runs(TOKEN_RUN.findall(normalized)):
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
        # latin words stand apart; digits stay next to their characters (今年82了 is an age, see plain_words)
        text = "".join(f" {p} " if p.isascii() and p.isalpha() else p for p in parts).strip()
        text = plain_words(text)
        core = _FILLER_RE.sub("", text).replace(" ", "")
        phrases = [m.group(0) for m in self._syn_re.finditer(text)] if self._syn_re is not None else []
        remaining = _FILLER_RE.sub(" ", text)
        pinyin_texts = {next(iter(c.alts)) for c in concepts}
        terms: list[Concept] = []
        for run in TOKEN_RUN.findall(remaining):
            if run in pinyin_texts:
                continue
            if not CJK_RUN.fullmatch(run):
                if run in self.synonyms or len(run) > 1:
                    terms.append(Concept({run: 1.0}, 0.6))
                continue
            terms.extend(self._cjk_concepts(run))
        pinyin_alts = {alt for c in concepts for alt in c.alts}  # the words pinyin became: counted once
        terms = [t for t in terms if not (len(t.alts) == 1 and next(iter(t.alts)) in pinyin_alts)]
        concepts.extend(terms)
        corrected = text
        for concept in terms:
            if concept.source == "homophone" and concept.typed:
                best = max((a for a in concept.alts if a != concept.typed), key=concept.alts.__getitem__, default="")
                corrected = corrected.replace(concept.typed, best, 1) if best else corrected
        if corrected != text and self._syn_re is not None:  # 营业执找 -> 营业执照: then what it colloquially means
            phrases += [m.group(0) for m in self._syn_re.finditer(corrected) if m.group(0) not in phrases]
        concepts.extend(self._synonym_concepts(phrases, terms))
        about_people = [
            c for c in concepts if (c.typed if c.source == "synonym" else next(iter(c.alts))) in PERSON_WORDS
        ]
        if about_people and len(about_people) < len(concepts):
            for concept in about_people:
                concept.weight *= 0.5
        compact_text = normalized.replace(" ", "")
        return ParsedQuery(
            raw=raw,
            normalized=normalized,
            core=core,
            bare="".join(t for t in rjieba.cut(core) if t not in FILLER_TOKENS) if CJK_RUN.search(core) else core,
            concepts=_merge(concepts),
            bundle_intent=any(p in compact_text for p in BUNDLE_INTENT_PHRASES),
            fixed=_FILLER_RE.sub("", corrected).replace(" ", "") if corrected != text else "",
        )

    def _pinyin_runs(self, tokens: list[str]) -> list[str]:
        """Neighbouring latin words joined ("gongshang peichang" -> "gongshangpeichang"): spaces fall anywhere
        between syllables, and the joined spelling can be one catalogue word (工伤赔偿) where each half alone
        is another (工商 + 赔偿). Synonym keys (sfz) stay apart."""
        out: list[str] = []
        for token in tokens:
            latin = token.isascii() and token.isalpha() and token not in self.synonyms
            if latin and out and out[-1].isascii() and out[-1].isalpha() and out[-1] not in self.synonyms:
                out[-1] += token
            else:
                out.append(token)
        return out

    def _synonym_concepts(self, phrases: list[str], terms: list[Concept]) -> list[Concept]:
        """The official words of the colloquial phrases found (synonym table), each group a concept.

        A group that lists the typed word itself ("医保": "医疗保险/医保") makes that word's concept wider
        (one concept, counted once). Otherwise the typed words the phrase covers count less (the expansion
        explains them), but still count: a catalogue whose aliases say it the colloquial way matches them.
        """
        out: list[Concept] = []
        reduced: set[int] = set()
        for phrase in phrases:
            weight = 0.55 if len(phrase) == 1 else 0.85
            inside = [c for c in terms if c.source != "synonym" and next(iter(c.alts)) in phrase]
            same = [c for c in inside if next(iter(c.alts)) == phrase]
            for group in self.synonyms[phrase]:
                if same and phrase in group:
                    for alt in group:
                        same[0].add(alt, SAME_W)
                    same[0].weight = max(same[0].weight, weight)
                    continue
                for concept in inside:
                    if id(concept) not in reduced:
                        reduced.add(id(concept))
                        concept.weight *= 0.6
                out.append(Concept({alt: 1.0 for alt in group}, weight, "synonym", typed=phrase))
        return out

    def _cjk_concepts(self, run: str) -> list[Concept]:
        out: list[Concept] = []
        singles: list[tuple[int, Concept]] = []  # one-character words: often a wrong character of a longer word
        pos = 0
        for piece in rjieba.cut(run):
            start, pos = pos, pos + len(piece)
            token = piece
            if token in FILLER_TOKENS:
                continue
            if len(token) > 1 and token.endswith("个"):
                token = token[:-1]
            if len(token) > 1 and token.startswith(("办", "要", "想")) and token not in self.vocab:
                token = token[1:]
            if not token or token in FILLER_TOKENS:
                continue
            weight = 0.3 if token in WEAK_TOKENS else (0.6 if len(token) == 1 else 1.0)
            concept = Concept({token: 1.0}, weight)
            if len(piece) == 1:
                singles.append((start, concept))
            if len(token) >= 2 and token not in self.vocab:
                subs = [w for w in rjieba.cut_for_search(token) if w != token and len(w) >= 2 and w in self.vocab]
                for sub in subs:
                    concept.add(sub, 0.9 if len(sub) >= 3 else 0.75)
                if not subs:
                    for word, _count in self.vocab.homophones(token) or self.vocab.homophones(token, fuzzy=True):
                        concept.add(word, 0.95)
                        concept.source, concept.typed = "homophone", token
                    if len(token) >= 4:
                        for i in range(len(token) - 1):
                            for size in (3, 2):
                                window = token[i : i + size]
                                if len(window) == size and window not in self.vocab:
                                    for word, _count in self.vocab.homophones(window):
                                        concept.add(word, 0.8)
            out.append(concept)
        out.extend(self._sound_alike(run, singles))
        return out

    def _sound_alike(self, run: str, singles: list[tuple[int, Concept]]) -> list[Concept]:
        """Catalogue words that sound like a stretch of the run around a lone character (营业执找 -> 营业执照).

        Segmentation leaves a wrong character alone; the 2–4 characters around it, read aloud, are often a word
        of the catalogue (同音 or 近音 — zh/z, sh/s, ch/c, -ng/-n). The lone characters then count less.
        """
        out: list[Concept] = []
        for start, single in singles:
            found = False
            for size in (4, 3, 2):
                for begin in range(max(0, start - size + 1), min(start, len(run) - size) + 1):
                    window = run[begin : begin + size]
                    if window in self.vocab or all(ch in FILLER_TOKENS for ch in window):
                        continue
                    words = self.vocab.homophones(window) or self.vocab.homophones(window, fuzzy=True)
                    if words:
                        out.append(Concept({w: 0.9 for w, _c in words}, 1.0, "homophone", typed=window))
                        found = True
            if found:
                single.weight *= 0.3
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
