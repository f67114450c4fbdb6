"""What gets indexed: one SearchDocument per service item (事项) or bundle (一件事), and where they come from.

The catalogue tables stay the truth; sources turn them (or a JSONL file, for quality runs) into documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass
class SearchDocument:
    """检索文档: the searchable view of one item or bundle."""

    kind: str  # "item" | "bundle"
    code: str
    name: str
    aliases: list[str] = field(default_factory=list)
    summary: str = ""
    materials: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # theme codes
    theme_text: list[str] = field(default_factory=list)  # theme names and phrases
    result: str = ""
    department: str = ""
    department_name: str = ""
    region: str = ""
    audience: list[str] = field(default_factory=list)
    online_depth: int = 0
    popularity: int = 0
    members: list[str] = field(default_factory=list)  # a bundle's item names
    item_kind: str = ""  # an item's kind (permit, penalty, public_service …); empty for bundles

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"


@dataclass
class Change:
    """One entry of the catalogue change log, as the index sees it."""

    id: int
    kind: str
    code: str
    deleted: bool


class DocumentSource(Protocol):
    def count(self) -> int: ...

    def all_documents(self) -> Iterator[SearchDocument]: ...

    def documents(self, kind: str, codes: Iterable[str]) -> list[SearchDocument]: ...

    def latest_change_id(self) -> int: ...

    def changes_after(self, change_id: int, limit: int = 5000) -> list[Change]: ...


def documents_from_records(records: Iterable[dict[str, Any]]) -> list[SearchDocument]:
    """Documents from catalogue-format objects (tongban-catalogue/1), references resolved."""
    records = list(records)
    departments = {r["code"]: r for r in records if r.get("type") == "department"}
    themes = {r["code"]: r for r in records if r.get("type") == "theme"}
    items = {r["code"]: r for r in records if r.get("type") == "item"}
    docs: list[SearchDocument] = []

    def theme_text(codes: list[str]) -> list[str]:
        out: list[str] = []
        for code in codes:
            theme = themes.get(code)
            if theme:
                out.extend(t for t in (theme.get("name", ""), theme.get("phrase", "")) if t)
        return out

    for r in items.values():
        if r.get("status", "active") != "active":
            continue
        dept = departments.get(r.get("department", ""), {})
        docs.append(
            SearchDocument(
                kind="item",
                code=r["code"],
                name=r["name"],
                aliases=list(r.get("aliases") or []),
                summary=r.get("summary", "") or "",
                materials=[m.get("name", "") for m in r.get("materials") or []],
                themes=list(r.get("themes") or []),
                theme_text=theme_text(list(r.get("themes") or [])),
                result=(r.get("result") or {}).get("name", ""),
                department=r.get("department", ""),
                department_name=dept.get("name", ""),
                region=r.get("region", ""),
                audience=list(r.get("audience") or []),
                online_depth=int(r.get("online_depth") or 0),
                popularity=int(r.get("popularity") or 0),
                item_kind=r.get("kind", "") or "",
            )
        )
    for r in records:
        if r.get("type") != "bundle":
            continue
        members = [items[c] for c in r.get("items") or [] if c in items]
        docs.append(
            SearchDocument(
                kind="bundle",
                code=r["code"],
                name=r["name"],
                aliases=list(r.get("aliases") or []),
                summary=r.get("summary", "") or "",
                themes=list(r.get("themes") or []),
                theme_text=theme_text(list(r.get("themes") or [])),
                audience=sorted({a for m in members for a in m.get("audience") or []}),
                online_depth=min((int(m.get("online_depth") or 0) for m in members), default=0),
                popularity=max((int(m.get("popularity") or 0) for m in members), default=0),
                members=[m["name"] for m in members],
            )
        )
    return docs


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("//"):
                out.append(json.loads(line))
    return out


class ListSource:
    """A fixed list of documents (quality runs, tests of the engine itself); no change log."""

    def __init__(self, docs: list[SearchDocument]) -> None:
        self.docs = docs
        self._by_key = {d.key: d for d in docs}

    def count(self) -> int:
        return len(self.docs)

    def all_documents(self) -> Iterator[SearchDocument]:
        return iter(self.docs)

    def documents(self, kind: str, codes: Iterable[str]) -> list[SearchDocument]:
        return [self._by_key[f"{kind}:{c}"] for c in codes if f"{kind}:{c}" in self._by_key]

    def latest_change_id(self) -> int:
        return 0

    def changes_after(self, change_id: int, limit: int = 5000) -> list[Change]:
        return []
