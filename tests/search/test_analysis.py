"""Query understanding: how everyday Chinese questions become concepts (no index needed)."""

from __future__ import annotations

from tongban.search.analysis import ParsedQuery, QueryAnalyzer
from tongban.search.defaults import DEFAULT_SYNONYMS
from tongban.search.vocab import Vocabulary

CATALOGUE_TEXTS = [
    "医保关系转移接续",
    "企业注销登记",
    "工伤保险待遇申领",
    "工伤赔偿",
    "个体工商户设立登记",
    "住房公积金提取",
]


def analyzer() -> QueryAnalyzer:
    vocab = Vocabulary()
    vocab.add_text(CATALOGUE_TEXTS)
    return QueryAnalyzer(vocab, DEFAULT_SYNONYMS)


def words(parsed: ParsedQuery) -> set[str]:
    return {alt for concept in parsed.concepts for alt in concept.alts}


def test_a_directional_complement_leaves_the_verb_and_its_direction() -> None:
    parsed = analyzer().parse("之前的医保怎么转过来")
    assert "转入" in parsed.core
    assert not {"过来", "转过"} & words(parsed)
    assert "迁入" in analyzer().parse("爸妈户口想迁过来").core
    assert "落户" in analyzer().parse("户口能不能落过来").core


def test_a_not_a_questions_are_filler_not_negations() -> None:
    parsed = analyzer().parse("公积金能不能拿出来")
    assert "不能" not in words(parsed) and "能不能" not in words(parsed)
    assert "公积金" in words(parsed)


def test_cannot_go_on_with_the_business_means_closing_it() -> None:
    parsed = analyzer().parse("公司经营不下去了")
    assert "注销" in parsed.core
    assert "下去" not in words(parsed)


def test_pinyin_split_by_spaces_is_read_as_one_spelling() -> None:
    parsed = analyzer().parse("gongshang peichang")
    assert parsed.core == "工伤赔偿"
    assert len([c for c in parsed.concepts if "工商" in c.alts]) <= 1  # not counted twice


def test_everyday_wording_is_said_plainly_before_phrases_are_looked_up() -> None:
    from tongban.search.analysis import plain_words

    assert plain_words("想开一家奶茶店") == "想开奶茶店"
    assert plain_words("奶奶今年82了") == "奶奶今年高龄老人了"
    assert plain_words("外婆七十多岁") == "外婆老年人岁"
    assert "退休年龄" in plain_words("我爸满60岁了")
    assert plain_words("身份证唔见咗点补") == "身份证唔见咗怎么补"
    assert plain_words("把户口落在广州") == "把户口落户广州"
    assert plain_words("身份证落在出租车上了") == "身份证落在出租车上了"  # left behind, not settling
    assert plain_words("我们不是广州户口") == "我们外地户口"
