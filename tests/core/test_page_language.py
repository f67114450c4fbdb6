"""A page in the reader's language: 繁體 content converted at render, dates in the language's words,
and a zh_Hant catalogue written in the same characters as the converted content (no mixed script)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import timezone, translation

import tongban
from tongban.core.traditional_chinese import to_traditional

LOCALE = Path(tongban.__file__).parent / "locale"


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load page_language %}" + source).render(Context(context))


def test_content_is_converted_on_traditional_pages_only():
    assert render("{{ name|hant }}", "zh-hant", name="居民身份证补领") == "居民身份證補領"
    assert render("{{ name|hant }}", "zh-hans", name="居民身份证补领") == "居民身份证补领"
    assert render("{{ name|hant }}", "en", name="居民身份证补领") == "居民身份证补领"


def test_standard_characters_not_hong_kong_variants():
    """用户名或手機號碼 was what a 繁體 page showed: 户 and 説 read as simplified among traditional."""
    assert to_traditional("用户名或手机号码") == "用戶名或手機號碼"
    assert to_traditional("请说明理由") == "請說明理由"


def test_a_converted_block_keeps_what_was_typed_and_converts_what_is_read():
    html = render(
        '{% hant %}<label for=a title=\'身份证\'>姓名</label><input id=a value="{{ typed }}" placeholder="如：张三">'
        '<textarea name=b>{{ typed }}</textarea><a href="/search/?q=身份证" aria-label="查身份证">身份证</a>{% endhant %}',
        "zh-hant",
        typed="张小宝",
    )
    assert "<label for=a title='身份證'>姓名</label>" in html
    assert 'value="张小宝"' in html and 'placeholder="如：張三"' in html
    assert "<textarea name=b>张小宝</textarea>" in html
    assert 'href="/search/?q=身份证"' in html and 'aria-label="查身份證">身份證</a>' in html


def test_a_converted_block_keeps_escaping():
    html = render("{% hant %}{{ text }}{% endhant %}", "zh-hant", text="<b>发</b>")
    assert html == "&lt;b&gt;發&lt;/b&gt;"


def test_dates_in_the_words_of_each_language():
    day = dt.date(2026, 12, 22)
    assert render("{{ day|long_date }}", "zh-hans", day=day) == "2026年12月22日"
    assert render("{{ day|long_date }}", "zh-hant", day=day) == "2026年12月22日"
    assert render("{{ day|long_date }}", "en", day=day) == "22 December 2026"
    moment = dt.datetime(2026, 12, 22, 6, 5, tzinfo=dt.UTC)  # 14:05 in Asia/Shanghai
    assert render("{{ moment|date_time }}", "zh-hans", moment=moment) == "2026-12-22 14:05"
    assert render("{{ moment|date_time }}", "en", moment=moment) == "22 Dec 2026, 14:05"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    assert render("{{ nothing|long_date }}", "en", nothing=None) == ""


@pytest.mark.parametrize("path", [LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"], ids=["zh_Hant"])
def test_the_traditional_catalogue_is_the_source_in_the_same_characters_as_content(path):
    """Interface and content read alike: each msgstr is its msgid as content conversion writes it."""
    mixed = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        pairs = (
            [(entry.msgid_plural if n else entry.msgid, shown) for n, shown in entry.msgstr_plural.items()]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        )
        mixed += [(source, shown) for source, shown in pairs if shown and shown != to_traditional(source)]
    assert mixed == []
