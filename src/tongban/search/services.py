"""Search services: the process-wide engine, index upkeep, the synonym table and the query log."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from tongban.core import audit
from tongban.search.analysis import parse_expansion
from tongban.search.engine import Filters, Hit, Progress, TantivyEngine
from tongban.search.models import SearchQueryLog, SearchSynonym
from tongban.search.text import normalize

_engine: TantivyEngine | None = None
_engine_lock = threading.Lock()


class _SynonymCache:
    """The enabled synonyms, re-read when the table changed (checked at most once per second)."""

    def __init__(self) -> None:
        self.table: dict[str, str] = {}
        self.version: tuple[Any, int] | None = None
        self.checked = 0.0

    def get(self) -> dict[str, str]:
        now = time.monotonic()
        if self.version is None or now - self.checked >= 1.0:
            self.checked = now
            stamp = SearchSynonym.objects.aggregate(m=Max("updated_at"))["m"]
            version = (stamp, SearchSynonym.objects.count())
            if version != self.version:
                self.table = dict(SearchSynonym.objects.filter(enabled=True).values_list("phrase", "expansion"))
                self.version = version
        return self.table

    def invalidate(self) -> None:
        self.version = None


synonym_cache = _SynonymCache()


def index_path() -> Any:
    return settings.DATA_DIR / "search-index"


def get_engine() -> TantivyEngine:
    """The engine of this process (one per process; the index folder is per server)."""
    global _engine
    with _engine_lock:
        if _engine is None or _engine.root != index_path():
            from tongban.search.sources import DatabaseSource

            _engine = TantivyEngine(index_path(), DatabaseSource(), synonym_cache.get)
        return _engine


def search(query: str, *, limit: int = 10, filters: Filters | None = None, log: bool = True) -> list[Hit]:
    """搜索: the best items and bundles for what a person typed, best first."""
    query = query.strip()[:100]
    if not query:
        return []
    hits = get_engine().search(query, limit=limit, filters=filters)
    if log:
        record_search(query=query, results=len(hits))
    return hits


def suggest(query: str, *, limit: int = 6) -> list[Hit]:
    return search(query, limit=limit, log=False)


def apply_catalogue_changes() -> int:
    """Bring this server's index up to date with the catalogue change log (seconds, not a rebuild)."""
    return get_engine().apply_changes()


def rebuild_index(*, progress: Progress | None = None) -> int:
    """Rebuild this server's index from the catalogue tables; returns the number of documents."""
    return get_engine().rebuild(progress)


# -- synonyms ------------------------------------------------------------------------------------------
def _clean_expansion(expansion: str) -> str:
    groups = parse_expansion(expansion.strip())
    return " ".join("/".join(g) for g in groups)


@transaction.atomic
def save_synonym(*, actor: Any, phrase: str, expansion: str, enabled: bool = True) -> SearchSynonym:
    """Add or change one entry of the synonym table."""
    phrase = phrase.strip()
    synonym, created = SearchSynonym.objects.update_or_create(
        phrase=phrase,
        defaults={"expansion": _clean_expansion(expansion), "enabled": enabled, "updated_by": actor},
    )
    audit.record(
        actor=actor,
        action="search.synonym_add" if created else "search.synonym_change",
        subject=synonym,
        details={"phrase": phrase, "expansion": synonym.expansion, "enabled": enabled},
    )
    transaction.on_commit(synonym_cache.invalidate)
    return synonym


@transaction.atomic
def delete_synonym(*, actor: Any, synonym: SearchSynonym) -> None:
    audit.record(actor=actor, action="search.synonym_delete", subject=synonym, details={"phrase": synonym.phrase})
    synonym.delete()
    transaction.on_commit(synonym_cache.invalidate)


@transaction.atomic
def seed_default_synonyms(*, actor: Any = None) -> int:
    """Add the built-in synonyms that are missing (never overwrites an administrator's edit)."""
    from tongban.search.defaults import DEFAULT_SYNONYMS

    existing = set(SearchSynonym.objects.values_list("phrase", flat=True))
    new = [SearchSynonym(phrase=p, expansion=e) for p, e in DEFAULT_SYNONYMS.items() if p not in existing]
    SearchSynonym.objects.bulk_create(new)
    if new:
        audit.record(actor=actor, action="search.synonyms_seed", details={"added": len(new)})
    transaction.on_commit(synonym_cache.invalidate)
    return len(new)


# -- query log ---------------------------------------------------------------------------------------------
def record_search(*, query: str, results: int) -> None:
    """Count a search of `query` today; zero-result searches are counted separately.

    Not audited: it holds no decision and no personal data, only the words typed (capped at 100 characters).
    """
    normalized = normalize(query)[:200]
    if not normalized:
        return
    today = timezone.localdate()
    zero = 1 if results == 0 else 0
    updated = SearchQueryLog.objects.filter(normalized=normalized, day=today).update(
        searches=F("searches") + 1, zero_results=F("zero_results") + zero, last_results=results, last_at=timezone.now()
    )
    if not updated:
        _, created = SearchQueryLog.objects.get_or_create(
            normalized=normalized,
            day=today,
            defaults={"query": query[:200], "searches": 1, "zero_results": zero, "last_results": results},
        )
        if not created:
            record_search(query=query, results=results)


def record_click(*, query: str) -> None:
    """Count a click on a result of `query` (the query log shows searches that are rarely clicked)."""
    normalized = normalize(query)[:200]
    if normalized:
        SearchQueryLog.objects.filter(normalized=normalized, day=timezone.localdate()).update(clicks=F("clicks") + 1)
