"""Edge cases of query understanding: unknown spellings, colloquial words in pinyin, typos in long words."""

from __future__ import annotations

import pytest

from tongban.search.analysis import QueryAnalyzer
from tongban.search.defaults import DEFAULT_SYNONYMS
from tongban.search.ranking import RankQuery, score_payload
from tongban.search.vocab import Vocabulary

CATALOGUE = ["电梯使用登记", "医保关系转移接续", "居民身份证补领", "住房公积金提取", "户口簿补领", "出生医学证明"]


@pytest.fixture(scope="module")
def analyzer() -> QueryAnalyzer:
    vocab = Vocabulary()
    for name in CATALOGUE:
        vocab.add_text([name])
    return QueryAnalyzer(vocab, DEFAULT_SYNONYMS)


def test_latin_letters_that_spell_nothing_stay_as_typed(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("qwertyuiop")
    assert parsed.core == "qwertyuiop"
    (concept,) = parsed.concepts
    assert concept.alts == {"qwertyuiop": 1.0} and concept.weight == pytest.approx(0.6)


def test_the_pinyin_of_a_colloquial_phrase_finds_the_phrase(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("hukouben")  # 户口本 is not a catalogue word; 户口簿 is
    assert parsed.core == "户口本"
    assert any(c.source == "synonym" and "户口簿" in c.alts for c in parsed.concepts)


def test_a_known_abbreviation_in_latin_letters_and_a_chinese_word_together(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("sfz补领")
    words = {alt for c in parsed.concepts for alt in c.alts}
    assert {"身份证", "补领"} <= words


def test_a_two_character_typo_is_corrected_by_sound(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("医宝转移")
    assert parsed.fixed == "医保转移"
    homophone = next(c for c in parsed.concepts if c.source == "homophone")
    assert homophone.typed == "医宝" and homophone.alts["医保"] == pytest.approx(0.95)


def test_a_typo_inside_a_long_word_is_found_around_the_lone_character(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("出生医学正明")
    assert parsed.fixed == "出生医学证明"
    lone = [c for c in parsed.concepts if c.source == "term" and set(c.alts) <= {"正", "明"}]
    assert lone and all(c.weight < 0.3 for c in lone)  # the wrong characters alone count little


def test_one_character_filler_is_left_out_of_the_bare_form(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("电梯要登记吗")
    assert parsed.core == "电梯要登记吗" and parsed.bare == "电梯登记"


def test_the_bare_form_earns_the_whole_query_bonus(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("电梯要登记吗")
    rank = RankQuery(parsed, {})
    named = {"k": "item:E", "n": "电梯登记", "a": [], "c": "", "s": "", "m": "", "p": 0, "x": "", "e": False}
    longer = {**named, "n": "电梯使用登记"}
    assert score_payload(rank, named) > score_payload(rank, longer)


def test_the_corrected_query_earns_the_whole_query_bonus(analyzer: QueryAnalyzer) -> None:
    rank = RankQuery(analyzer.parse("医宝转移"), {})
    alias = {
        "k": "item:Y",
        "n": "社保关系变更",
        "a": ["医保转移"],
        "c": "",
        "s": "",
        "m": "",
        "p": 0,
        "x": "",
        "e": False,
    }
    plain = {**alias, "a": ["医疗保障关系"]}
    assert score_payload(rank, alias) > score_payload(rank, plain)


@pytest.mark.parametrize("query", ["", "   ", "？？", "的了吗", "请问一下"])
def test_queries_of_nothing_have_nothing_to_search(analyzer: QueryAnalyzer, query: str) -> None:
    assert analyzer.parse(query).empty


def test_mixed_width_and_case_parse_alike(analyzer: QueryAnalyzer) -> None:
    assert analyzer.parse("ＳＦＺ补领").core == analyzer.parse("sfz补领").core
    assert analyzer.parse("SFZ补领").core == "sfz补领"
