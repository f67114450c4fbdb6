"""Query understanding in detail: concepts, their sources and weights, corrections, intents."""

from __future__ import annotations

import pytest

from tongban.search.analysis import (
    Concept,
    QueryAnalyzer,
    _merge,
    normalize_expansion,
    parse_expansion,
    plain_words,
)
from tongban.search.defaults import DEFAULT_SYNONYMS
from tongban.search.vocab import Vocabulary

CATALOGUE = [
    "居民身份证补领",
    "居民身份证换领",
    "营业执照注销登记",
    "营业执照变更登记",
    "医保关系转移接续",
    "出生登记",
    "住房公积金提取",
    "个体工商户设立登记",
    "新生儿出生一件事",
    "高龄津贴申领",
    "老年人优待证办理",
    "工伤保险待遇申领",
    "工伤赔偿",
]


@pytest.fixture(scope="module")
def analyzer() -> QueryAnalyzer:
    vocab = Vocabulary()
    for name in CATALOGUE:
        vocab.add_text([name])
    return QueryAnalyzer(vocab, DEFAULT_SYNONYMS)


def by_source(parsed, source: str) -> list[Concept]:
    return [c for c in parsed.concepts if c.source == source]


def alts(parsed) -> set[str]:
    return {alt for c in parsed.concepts for alt in c.alts}


def test_expansions_are_groups_of_alternatives() -> None:
    assert parse_expansion("补领/补办 营业执照，挂失；遗失") == [["补领", "补办"], ["营业执照"], ["挂失"], ["遗失"]]
    assert parse_expansion("  ") == []
    assert parse_expansion("a//b") == [["a", "b"]]
    assert parse_expansion("公章 / ，") == [["公章"]]  # a group without a word is no group
    assert normalize_expansion("補領/補辦  營業執照") == "补领/补办 营业执照"


def test_traditional_question_words_and_filler_leave_the_core(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("請問身份證丟了怎麼辦？")
    assert parsed.normalized.startswith("请问身份证丢了怎么办")
    assert parsed.core == "身份证丢了"
    assert parsed.bare == "身份证丢"


def test_a_colloquial_phrase_adds_the_official_words(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("身份证丢了")
    lost = next(c for c in by_source(parsed, "synonym") if c.typed == "丢了")
    assert set(lost.alts) >= {"补领", "补办", "挂失"}
    assert lost.weight == pytest.approx(0.85)
    single = next(c for c in parsed.concepts if c.source == "term" and "丢" in c.alts)
    assert single.weight < 0.6  # the typed word the phrase explains counts less


def test_a_one_character_phrase_counts_less_than_a_longer_one(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("身份证 补领")
    one = [c for c in by_source(parsed, "synonym") if len(c.typed) == 1]
    assert one and all(c.weight == pytest.approx(0.55) for c in one)


def test_a_synonym_naming_the_typed_word_widens_it_instead_of_adding_a_concept(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("医保")
    assert len(parsed.concepts) == 1
    concept = parsed.concepts[0]
    assert concept.alts["医保"] == 1.0
    assert concept.alts["医疗保险"] == pytest.approx(0.65)


def test_full_pinyin_becomes_the_catalogue_word(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("shenfenzheng")
    assert parsed.core == "身份证"
    pinyin = by_source(parsed, "pinyin")
    assert [set(c.alts) for c in pinyin] == [{"身份证"}]


def test_initials_become_the_catalogue_word(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("gjj")
    assert parsed.core == "公积金"
    assert "住房公积金" in alts(parsed)


def test_a_synonym_key_in_latin_letters_stays_as_typed(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("sfz丢了")
    assert "sfz" in parsed.core
    assert any(c.source == "synonym" and c.typed == "sfz" and "身份证" in c.alts for c in parsed.concepts)


def test_a_wrong_character_is_corrected_by_sound(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("营业执找")
    assert parsed.fixed == "营业执照"
    homophone = by_source(parsed, "homophone")
    assert homophone and homophone[0].typed == "执找" and homophone[0].alts["执照"] == pytest.approx(0.95)
    assert any(c.source == "synonym" and c.typed == "营业执照" for c in parsed.concepts)  # what it means


def test_a_known_word_is_not_corrected(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("营业执照")
    assert parsed.fixed == ""
    assert not by_source(parsed, "homophone")


def test_asking_what_a_life_event_needs_is_a_bundle_intent(analyzer: QueryAnalyzer) -> None:
    assert analyzer.parse("孩子出生要办什么").bundle_intent
    assert analyzer.parse("出生一件事").bundle_intent
    assert not analyzer.parse("出生登记").bundle_intent


def test_who_it_is_for_counts_less_than_what_is_asked(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("妈妈身份证丢了")
    mother = next(c for c in parsed.concepts if c.source == "term" and "妈妈" in c.alts)
    identity = next(c for c in parsed.concepts if "身份证" in c.alts)
    assert mother.weight < identity.weight / 2


def test_a_query_of_filler_only_has_no_concepts(analyzer: QueryAnalyzer) -> None:
    parsed = analyzer.parse("请问")
    assert parsed.empty and parsed.core == ""
    assert analyzer.parse("？？？").empty


def test_numbers_are_kept_as_concepts(analyzer: QueryAnalyzer) -> None:
    assert "2025" in alts(analyzer.parse("2025 出生登记"))


@pytest.mark.parametrize(
    ("query", "plain"),
    [
        ("奶奶今年82了", "高龄老人"),
        ("奶奶今年八十多岁了", "高龄老人"),
        ("外婆七十多岁", "老年人"),
        ("外公72岁了", "老年人"),
        ("我爸满60岁了", "退休年龄"),
    ],
)
def test_ages_in_digits_or_words_become_what_the_services_are_for(
    analyzer: QueryAnalyzer, query: str, plain: str
) -> None:
    assert plain in analyzer.parse(query).core


def test_an_age_inside_a_longer_number_is_not_an_age() -> None:
    assert plain_words("工号1082了") == "工号1082了"
    assert plain_words("编号560了") == "编号560了"


@pytest.mark.parametrize(
    ("said", "plain"),
    [
        ("奶茶店不开了", "奶茶店注销"),
        ("公司撑不下去了", "公司注销"),
        ("不再经营", "注销"),
        ("公积金取出来", "公积金取出"),
        ("社保转过来", "社保转入"),
        ("户口迁回来", "户口迁回"),
        ("注册一家公司", "注册公司"),
        ("换个身份证", "换身份证"),
        ("爸爸退下来了", "爸爸退休了"),
        ("个体户", "个体户"),
        ("点办护照", "怎么办护照"),
    ],
)
def test_everyday_wording_is_said_plainly(said: str, plain: str) -> None:
    assert plain_words(said) == plain


def test_duplicate_concepts_are_merged_keeping_the_larger_weight() -> None:
    merged = _merge(
        [Concept({"医保": 1.0}, 0.4), Concept({"医保": 1.0}, 0.9), Concept({}, 1.0), Concept({"社保": 1.0})]
    )
    assert [(set(c.alts), c.weight) for c in merged] == [({"医保"}, 0.9), ({"社保"}, 1.0)]


def test_a_concept_keeps_the_best_weight_of_an_alternative() -> None:
    concept = Concept({"补领": 0.5})
    concept.add("补领", 0.3)
    concept.add("补领", 0.8)
    concept.add("补办", 0.2)
    assert concept.alts == {"补领": 0.8, "补办": 0.2}


def test_synonyms_with_traditional_keys_and_empty_expansions_are_cleaned() -> None:
    analyzer = QueryAnalyzer(Vocabulary(), {"身份證": "居民身份證", "空的": "  ", "": "x"})
    assert analyzer.synonyms == {"身份证": [["居民身份证"]]}
    assert QueryAnalyzer(Vocabulary(), {}).parse("身份证").concepts
