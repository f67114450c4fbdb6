"""R4: schemathesis over the whole `/api/v1/openapi.json`, as anonymous, citizen, clerk and administrator.

Every operation of the published schema is first called with real values from the demo world (each
demo case, item, bundle and department, a new draft), so that success answers meet their schema too,
then with generated input — valid (positive) and invalid
(negative) — and then in stateful sequences that feed one answer into the next call (a draft's key into
the draft's endpoints, a case number into the case's; links inferred by schemathesis from the response
schemas). Each answer is checked: no server error (5xx) and no schema violation (a status the operation
does not declare, a content type, header or body that breaks the declared schema). The example count is
bounded and the seed fixed, so a run is repeatable and takes a couple of minutes on 2 cores.

    TONGBAN_DATA_DIR=$(mktemp -d) .venv/bin/pytest -p no:cacheprovider tests/reliability/test_schemathesis.py -s

The app runs in-process through schemathesis' WSGI transport over the test database, with the demo
regions, people, catalogue, processes and cases loaded. The figures per role (requests, server
errors, schema violations) are printed at the end, also without `-s`.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

pytestmark = [pytest.mark.reliability, pytest.mark.django_db]

SEED = 20261122
#: generated examples per operation and generation mode (positive, negative); `TONGBAN_FUZZ_EXAMPLES` raises it
EXAMPLES = int(os.environ.get("TONGBAN_FUZZ_EXAMPLES", "12"))
#: stateful scenarios per role and the most calls in one scenario
SCENARIOS = int(os.environ.get("TONGBAN_FUZZ_SCENARIOS", "25"))
STEPS = 6
ROLES = ("anonymous", "citizen", "clerk", "administrator")
USERS = {"citizen": "zhangsan", "clerk": "banli", "administrator": "admin"}

#: a server error, and the four ways an answer can break the schema
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


@dataclass
class Tally:
    """What one role's run saw: requests, and each kind of failure with how often and one example."""

    requests: int = 0
    sequence_requests: int = 0
    server_errors: int = 0
    violations: int = 0
    kinds: dict[str, list[Any]] = field(default_factory=dict)

    def record(self, case: schemathesis.Case, response: schemathesis.Response, *, in_sequence: bool) -> None:
        self.requests += 1
        self.sequence_requests += in_sequence
        try:
            case.validate_response(response, checks=CHECKS)
        except (Failure, FailureGroup) as failure:
            found = failure.exceptions if isinstance(failure, FailureGroup) else (failure,)
            if response.status_code >= 500:
                self.server_errors += 1
                titles = ["Server error"]
            else:
                self.violations += 1
                titles = [one.title for one in found]
            for title, one in zip(titles, found, strict=False):
                key = f"{case.operation.label} → {response.status_code}: {title}"
                if key not in self.kinds:
                    self.kinds[key] = [0, _example(case, response, one)]
                self.kinds[key][0] += 1

    def report(self) -> list[str]:
        return [f"{key} (×{count})\n{example}" for key, (count, example) in self.kinds.items()]


def _example(case: schemathesis.Case, response: schemathesis.Response, failure: Failure) -> str:
    request = response.request
    return (
        f"    {request.method} {request.url}\n    body: {_short(request.body)}\n"
        f"    answer: {_short(response.content)}\n    {_short(failure.message)}"
    )


def _short(data: bytes | str | None, limit: int = 300) -> str:
    if data is None:
        return "-"
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    return text if len(text) <= limit else text[:limit] + "…"


@pytest.fixture
def wsgi_app() -> Iterator[Callable[..., Any]]:
    """Django's WSGI handler over the test database: like the test client, requests keep the test's
    connection instead of closing it at their start and end. Thousands of refused requests would
    write a WARNING line each; errors (a 500) are still logged."""
    from django.core.wsgi import get_wsgi_application

    quiet = [logging.getLogger(name) for name in ("django.request", "django.security", "axes")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


class _Quiet:
    def write(self, *_args: object, **_kwargs: object) -> None:
        pass


@pytest.fixture
def world(demo) -> None:
    """The demo catalogue, processes and cases (one per state) on top of the demo people."""
    from tongban.demo import cases, catalog, workflow

    for part in (catalog, workflow, cases):
        part.load(stdout=_Quiet())


def _token_for(role: str) -> str | None:
    from tongban.accounts.models import User
    from tongban.accounts.tokens import issue_api_token

    if role == "anonymous":
        return None
    return issue_api_token(user=User.objects.get(username=USERS[role]), name=f"schemathesis {role}")


class Caller:
    """Calls as one role; a token the run revoked itself (`DELETE /accounts/tokens/{id}`) is issued anew."""

    def __init__(self, role: str, tally: Tally) -> None:
        self.role = role
        self.tally = tally
        self.token = _token_for(role)
        self.in_sequence = False

    def headers(self) -> dict[str, str]:
        from tongban.accounts.tokens import user_for_token

        if self.token is None:
            return {}
        if user_for_token(self.token) is None:
            self.token = _token_for(self.role)
        return {"Authorization": f"Bearer {self.token}"}

    def call(self, case: schemathesis.Case) -> schemathesis.Response:
        response = case.call(headers=self.headers())
        self.tally.record(case, response, in_sequence=self.in_sequence)
        return response


def _settings(examples: int, **extra: Any) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        **extra,
    )


def _known_calls(role: str) -> list[tuple[str, dict[str, Any]]]:
    """Real values from the demo world, so that success answers are checked against their schema too
    (generated codes and numbers mostly meet 404s): every read of a case, an item, a bundle, a department."""
    from tongban.accounts.models import StaffAssignment
    from tongban.cases.models import Case
    from tongban.catalog.models import Bundle, ServiceItem

    calls: list[tuple[str, dict[str, Any]]] = [
        (f"GET /api/v1/{path}", {})
        for path in (
            "catalog/themes",
            "orgs/regions",
            "orgs/departments",
            "accounts/me",
            "accounts/tokens",
            "accounts/me/data-uses",
            "cases/mine",
            "cases/staff/tasks",
            "cases/staff/oversight",
        )
    ]
    calls.append(("GET /api/v1/catalog/search", {"query": {"q": "食品经营许可", "limit": 5}}))
    for code in ServiceItem.objects.order_by("code").values_list("code", flat=True)[:5]:
        calls.append(("GET /api/v1/catalog/items/{code}", {"path_parameters": {"code": code}}))
    for code in Bundle.objects.order_by("code").values_list("code", flat=True)[:3]:
        calls.append(("GET /api/v1/catalog/bundles/{code}", {"path_parameters": {"code": code}}))
    user = USERS.get(role, "")
    for code in StaffAssignment.objects.filter(user__username=user).values_list("department__code", flat=True):
        calls.append(("GET /api/v1/orgs/departments/{code}/staff", {"path_parameters": {"code": code}}))
    for number in Case.objects.order_by("number").values_list("number", flat=True):
        for path in ("cases/mine/{number}", "cases/staff/cases/{number}", "cases/{number}/result"):
            calls.append((f"GET /api/v1/{path}", {"path_parameters": {"number": number}}))
    calls.append(("POST /api/v1/cases/drafts", {"body": {"item_code": "THSJ-002"}, "media_type": "application/json"}))
    return calls


def _walk_known(schema: schemathesis.BaseSchema, caller: Caller) -> None:
    """The known calls; a draft created on the way is read and saved again through its key."""
    for label, data in _known_calls(caller.role):
        operation = schema.find_operation_by_label(label)
        assert operation is not None, f"{label} is not in the schema"
        response = caller.call(operation.Case(**data))
        if label == "POST /api/v1/cases/drafts" and response.status_code == 201:
            key = {"key": response.json()["key"]}
            for follow, body in (("GET /api/v1/cases/drafts/{key}", None), ("PUT /api/v1/cases/drafts/{key}", {})):
                operation = schema.find_operation_by_label(follow)
                assert operation is not None
                extra = {} if body is None else {"body": {"answers": body}, "media_type": "application/json"}
                caller.call(operation.Case(path_parameters=key, **extra))


def _fuzz_operations(schema: schemathesis.BaseSchema, caller: Caller) -> None:
    """Each operation on its own, positive and negative input, EXAMPLES of each."""
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # no invalid input exists for an operation without parameters or body
            with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                _fuzz_one(operation.as_strategy(generation_mode=mode), caller)


def _fuzz_one(strategy: st.SearchStrategy[schemathesis.Case], caller: Caller) -> None:
    @hypothesis.seed(SEED)
    @_settings(EXAMPLES)
    @hypothesis.given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        caller.call(case)

    run()


def _fuzz_sequences(schema: schemathesis.BaseSchema, caller: Caller) -> None:
    """Stateful: chains of calls along the links between operations (created draft → its endpoints …)."""
    base = schema.as_state_machine()

    @hypothesis.seed(SEED)
    class Machine(base):  # type: ignore[valid-type, misc]
        def call(self, case: schemathesis.Case, **kwargs: Any) -> schemathesis.Response:
            return caller.call(case)

        def validate_response(self, *args: Any, **kwargs: Any) -> None:
            pass  # Tally.record checked it already

    caller.in_sequence = True
    run_state_machine_as_test(Machine, settings=_settings(SCENARIOS, stateful_step_count=STEPS))


def test_the_whole_api_as_every_role_answers_without_server_errors_or_schema_violations(
    world, wsgi_app, capsys
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    tallies: dict[str, Tally] = {}
    for role in ROLES:
        tally = tallies[role] = Tally()
        caller = Caller(role, tally)
        _walk_known(schema, caller)
        _fuzz_operations(schema, caller)
        _fuzz_sequences(schema, caller)
    with capsys.disabled():
        print("\nR4 schemathesis, seed", SEED, f"({EXAMPLES} examples per operation and mode, {SCENARIOS} scenarios)")
        print(f"{'role':<14}{'requests':>10}{'(in sequences)':>16}{'server errors':>15}{'schema violations':>19}")
        for role, t in tallies.items():
            print(f"{role:<14}{t.requests:>10}{t.sequence_requests:>16}{t.server_errors:>15}{t.violations:>19}")
    failures = [f"[{role}] {line}" for role, tally in tallies.items() for line in tally.report()]
    assert not failures, f"{len(failures)} kinds of failure:\n" + "\n".join(failures)
