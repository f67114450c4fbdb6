"""Guards of the catalogue import (导入保护): bounded lines, bounded nesting, a prune that asks first.

- A line longer than `MAX_LINE_BYTES` is an error of that line; it is never read whole into memory.
- A line nested deeper than `MAX_DEPTH` (objects and arrays) is an error of that line.
- `--prune` / `prune=true` removes at most a share of each kind (settings
  TONGBAN["CATALOG_PRUNE_MAX_SHARE"], 10 % by default) unless the caller confirms the exact number the
  import would remove (`confirm_prune=N`); a wrong number is refused as well. `plan_prune` tells that
  number, and a dry run shows it without writing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from tongban.catalog.models import Bundle, ServiceItem, Theme
from tongban.catalog.permissions import region_code_within

if TYPE_CHECKING:
    from tongban.catalog.import_check import Check

MAX_LINE_BYTES = 1024 * 1024
MAX_DEPTH = 64
SKIP_CHUNK = 64 * 1024
EXAMPLES = 20
PRUNE_KINDS = ("item", "theme", "bundle")

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


# --- lines ------------------------------------------------------------------------------------------


def _bytes(chunk: str | bytes) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def read_lines(stream: IO[Any], *, limit: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes, int, int]]:
    """(line number, raw bytes, bytes read so far, size of the line without its line end).

    A line longer than `limit` yields only its first `limit` + 1 bytes (the rest is read and thrown
    away in chunks), so one endless line cannot fill the memory; its size tells it apart.
    """
    done = 0
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        raw = _bytes(line)
        last = raw
        size = len(raw)
        if len(line) > limit and not raw.endswith(b"\n"):
            while rest := stream.readline(SKIP_CHUNK):  # the rest of an oversized line, thrown away
                last = _bytes(rest)
                size += len(last)
                if last.endswith(b"\n"):
                    break
        done += size
        yield number, raw, done, size - (len(last) - len(last.rstrip(b"\r\n")))


def too_long(length: int, *, limit: int = MAX_LINE_BYTES) -> str | None:
    """The problem of a line of `length` bytes, or None."""
    if length <= limit:
        return None
    return _("这一行有 %(size)s 字节，超过了每行 %(limit)s 字节的上限，请检查文件是否完整、换行是否正确。") % {
        "size": length,
        "limit": limit,
    }


def too_deep(raw: bytes, *, limit: int = MAX_DEPTH) -> str | None:
    """The problem of a line whose objects and arrays nest deeper than `limit`, or None."""
    if raw.count(b"{") + raw.count(b"[") <= limit:
        return None  # cannot be deeper: the common case costs two counts
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b'""', raw))
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
        if deepest > limit:
            return _("这一行的对象和数组嵌套超过了 %(limit)s 层。") % {"limit": limit}
    return None


# --- prune --------------------------------------------------------------------------------------------


@dataclass
class PrunePlan:
    """What a prune would remove (`removals`, codes by kind) out of how many (`existing`)."""

    removals: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in PRUNE_KINDS})
    existing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRUNE_KINDS, 0))

    @property
    def count(self) -> int:
        return sum(len(codes) for codes in self.removals.values())

    def over_share(self, share: float) -> list[str]:
        """The kinds of which more than `share` of what exists would go."""
        return [kind for kind in PRUNE_KINDS if len(self.removals[kind]) > share * self.existing[kind]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "removes": {kind: len(codes) for kind, codes in self.removals.items()},
            "existing": dict(self.existing),
            "examples": {kind: codes[:EXAMPLES] for kind, codes in self.removals.items()},
        }

    def describe(self) -> str:
        names = {"item": _("事项"), "theme": _("主题"), "bundle": _("一件事")}
        return "、".join(
            _("%(kind)s %(removed)s / %(existing)s")
            % {"kind": names[kind], "removed": len(self.removals[kind]), "existing": self.existing[kind]}
            for kind in PRUNE_KINDS
            if self.removals[kind]
        )


def plan_prune(check: Check, scopes: list[str] | None) -> PrunePlan:
    """What the file does not hold and a prune would remove — never an entry the file still refers
    to, nor one whose line was only skipped for an error. An administrator's prune (`scopes`) reaches
    only the items of their regions; themes and bundles only a platform-wide import prunes."""
    plan = PrunePlan()
    skipped = {kind: {code for (k, code) in check.bad_codes if k == kind} for kind in PRUNE_KINDS}
    keep_items = set(check.items) | skipped["item"] | {parent for _, parent in check.item_parents}
    keep_items.update(code for _, line in check.bundles.values() for code in line.items)
    for code, region in ServiceItem.objects.values_list("code", "region_id").iterator(chunk_size=5000):
        if scopes is not None and not any(region_code_within(str(region), s) for s in scopes):
            continue
        plan.existing["item"] += 1
        if code not in keep_items:
            plan.removals["item"].append(code)
    if scopes is not None:
        return plan
    keep_themes = set(check.themes) | skipped["theme"] | set(check.item_themes)
    keep_themes.update(code for _, line in check.bundles.values() for code in line.themes)
    keep_bundles = set(check.bundles) | skipped["bundle"]
    for kind, model, kept in (("bundle", Bundle, keep_bundles), ("theme", Theme, keep_themes)):
        codes = list(model._default_manager.values_list("code", flat=True))
        plan.existing[kind] = len(codes)
        plan.removals[kind] = [c for c in codes if c not in kept]
    return plan


def max_prune_share() -> float:
    return float(settings.TONGBAN.get("CATALOG_PRUNE_MAX_SHARE", 0.10))


def prune_refusal(plan: PrunePlan, *, confirm: int | None, share: float) -> str | None:
    """Why the prune must not go ahead as asked, or None. `confirm` is the number the caller expects."""
    if confirm is not None and confirm != plan.count:
        return _(
            "确认的删除数目是 %(confirmed)s，但这次导入将删除 %(count)s 条（%(what)s）。"
            "请核对后用 confirm_prune=%(count)s（命令行：--confirm-prune %(count)s）重新导入。"
        ) % {"confirmed": confirm, "count": plan.count, "what": plan.describe() or _("无")}
    if confirm is None and plan.over_share(share):
        return _(
            "这次导入将删除 %(count)s 条（%(what)s），超过了现有数量的 %(share)s%%，未写入任何内容。"
            "可以先用 dry_run=true（命令行：--dry-run）预览；确认无误后用 confirm_prune=%(count)s"
            "（命令行：--confirm-prune %(count)s）重新导入。"
        ) % {"count": plan.count, "what": plan.describe(), "share": f"{share * 100:g}"}
    return None
