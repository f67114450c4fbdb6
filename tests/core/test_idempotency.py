import pytest

from tongban.core import idempotency
from tongban.core.models import IdempotencyRecord


@pytest.mark.django_db
def test_a_retry_returns_the_first_result_and_creates_nothing():
    calls = []

    def create():
        calls.append(1)
        return f"result-{len(calls)}"

    first = idempotency.once(scope="test", owner_id=1, key="k1", create=create)
    again = idempotency.once(scope="test", owner_id=1, key="k1", create=create)
    assert first == ("result-1", True)
    assert again == ("result-1", False)
    assert len(calls) == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_owner():
    idempotency.once(scope="test", owner_id=1, key="k", create=lambda: "a")
    assert idempotency.once(scope="test", owner_id=2, key="k", create=lambda: "b") == ("b", True)
