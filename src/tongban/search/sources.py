"""The database as a DocumentSource: catalogue tables (tongban.catalog) and their change log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Max

from tongban.catalog.models import Bundle, BundleItem, CatalogChange, ItemTheme, Material, ServiceItem, Theme
from tongban.orgs.models import Department
from tongban.search.documents import Change, SearchDocument

CHUNK = 2000


class DatabaseSource:
    """Reads items and bundles in chunks (a million items fit in little memory)."""

    def count(self) -> int:
        return ServiceItem.objects.filter(status="active").count() + Bundle.objects.count()

    def latest_change_id(self) -> int:
        return int(CatalogChange.objects.aggregate(m=Max("id"))["m"] or 0)

    def changes_after(self, change_id: int, limit: int = 5000) -> list[Change]:
        rows = (
            CatalogChange.objects.filter(id__gt=change_id).order_by("id").values_list("id", "kind", "code", "deleted")
        )
        return [Change(id=i, kind=k, code=c, deleted=d) for i, k, c, d in rows[:limit]]

    def all_documents(self) -> Iterator[SearchDocument]:
        themes = self._themes()
        departments = dict(Department.objects.values_list("code", "name"))
        last = 0
        while True:
            rows = list(
                ServiceItem.objects.filter(status="active", pk__gt=last).order_by("pk").values(*ITEM_FIELDS)[:CHUNK]
            )
            if not rows:
                break
            last = rows[-1]["id"]
            yield from self._item_documents(rows, themes, departments)
        yield from self._bundle_documents(Bundle.objects.all(), themes)

    def documents(self, kind: str, codes: Iterable[str]) -> list[SearchDocument]:
        codes = list(codes)
        themes = self._themes()
        if kind == "item":
            rows = list(ServiceItem.objects.filter(status="active", code__in=codes).values(*ITEM_FIELDS))
            departments = dict(
                Department.objects.filter(code__in={r["department_id"] for r in rows}).values_list("code", "name")
            )
            return self._item_documents(rows, themes, departments)
        if kind == "bundle":
            return self._bundle_documents(Bundle.objects.filter(code__in=codes), themes)
        return []

    def codes_for_theme(self, theme_code: str) -> tuple[list[str], list[str]]:
        items = [str(c) for c in ItemTheme.objects.filter(theme_id=theme_code).values_list("item_id", flat=True)]
        bundles = list(Bundle.objects.filter(themes__code=theme_code).values_list("code", flat=True))
        return items, bundles

    # -- helpers ---------------------------------------------------------------------------------------
    @staticmethod
    def _themes() -> dict[str, list[str]]:
        return {
            code: [t for t in (name, phrase) if t]
            for code, name, phrase in Theme.objects.values_list("code", "name", "phrase")
        }

    @staticmethod
    def _item_documents(
        rows: list[dict[str, Any]], themes: dict[str, list[str]], departments: dict[str, str]
    ) -> list[SearchDocument]:
        codes = [r["code"] for r in rows]
        materials: dict[str, list[str]] = {}
        for item_id, name in (
            Material.objects.filter(item_id__in=codes).order_by("item_id", "position").values_list("item_id", "name")
        ):
            materials.setdefault(str(item_id), []).append(name)
        item_themes: dict[str, list[str]] = {}
        for item_id, theme_id in ItemTheme.objects.filter(item_id__in=codes).values_list("item_id", "theme_id"):
            item_themes.setdefault(str(item_id), []).append(str(theme_id))
        docs = []
        for r in rows:
            tcodes = item_themes.get(r["code"], [])
            docs.append(
                SearchDocument(
                    kind="item",
                    code=r["code"],
                    name=r["name"],
                    aliases=[str(a) for a in r["aliases"] or []],
                    summary=r["summary"] or "",
                    materials=materials.get(r["code"], []),
                    themes=tcodes,
                    theme_text=[t for c in tcodes for t in themes.get(c, [])],
                    result=str((r["result"] or {}).get("name", "")) if isinstance(r["result"], dict) else "",
                    department=r["department_id"],
                    department_name=departments.get(r["department_id"], ""),
                    region=r["region_id"],
                    audience=[str(a) for a in r["audience"] or []],
                    online_depth=int(r["online_depth"] or 0),
                    popularity=int(r["popularity"] or 0),
                    item_kind=str(r["kind"] or ""),
                )
            )
        return docs

    @staticmethod
    def _bundle_documents(bundles: Any, themes: dict[str, list[str]]) -> list[SearchDocument]:
        docs = []
        for bundle in bundles.prefetch_related("themes"):
            links = list(
                BundleItem.objects.filter(bundle=bundle)
                .order_by("position")
                .values_list("item__name", "item__audience", "item__online_depth", "item__popularity")
            )
            tcodes = [t.code for t in bundle.themes.all()]
            docs.append(
                SearchDocument(
                    kind="bundle",
                    code=bundle.code,
                    name=bundle.name,
                    aliases=[str(a) for a in bundle.aliases or []],
                    summary=bundle.summary or "",
                    themes=tcodes,
                    theme_text=[t for c in tcodes for t in themes.get(c, [])],
                    audience=sorted({a for _n, aud, _d, _p in links for a in aud or []}),
                    online_depth=min((d or 0 for _n, _a, d, _p in links), default=0),
                    popularity=max((p or 0 for _n, _a, _d, p in links), default=0),
                    members=[n for n, _a, _d, _p in links],
                )
            )
        return docs


ITEM_FIELDS = (
    "id", "code", "name", "aliases", "summary", "result", "department_id", "region_id", "audience",
    "online_depth", "popularity", "kind",
)  # fmt: skip
