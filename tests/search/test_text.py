"""Text normalisation for search: one form for traditional, full-width, upper-case and punctuated text."""

from __future__ import annotations

import pytest

from tongban.search.text import (
    bigram_set,
    bigrams,
    char_readings_table,
    compact,
    compact_uncached,
    is_cjk,
    normalize,
    pinyin_full,
    pinyin_initials,
    to_simplified,
)


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("身份證丟了", "身份证丢了"),  # traditional → simplified
        ("ＳＦＺ　补领", "sfz 补领"),  # full-width letters and space → half-width, lower case
        ("营业执照，怎么办？！", "营业执照 怎么办"),  # punctuation → one space, trimmed
        ("  医保   转移 ", "医保 转移"),
        ("出生登记-2025", "出生登记 2025"),
        ("", ""),
    ],
)
def test_normalize_gives_one_form(typed: str, normal: str) -> None:
    assert normalize(typed) == normal


def test_compact_drops_every_space_and_matches_the_uncached_form() -> None:
    for text in ("身份證 丟了", "ＡＢＣ １２３", "医保，关系·转移", "住房公积金提取"):
        assert " " not in compact(text)
        assert compact(text) == compact_uncached(text)
    assert compact("居民 身份證") == "居民身份证"


def test_simplified_text_is_returned_without_asking_opencc(monkeypatch: pytest.MonkeyPatch) -> None:
    from tongban.search import text as module

    class Refuse:
        def convert(self, value: str) -> str:
            raise AssertionError("OpenCC asked about simplified text")

    monkeypatch.setattr(module, "_t2s", Refuse())
    assert to_simplified("居民身份证补领（仅本测试用）") == "居民身份证补领（仅本测试用）"


def test_traditional_text_is_converted() -> None:
    assert to_simplified("戶口遷移") == "户口迁移"


@pytest.mark.parametrize(
    ("text", "cjk"), [("出生", True), ("出生a", False), ("", False), ("sfz", False), ("醫保", True)]
)
def test_is_cjk_only_for_a_run_of_chinese_characters(text: str, cjk: bool) -> None:
    assert is_cjk(text) is cjk


def test_bigrams_of_each_chinese_run_and_single_characters_whole() -> None:
    assert bigrams("出生登记") == ["出生", "生登", "登记"]
    assert bigrams("出生 登记") == ["出生", "登记"]  # runs are not joined across a space
    assert bigrams("证 abc 医保") == ["证", "医保"]
    assert bigrams("abc 123") == []
    assert bigram_set("医保医保") == frozenset({"医保", "保医"})
    assert bigram_set("医") == frozenset()


def test_pinyin_full_and_initials() -> None:
    assert pinyin_full("身份证") == "shenfenzheng"
    assert pinyin_initials("身份证") == "sfz"
    assert pinyin_full("公积金") == "gongjijin"
    assert pinyin_initials("公积金") == "gjj"
    assert pinyin_full("abc") == ""  # only Chinese characters have pinyin


def test_character_readings_list_every_reading_with_the_default_first() -> None:
    table = char_readings_table()
    assert table["行"].split(",")[0] == "xing" and "hang" in table["行"].split(",")
    assert table["长"].split(",")[:2] == ["zhang", "chang"]
    assert table["证"] == "zheng"
    assert len(table) > 20_000  # the basic block and extension A
    assert all("\u3400" <= ch <= "\u9fff" for ch in list(table)[:100])
