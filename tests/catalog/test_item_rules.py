"""The catalogue's consistency rules for one item (domain.md), checked directly."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.catalog.rules import Issue, amount_is_zero_or_absent, check_item, step_days

GOOD: dict[str, Any] = {
    "kind": "permit",
    "handling": "committed",
    "statutory_days": 20,
    "committed_days": 10,
    "online_depth": 4,
    "max_visits": 0,
    "fee": {"charged": False},
    "extra": {},
}


def issues(**change: Any) -> list[Issue]:
    return check_item(**{**GOOD, **change})


def fields(found: list[Issue]) -> list[str]:
    return [i.field for i in found]


def test_a_consistent_item_has_no_issue() -> None:
    assert issues() == []
    assert issues(handling="instant", committed_days=0, statutory_days=0) == []
    assert issues(statutory_days=None) == []  # no statutory limit given: nothing to compare with
    assert issues(fee=None) == []


def test_instant_items_are_decided_the_same_day() -> None:
    assert fields(issues(handling="instant", committed_days=3)) == ["committed_days"]


def test_zero_committed_days_means_an_instant_item() -> None:
    assert fields(issues(committed_days=0)) == ["handling"]


def test_the_promise_never_exceeds_the_law() -> None:
    (issue,) = issues(committed_days=25)
    assert issue.field == "committed_days" and "法定" in issue.message and not issue.warning
    assert issues(committed_days=20) == []  # equal is fine


def test_fully_online_means_no_visit() -> None:
    found = issues(online_depth=4, max_visits=1, extra={"visit_reason": "核验原件"})
    assert fields(found) == ["max_visits"]
    assert issues(online_depth=3, max_visits=1, extra={"visit_reason": "核验原件"}) == []


def test_a_visit_needs_a_reason_which_only_an_edit_insists_on() -> None:
    (on_import,) = issues(online_depth=3, max_visits=2)
    assert on_import.field == "visit_reason" and on_import.warning
    (on_edit,) = check_item(**{**GOOD, "online_depth": 3, "max_visits": 2}, editing=True)
    assert on_edit.field == "visit_reason" and not on_edit.warning
    assert issues(online_depth=3, max_visits=1, extra={"visit_reason": "   "})[0].field == "visit_reason"


@pytest.mark.parametrize("payment", ["online_payment", "pay_online"])
def test_free_items_have_no_online_payment(payment: str) -> None:
    assert fields(issues(fee={"charged": False, payment: True})) == ["fee"]
    assert issues(fee={"charged": True, payment: True, "amount": "10"}) == []


@pytest.mark.parametrize(
    ("amount", "flagged"), [("0", False), ("0.00", False), ("", False), (None, False), ("5", True), (12, True)]
)
def test_free_items_have_no_amount(amount: Any, flagged: bool) -> None:
    assert (fields(issues(fee={"charged": False, "amount": amount})) == ["fee.amount"]) is flagged


def test_the_consulting_phone_differs_from_the_complaint_phone() -> None:
    found = issues(extra={"phone": "020-12345", "complaint_phone": "020 12345"})
    assert fields(found) == ["complaint_phone"]
    assert issues(extra={"phone": "020-12345", "complaint_phone": "12345"}) == []
    assert issues(extra={"phone": "", "complaint_phone": ""}) == []


def test_the_steps_of_a_permit_fit_in_its_promise() -> None:
    steps = [{"name": "受理", "days": 2}, {"name": "审查", "duration_days": "5"}, {"name": "决定", "time_limit": 4}]
    (issue,) = issues(extra={"steps": steps})
    assert issue.field == "steps" and "11" in issue.message and "10" in issue.message
    assert issues(extra={"steps": steps[:2]}) == []
    assert issues(kind="public_service", extra={"steps": steps}) == []  # only permits are held to it


def test_steps_must_be_a_list() -> None:
    assert fields(issues(extra={"steps": "受理、审查"})) == ["steps"]


def test_several_broken_rules_are_all_reported() -> None:
    found = issues(handling="instant", committed_days=30, statutory_days=20, online_depth=4, max_visits=2)
    assert set(fields(found)) == {"committed_days", "max_visits", "visit_reason"}
    assert fields(found).count("committed_days") == 2


@pytest.mark.parametrize(
    ("step", "days"),
    [
        ({"days": 3}, 3),
        ({"duration": " 4 "}, 4),
        ({"days": True}, None),
        ({"days": "三天"}, None),
        ({"name": "受理"}, None),
        ("受理", None),
        ({"days": None, "time_limit": 2}, 2),
    ],
)
def test_how_long_a_step_takes(step: Any, days: int | None) -> None:
    assert step_days(step) == days


@pytest.mark.parametrize(
    ("amount", "zero"), [(None, True), ("", True), ("0", True), (0, True), ("0.0", True), ("1", False), ("abc", False)]
)
def test_zero_or_absent_amounts(amount: Any, zero: bool) -> None:
    assert amount_is_zero_or_absent(amount) is zero
