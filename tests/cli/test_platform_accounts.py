"""`carbonctl createuser` refuses weak passwords (exit 2, the validators' messages) and
`carbonctl token create|list|revoke` issue tokens with a lifetime, list them and revoke them
(audited). Run in this process on the test database (the commands' migrate step skipped)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from typer.testing import CliRunner

from carbonctl.cli import app
from carbonctl.web.accounts.models import ApiToken, Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

STRONG = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _no_migrate(monkeypatch):
    """The test database is migrated already (and migrate cannot run inside a test)."""
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)


def carbonctl(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def bob(db):
    return create_user("bob", STRONG, Role.PUBLIC)


@pytest.mark.parametrize("password", ["123", "password", "qwertyuiop", "20240101"])
def test_createuser_refuses_a_weak_password_with_exit_2(password):
    done = carbonctl("createuser", "bob", "--role", "public", "--password", password)
    assert done.exit_code == 2, done.output
    assert "error: password:" in " ".join(done.stderr.split())
    assert not get_user_model().objects.filter(username="bob").exists()


def test_createuser_with_a_strong_password(db):
    done = carbonctl("createuser", "bob", "--role", "public", "--password", STRONG)
    assert done.exit_code == 0, done.stderr
    assert get_user_model().objects.get(username="bob").check_password(STRONG)
    again = carbonctl("createuser", "bob", "--role", "public", "--password", STRONG)
    assert again.exit_code == 2 and "username" in again.stderr


def test_token_create_with_days_prints_the_key_once(bob):
    done = carbonctl("token", "create", "bob", "--name", "ci", "--days", "7")
    assert done.exit_code == 0, done.stderr
    key = done.stdout.strip()
    token = ApiToken.objects.get(user=bob)
    assert len(key) >= 40 and key not in token.key_hash
    assert token.name == "ci"
    assert token.expires_at - timezone.now() == pytest.approx(
        timedelta(days=7), abs=timedelta(minutes=1)
    )
    assert carbonctl("createtoken", "bob").exit_code == 0  # the older spelling still works


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody",), "no user 'nobody'"),
        (("bob", "--days", "0"), "1 to 366 days"),
        (("bob", "--days", "400"), "1 to 366 days"),
    ],
)
def test_token_create_refuses_with_exit_2(bob, args, message):
    done = carbonctl("token", "create", *args)
    assert done.exit_code == 2
    assert message in done.stderr
    assert not ApiToken.objects.exists()


def test_token_list_and_revoke_by_id_and_by_name(bob):
    for name in ("ci", "ci", "report"):
        assert carbonctl("token", "create", "bob", "--name", name).exit_code == 0
    ids = list(ApiToken.objects.order_by("pk").values_list("pk", flat=True))
    listed = carbonctl("token", "list", "--user", "bob")
    assert listed.exit_code == 0 and listed.stdout.count("active") == 3

    by_id = carbonctl("token", "revoke", str(ids[2]))
    assert by_id.exit_code == 0 and f"revoked token {ids[2]}" in by_id.stdout
    by_name = carbonctl("token", "revoke", "--user", "bob", "--name", "ci")
    assert by_name.exit_code == 0 and f"revoked token {ids[0]}, {ids[1]}" in by_name.stdout
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert carbonctl("token", "list").stdout.count("revoked") == 3

    audited = AuditEntry.objects.filter(action=AuditEntry.Action.TOKEN_REVOKED)
    assert sorted(int(e.object_id) for e in audited) == ids
    assert all(e.user is None and "bob" in e.summary for e in audited)  # from the command line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "say which token"),
        (("--name", "ci"), "--name needs --user"),
        (("999",), "no unrevoked token matches id 999"),
        (("--user", "bob", "--name", "nope"), "no unrevoked token matches user 'bob', name"),
    ],
)
def test_token_revoke_refuses_with_exit_2(bob, args, message):
    done = carbonctl("token", "revoke", *args)
    assert done.exit_code == 2
    assert message in " ".join(done.stderr.split())
