"""办理过程 on pages: `{{ event|event_label }}`, `{{ event|event_comment }}` in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from tongban.cases import event_labels

register = template.Library()


@register.filter
def event_label(event: event_labels.Event) -> str:
    return event_labels.label_of(event)


@register.filter
def event_comment(event: event_labels.Event) -> str:
    return event_labels.comment_of(event)


@register.filter
def message_title(message: event_labels.StoredMessage) -> str:
    return event_labels.message_title_of(message)


@register.filter
def message_body(message: event_labels.StoredMessage) -> str:
    return event_labels.message_body_of(message)


@register.filter
def number_in_groups(number: str) -> str:
    """A case number that may wrap only between its parts — item code, date, sequence — on a narrow
    screen, never in the middle of one (THSJ-002 · 20261208 · 000006)."""
    text = str(number)
    if len(text) <= 14 or not text[-14:].isdigit():
        return text
    code, day, sequence = text[:-14], text[-14:-6], text[-6:]
    return format_html("{}<wbr>{}<wbr>{}", code, day, sequence)
