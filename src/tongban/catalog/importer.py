"""导入事项目录: `import_catalogue(stream=…)`, used by the CLI, the API and the demo loader.

Two passes, so a million lines never sit in memory at once:

1. *check*: every line is validated (pydantic, then the consistency rules); the codes seen and
   the references between entries are kept, and resolved against the file and the database
   once the whole file is read. Every problem is collected with its line and field.
2. *write*, in one transaction, only when there were no errors (or `skip_invalid`): regions
   that do not exist yet, departments, themes, then the items — read back from a temporary
   file of the records the check pass validated — written in batches (one upsert by code run
   with executemany), bundles, and with `prune` the deletion of what the
   file no longer holds. Entries whose content did not change are not touched, so importing
   the same file twice changes nothing; each created, changed or deleted item, theme and
   bundle gets a `CatalogChange` row.

Guards (import_guards): a file without one valid line writes nothing; a line too long or nested too
deep is an error of that line; a prune that would remove more than a share of the catalogue needs
the expected number confirmed; `dry_run` does everything and rolls it back, to show what would change.

The parts live beside this module: `import_report` (the report and its problems), `import_reading`
(the stream and the records kept between the passes), `import_check` (pass 1), `import_write`
(pass 2) and `import_rows` (records as database rows). The names other modules import from here
are re-exported, so `from tongban.catalog.importer import …` keeps working.
"""

from __future__ import annotations

import time
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext

from tongban.catalog import import_guards, import_reading
from tongban.catalog.import_check import Check
from tongban.catalog.import_report import PROGRESS_EVERY, ImportReport, Problem, Progress
from tongban.catalog.import_rows import ITEM_COLUMNS, item_from_record
from tongban.catalog.import_write import Write
from tongban.catalog.permissions import administered_scopes
from tongban.core import audit

__all__ = ["ITEM_COLUMNS", "ImportReport", "Problem", "Progress", "import_catalogue", "item_from_record"]


def import_catalogue(
    *,
    stream: IO[Any],
    actor: Any,
    skip_invalid: bool = False,
    prune: bool = False,
    confirm_prune: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a tongban-catalogue/1 file (JSON Lines) from `stream` (binary or text).

    `actor` is the administrator (None for the command line: everything allowed); an
    administrator can only import items and departments of the regions they look after.
    With errors nothing is written, unless `skip_invalid`: then the valid entries are — but a file
    without one valid line never writes anything.
    `prune` deletes the items, themes and bundles the file does not hold (an administrator's
    prune only reaches the items of their regions); when that is more than the configured share of
    a kind, only with `confirm_prune` equal to the number it removes (report.prune_plan tells it).
    `dry_run` checks and writes everything, then rolls it back: the report shows what would change.
    """
    started = time.perf_counter()
    report = ImportReport(skip_invalid=skip_invalid, prune=prune, dry_run=dry_run)
    scopes = administered_scopes(actor) if actor is not None else None
    records = import_reading.Records()
    check = Check(report, scopes, records)
    total = import_reading.size(stream)
    try:
        for number, raw, done, size in import_reading.lines(stream):
            report.lines = number
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress("check", done, total)
            if import_reading.is_content(raw):
                check.line(number, raw, size)
        if progress is not None:
            progress("check", total or 0, total)
        check.resolve()
        report.errors.sort(key=lambda p: p.line)
        report.warnings.sort(key=lambda p: p.line)
        report.skipped = [
            {"line": line, "type": kind, "code": code} for line, (kind, code) in sorted(check.bad_lines.items())
        ]
        empty = not check.valid and (skip_invalid or not report.errors)
        if empty:  # an empty body or a wrong upload must never reach the prune
            message = gettext("文件是空的。") if not report.lines else gettext("文件中没有一行有效的内容。")
            report.errors.append(Problem(0, "", message + gettext("为防止误删，未写入任何内容。")))
        if report.errors and (not skip_invalid or empty):
            report.reason = "empty" if empty else "invalid"
            report.skipped = []
            return report
        _write(check, report, actor, scopes, confirm_prune, progress)
        return report
    finally:
        records.close()
        report.seconds = time.perf_counter() - started


def _write(
    check: Check,
    report: ImportReport,
    actor: Any,
    scopes: list[str] | None,
    confirm_prune: int | None,
    progress: Progress | None,
) -> None:
    """Pass 2, in one transaction: the prune is planned (and refused) before anything is written."""
    write = Write(check, report, actor)
    with transaction.atomic():
        if report.prune:
            plan = report.prune_plan = import_guards.plan_prune(check, scopes)
            refusal = import_guards.prune_refusal(plan, confirm=confirm_prune, share=import_guards.max_prune_share())
            if refusal is not None and not report.dry_run:
                report.errors.append(Problem(0, "prune", refusal))
                report.reason = "prune_unconfirmed"
                return
            if refusal is not None:
                report.warnings.insert(0, Problem(0, "prune", refusal))
        write.regions()
        write.departments()
        write.themes()
        write.items(progress)
        write.bundles()
        if report.prune_plan is not None:
            write.prune(report.prune_plan)
        if report.dry_run:
            transaction.set_rollback(True)  # a dry run: everything above is undone
            return
        changed = any(c.created or c.updated or c.deleted for c in report.counts.values())
        if changed or report.skipped:  # an import that changed nothing leaves no trace
            audit.record(
                actor=actor,
                action="catalog.import",
                details={
                    "lines": report.lines,
                    "counts": {kind: vars(c).copy() for kind, c in report.counts.items()},
                    "skipped": len(report.skipped),
                    "prune": report.prune,
                },
            )
    report.written = not report.dry_run
