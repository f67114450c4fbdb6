"""A page in the reader's language, content included.

    {% load page_language %}
    {{ item.name|hant }}            繁體中文 page: in Traditional characters (script "Hant");
                                    other languages: as it is
    {% hant %} … {% endhant %}      the same for a rendered piece of HTML: its text and readable
                                    attributes; form values, scripts and text areas untouched
    {{ case.due_on|long_date }}     2026年12月22日 · 22 December 2026
    {{ event.at|date_time }}        2026-12-22 14:05 · 22 Dec 2026, 14:05

Content written in Simplified Chinese (the catalogue, histories, messages) stays Chinese on English
pages: the catalogue has no English names to show instead.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from tongban.core import language
from tongban.core.language import page_is_traditional
from tongban.core.traditional_chinese import html_to_traditional, to_traditional

register = template.Library()


@register.filter(is_safe=True)
def hant(value: object) -> object:
    """Content in the page's script: Traditional characters on a 繁體 page."""
    if not page_is_traditional() or not isinstance(value, str):
        return value
    converted = to_traditional(value)
    # the same text in other characters: markup that was safe stays safe
    return mark_safe(converted) if isinstance(value, SafeString) else converted  # noqa: S308


@register.filter(expects_localtime=True)
def long_date(value: date | datetime | None) -> str:
    """A date in words of the page's language: 2026年12月22日, 22 December 2026."""
    return language.long_date(value)


@register.filter(expects_localtime=True)
def date_time(value: datetime | None) -> str:
    """A moment in the page's language: 2026-12-22 14:05, 22 Dec 2026, 14:05."""
    return language.date_time(value)


class HantNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        html = self.nodelist.render(context)
        if not page_is_traditional():
            return html
        # the rendered (escaped) HTML with its characters converted: as safe as it was
        return mark_safe(html_to_traditional(html))  # noqa: S308


@register.tag(name="hant")
def do_hant(parser: Parser, token: Token) -> HantNode:
    nodelist = parser.parse(("endhant",))
    parser.delete_first_token()
    return HantNode(nodelist)
