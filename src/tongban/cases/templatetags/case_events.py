"""办理过程 on pages: `{{ event|event_label }}`, `{{ event|event_comment }}` in the reader's language."""

from __future__ import annotations

from django import template

from tongban.cases import event_labels

register = template.Library()


@register.filter
def event_label(event: event_labels.Event) -> str:
    return event_labels.label_of(event)


@register.filter
def event_comment(event: event_labels.Event) -> str:
    return event_labels.comment_of(event)
