"""Reads of search data for the console."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from tongban.search.models import SearchQueryLog, SearchSynonym


def synonyms(*, text: str = "") -> QuerySet[SearchSynonym]:
    qs = SearchSynonym.objects.all()
    if text:
        qs = qs.filter(Q(phrase__icontains=text) | Q(expansion__icontains=text))
    return qs


def unmet_queries(*, days: int = 30, limit: int = 200) -> list[dict[str, object]]:
    """Queries of the last `days` days that found nothing, or whose results were rarely clicked (< 10 %)."""
    since = timezone.localdate() - timedelta(days=days)
    rows = (
        SearchQueryLog.objects.filter(day__gte=since)
        .values("normalized")
        .annotate(searches=Sum("searches"), zero=Sum("zero_results"), clicks=Sum("clicks"))
        .filter(Q(zero__gt=0) | Q(clicks__lt=F("searches") * 0.1))
        .order_by("-zero", "-searches")[:limit]
    )
    return [
        {
            "query": r["normalized"],
            "searches": r["searches"],
            "zero": r["zero"],
            "clicks": r["clicks"],
            "click_rate": (r["clicks"] / r["searches"]) if r["searches"] else 0.0,
        }
        for r in rows
    ]
