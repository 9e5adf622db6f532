"""The API keeps the promises of its OpenAPI document, checked by schemathesis.

What runs: every operation of ``/api/v1/openapi.json`` (read through the WSGI application, in
this process, so each test's database savepoint holds and every write is rolled back — uploads
and reviews run too), on the small demo (2019–2020) and its users (with its one approved
submission), as

- a province administrator (sees everything): the examples phase (the parameters' examples in
  the document: 小店区, 2020, GB/T 32150-2015 …), the coverage phase (boundary and invalid values
  of every parameter, unexpected methods) and the fuzzing phase, positive and negative data, at
  most ``MAX_EXAMPLES`` generated cases per operation, fixed seed, no shrinking;
- a county official (小店区 only): the fuzzing phase alone, so scoped 404s are answered too.

Checks: every built-in check that applies to one response — no server error, status code,
content type, headers and body as declared, invalid data refused, valid data not refused,
authentication not ignored, unsupported methods answered 405. The electricity operations answer
404 here (no assessment is loaded: building one takes ~20 s); their 200 bodies are checked in
``test_electricity.py``. The counts of operations and cases are reported in the run's summary.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.tokens import issue_token
from carbonctl.web.api import api

MAX_EXAMPLES = 6
SEED = 20250613

#: Statuses answered per role and operation (how many cases got each), for the summary.
SENT: dict[str, dict[str, Counter[int]]] = {}
#: Cases that failed a check, per role.
FAILED: Counter[str] = Counter()

#: What answers no 2xx to generated requests here: no electricity assessment is loaded, random
#: bytes are no activity file, the demo's one submission is already reviewed, and it has no
#: import jobs.
NEVER_2XX = {
    "GET /api/v1/imports/{job_id}",
    "GET /api/v1/electricity/estimates/{adcode}",
    "GET /api/v1/electricity/signals",
    "POST /api/v1/submissions",
    "POST /api/v1/submissions/{submission_id}/review",
    "GET /api/v1/footprint/studies/{study_id}/pact",  # no study here; test_footprint has them
}


def _config(phases: list[str], max_examples: int) -> schemathesis.config.SchemathesisConfig:
    return schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "no-shrink": True,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                **{
                    name: {"enabled": name in phases}
                    for name in ("examples", "fuzzing", "stateful")
                },
                "coverage": {
                    "enabled": "coverage" in phases,
                    # two methods no operation has stand for all: each is answered 405 the same way
                    "unexpected-methods": ["delete", "patch"],
                    "generate-duplicate-query-parameters": False,
                },
            },
            "checks": {"enabled": True},
            "operations": [
                {
                    # which years have figures is data, not schema: a year without them is a
                    # 422 saying so (as test_targets.py wants)
                    "include-path": ["/api/v1/targets/allocation", "/api/v1/targets/assessment"],
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", 401, 403, 404, 422, 429]
                        }
                    },
                },
                {
                    # an upload's rows are checked beyond what a schema can say: a file that
                    # fits the schema (any bytes) is still refused with 422 listing its errors
                    "include-path": "/api/v1/submissions",
                    "include-method": "POST",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", 401, 403, 404, 409, 413, 422, 429]
                        }
                    },
                },
            ],
        }
    )


@pytest.fixture(scope="module")
def loaded(demo_database):
    return demo_database


@pytest.fixture(scope="module", autouse=True)
def _connection_kept():
    """Requests go to Django's WSGI handler, which closes the database connection after each
    one, rolling back the test's transaction; keep it open, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _bad_tokens_not_throttled(settings):
    """The ignored_auth check sends invalid tokens on purpose: after ten of them the address
    would get 429 for everything (test_auth.py tests that), and the run would check little
    else."""
    settings.CARBONCTL_BAD_TOKEN_LIMIT = 10**9


@pytest.fixture(autouse=True)
def _node_id(request):
    """schemathesis 4 renames the test per operation through ``node._nodeid``, which pytest 9
    no longer has; give it one (the name shown in reports is unchanged)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


def _schema(phases: list[str], max_examples: int):
    """The API's OpenAPI document as schemathesis reads it, sent to the WSGI application."""
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", WSGIHandler(), config=_config(phases, max_examples)
    )


@pytest.fixture
def admin_schema(loaded, db):
    return _schema(["examples", "coverage", "fuzzing"], MAX_EXAMPLES)


@pytest.fixture
def county_schema(loaded, db):
    return _schema(["fuzzing"], MAX_EXAMPLES // 2)


# One test per role, each operation a subtest: one database savepoint per role, not per operation
# (rolling one back re-checks the module's deferred constraints on PostgreSQL: ~3 s each).
admin_api = schemathesis.pytest.from_fixture("admin_schema")
county_api = schemathesis.pytest.from_fixture("county_schema")

fast = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def _send(case, role: str, token: str) -> None:
    try:
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
    except Exception:
        FAILED[role] += 1
        raise
    statuses = SENT.setdefault(role, {}).setdefault(case.operation.label, Counter())
    statuses[response.status_code] += 1


def _token(role: str) -> str:
    return issue_token(User.objects.get(profile__role=role))


@pytest.fixture
def admin_token(loaded):
    return _token(Role.PROVINCE_ADMIN)


@pytest.fixture
def county_token(loaded):
    return _token(Role.COUNTY_OFFICIAL)


@admin_api.parametrize()
@fast
def test_the_api_keeps_its_schema_for_a_province_administrator(case, admin_token):
    _send(case, "province administrator", admin_token)


@county_api.parametrize()
@fast
def test_the_api_keeps_its_schema_for_a_county_official(case, county_token):
    _send(case, "county official", county_token)


def test_stored_objects_are_asked_by_their_real_ids(admin_schema, admin_token):
    """Generated ids are small examples (1, 2 …); where the database's sequences have moved on
    (PostgreSQL, after other modules) no such object exists. Each operation on one stored object
    is also asked with a real id, through the same checks."""
    from carbonctl.web.enterprises.models import Enterprise
    from carbonctl.web.submissions.models import Submission

    real = {
        "/api/v1/enterprises/{enterprise_id}": {"enterprise_id": Enterprise.objects.first().pk},
        "/api/v1/submissions/{submission_id}": {"submission_id": Submission.objects.first().pk},
    }
    for path, parameters in real.items():
        _send(
            admin_schema[path]["GET"].Case(path_parameters=parameters),
            "province administrator",
            admin_token,
        )


def test_every_operation_was_exercised(record_property):
    """Runs after the two above (same module, same worker): each role reached every operation,
    with real answers — the administrator's requests succeed where data exist, the county
    official's are refused outside 小店区. The counts go to the run's summary (conftest.py)."""
    operations = {
        f"{method.upper()} {path}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    assert set(SENT) == {"province administrator", "county official"}
    for role, answered in SENT.items():
        assert set(answered) == operations, f"{role}: not exercised {operations - set(answered)}"
        cases = sum(sum(statuses.values()) for statuses in answered.values())
        record_property(
            "api_schema",
            f"schemathesis as {role}: {len(answered)} operations, {cases} cases, "
            f"{FAILED[role]} failed checks (server errors, schema violations …)",
        )
    assert not FAILED, f"cases failing a check: {dict(FAILED)}"

    def succeeded(role: str) -> set[str]:
        return {op for op, statuses in SENT[role].items() if any(200 <= s < 300 for s in statuses)}

    assert succeeded("province administrator") == operations - NEVER_2XX
    county = SENT["county official"]
    assert any(200 <= s < 300 for s in county["GET /api/v1/enterprises"])
    assert 404 in county["GET /api/v1/targets/allocation"]  # province roles only
