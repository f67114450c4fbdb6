"""一件事 consistency rules: the bundle's limit governs; its field map names only its items."""

from __future__ import annotations

from tongban.catalog.rules import check_bundle


def test_an_item_promising_more_days_than_its_bundle_is_flagged():
    issues = check_bundle(committed_days=5, items={"WJ-001": 0, "RS-001": 10, "YB-003": 10})
    assert len(issues) == 1
    issue = issues[0]
    assert issue.warning and issue.field == "committed_days"
    assert "RS-001（10）" in issue.message and "YB-003（10）" in issue.message and "WJ-001" not in issue.message


def test_a_bundle_within_its_items_promises_or_without_a_limit_is_fine():
    assert check_bundle(committed_days=5, items={"WJ-001": 0, "GA-001": 5}) == []
    assert check_bundle(committed_days=None, items={"RS-001": 10}) == []


def test_the_field_map_names_only_the_bundles_items():
    extra = {"field_map": {"RS-001": ["child_name"], "XX-999": ["child_name"], "YB-003": "parent_id"}}
    issues = check_bundle(committed_days=None, items={"RS-001": 0, "YB-003": 0}, extra=extra)
    messages = " ".join(i.message for i in issues)
    assert all(i.warning and i.field == "field_map" for i in issues)
    assert "XX-999" in messages and "YB-003" in messages and "RS-001" not in messages
    assert check_bundle(committed_days=None, items={}, extra={"field_map": ["child_name"]})[0].field == "field_map"


def test_the_import_flags_an_item_promising_more_than_its_bundle(db):
    """The rule runs on import, for items in the same file and for items already in the catalogue."""
    from tests.catalog.conftest import bundle, department, item, stream
    from tongban.catalog.models import Bundle
    from tongban.catalog.services import import_catalogue

    first = import_catalogue(
        stream=stream(department(), item("440100-A", handling="committed", statutory_days=20, committed_days=10)),
        actor=None,
    )
    assert first.written, first.errors
    report = import_catalogue(
        stream=stream(
            item("440100-B", handling="committed", statutory_days=20, committed_days=3),
            bundle("quick-bundle", items=["440100-A", "440100-B"], committed_days=5),
        ),
        actor=None,
    )
    assert report.written, report.errors
    flagged = [w for w in report.warnings if w.field == "committed_days"]
    assert len(flagged) == 1
    assert "440100-A（10）" in flagged[0].message and "440100-B" not in flagged[0].message
    assert Bundle.objects.get(code="quick-bundle").committed_days == 5  # a warning: the bundle is imported
