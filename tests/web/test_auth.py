"""Guessing costs: repeated failed logins lock the username (from that address) and the address,
on the site's and the admin's login alike, audited and without telling whether the username
exists; every new password passes Django's validators; API tokens expire, can be revoked and
repeated invalid ones are answered 429; every page carries a Content-Security-Policy."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

import carbonctl.web
from carbonctl.web import runtime
from carbonctl.web.accounts.models import ApiToken, LoginFailure, Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.accounts.tokens import issue_token, revoke_tokens
from carbonctl.web.audit.models import AuditEntry

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "wrong-password-123"
LOCKED = "登录失败次数过多，已暂时锁定"


def _login(client, username: str, password: str, path: str = LOGIN, address: str = "127.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id).username if user_id else None


def _audit(action: str):
    return AuditEntry.objects.filter(action=action).order_by("id")


# --- login lockout ------------------------------------------------------------------------------


def test_five_failed_logins_lock_the_username_and_are_audited(client, province):
    answers = [_login(client, "taiyuan", WRONG) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert "用户名或密码不正确" in answers[0].content.decode()
    locked = answers[-1]
    assert LOCKED in locked.content.decode()
    assert 890 <= int(locked["Retry-After"]) <= 900  # the 15-minute lock
    # while locked even the right password is refused, and not checked
    right = _login(client, "taiyuan", PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert _logged_in_as(client) is None
    failed = _audit(AuditEntry.Action.LOGIN_FAILED)
    assert failed.count() == 5  # the refused right password is not a failure to count
    entry = failed.first()
    assert (entry.object_type, entry.object_id, entry.address) == (
        "auth.login",
        "taiyuan",
        "127.0.0.1",
    )
    assert entry.path == LOGIN and entry.user is None
    lock = _audit(AuditEntry.Action.LOCKED_OUT).get()
    assert lock.object_id == "taiyuan" and "127.0.0.1" in lock.summary
    # the lock holds for this username from this address only
    assert _login(client, "analyst", PASSWORD).status_code == 302
    other = _login(client.__class__(), "taiyuan", PASSWORD, address="10.0.0.9")
    assert other.status_code == 302


def test_the_lock_says_the_same_whether_or_not_the_username_exists(client, province):
    def lock_message(username: str) -> str:
        for _ in range(5):
            answer = _login(client, username, WRONG)
        assert answer.status_code == 429
        return re.search(r'<p class="locked"[^>]*>(.*?)</p>', answer.content.decode()).group(1)

    assert lock_message("taiyuan") == lock_message("no-such-user")
    assert LOCKED in lock_message("Reviewer ")  # "reviewer" as counted: case and spaces ignored


def test_the_lock_message_says_when_to_retry_in_english_too(client, province):
    for _ in range(5):
        answer = _login(client, "citizen", WRONG, path="/en" + LOGIN)
    until = timezone.localtime(timezone.now() + timedelta(minutes=15))
    text = answer.content.decode()
    assert "Too many failed logins" in text and LOCKED not in text
    assert f"{until:%H:%M}" in text or f"{until - timedelta(minutes=1):%H:%M}" in text


def test_a_right_password_resets_the_count(client, province):
    for _ in range(4):
        _login(client, "reviewer", WRONG)
    assert _login(client, "reviewer", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="reviewer").exists()
    client.logout()
    answers = [_login(client, "reviewer", WRONG).status_code for _ in range(4)]
    assert answers == [200] * 4  # 8 failures in all, but never 5 since the last success


def test_the_lock_ends_after_the_lockout(client, province, monkeypatch):
    for _ in range(5):
        _login(client, "xiaodian", WRONG)
    later = timezone.now() + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _login(client, "xiaodian", PASSWORD).status_code == 302


@override_settings(CARBONCTL_LOGIN_ADDRESS_FAILURES=3)
def test_many_usernames_from_one_address_lock_the_address(client, province):
    for username in ("admin", "analyst", "guess"):
        _login(client, username, WRONG, address="10.0.0.7")
    refused = _login(client, "citizen", PASSWORD, address="10.0.0.7")
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    lock = _audit(AuditEntry.Action.LOCKED_OUT).get()
    assert lock.object_id == "10.0.0.7" and "every login from 10.0.0.7" in lock.summary
    assert _login(client, "citizen", PASSWORD, address="10.0.0.8").status_code == 302


def test_the_admin_login_is_locked_too(client, province):
    path = "/admin/login/"
    answers = [_login(client, "admin", WRONG, path=path) for _ in range(5)]
    assert answers[-1].status_code == 429
    assert LOCKED in answers[-1].content.decode()
    assert _login(client, "admin", PASSWORD, path=path).status_code == 429
    failed = _audit(AuditEntry.Action.LOGIN_FAILED)
    assert failed.count() == 5 and {e.path for e in failed} == {path}
    # one count for both forms: the site's login is locked as well
    assert _login(client, "admin", PASSWORD).status_code == 429


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(client, province, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.post(
        LOGIN,
        {"username": "citizen", "password": WRONG},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5",  # the first one is the client's claim
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )
    assert LoginFailure.objects.get().address == "203.0.113.5"
    assert _audit(AuditEntry.Action.LOGIN_FAILED).get().address == "203.0.113.5"


# --- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password"),
    [("weak", "123"), ("weak", "password"), ("weak", "20240101"), ("taiyuan2", "taiyuan2024")],
)
def test_create_user_refuses_a_weak_password(db, username, password):
    with pytest.raises(ValidationError) as refused:
        create_user(username, password, Role.PUBLIC)
    assert list(refused.value.message_dict) == ["password"]
    assert not get_user_model().objects.filter(username=username).exists()
    assert not AuditEntry.objects.exists()


def test_create_user_refuses_a_taken_username(province):
    with pytest.raises(ValidationError) as refused:
        create_user("taiyuan", PASSWORD, Role.PUBLIC)
    assert "该用户名已被使用" in str(refused.value.message_dict["username"])


def test_the_admin_refuses_a_weak_password(client, province):
    client.force_login(province["users"][Role.PROVINCE_ADMIN])
    answer = client.post(
        "/admin/auth/user/add/",
        {"username": "weakling", "password1": "123", "password2": "123", "usable_password": "true"},
    )
    assert answer.status_code == 200  # the form again, with the validators' messages
    assert not get_user_model().objects.filter(username="weakling").exists()


# --- API tokens ---------------------------------------------------------------------------------

API = "/api/v1/factor-sets"


def _bearer(token: str, address: str = "127.0.0.1") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "REMOTE_ADDR": address}


def test_a_token_expires_after_the_default_lifetime_and_its_use_is_noted(client, province):
    user = province["users"][Role.CITY_OFFICIAL]
    key = issue_token(user, "ci")
    token = ApiToken.objects.get(user=user)
    lifetime = token.expires_at - token.created_at
    assert lifetime == pytest.approx(timedelta(days=90), abs=timedelta(seconds=5))
    assert token.last_used_at is None
    assert client.get(API, **_bearer(key)).status_code == 200
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=30)
    created = _audit(AuditEntry.Action.CREATE).filter(object_type="accounts.ApiToken").get()
    assert "key_hash" not in created.after and created.after["name"] == "ci"


def test_token_lifetime_is_bounded(province):
    user = province["users"][Role.CITY_OFFICIAL]
    for days in (0, -1, 367):
        with pytest.raises(ValueError, match="1 to 366 days"):
            issue_token(user, days=days)
    issue_token(user, days=366)


def test_an_expired_token_is_refused_with_401(client, province):
    key = issue_token(province["users"][Role.CITY_OFFICIAL], days=1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = client.get(API, **_bearer(key))
    assert answer.status_code == 401
    assert "过期" in answer.json()["detail"]


def test_a_revoked_token_is_refused_with_401_and_the_revocation_audited(client, province):
    user = province["users"][Role.CITY_OFFICIAL]
    key = issue_token(user)
    assert client.get(API, **_bearer(key)).status_code == 200
    assert len(revoke_tokens(ApiToken.objects.all(), by=province["users"][Role.PROVINCE_ADMIN]))
    assert revoke_tokens(ApiToken.objects.all()) == []  # once only
    answer = client.get(API, **_bearer(key))
    assert answer.status_code == 401 and "吊销" in answer.json()["detail"]
    revoked = _audit(AuditEntry.Action.TOKEN_REVOKED).get()
    assert revoked.username == "admin" and revoked.before["revoked_at"] is None
    assert revoked.after["revoked_at"] is not None


@override_settings(CARBONCTL_BAD_TOKEN_LIMIT=3)
def test_repeated_bad_tokens_from_one_address_get_429_and_one_audit_row_each(client, province):
    good = issue_token(province["users"][Role.CITY_OFFICIAL])
    answers = [client.get(API, **_bearer(f"guess-{n}")).status_code for n in range(3)]
    assert answers == [401, 401, 401]
    throttled = client.get(API, **_bearer("guess-3"))
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/json"
    assert 1 <= int(throttled["Retry-After"]) <= 600
    assert str(throttled["Retry-After"]) in throttled.json()["detail"]
    # from that address even the right token waits; other addresses go on
    assert client.get(API, **_bearer(good)).status_code == 429
    assert client.get(API, **_bearer(good, "10.1.1.1")).status_code == 200
    for n in range(20):  # a flood adds no audit rows
        client.get(API, **_bearer(f"flood-{n}"))
    rows = _audit(AuditEntry.Action.BAD_TOKEN)
    assert rows.count() == 2
    first, limit = rows
    assert first.object_id == "127.0.0.1" and "unknown token" in first.summary
    assert limit.summary.startswith("3 invalid API tokens from 127.0.0.1")
    # without a bearer token (a browser's session) the address is not throttled
    client.force_login(province["users"][Role.CITY_OFFICIAL])
    assert client.get(API).status_code == 200


# --- Content-Security-Policy --------------------------------------------------------------------

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


@pytest.mark.parametrize("path", ["/", LOGIN, "/en/accounts/login/", "/admin/", API])
def test_every_answer_carries_the_content_security_policy(client, province, path):
    client.force_login(province["users"][Role.PROVINCE_ADMIN])
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer["Content-Security-Policy"] == POLICY


def test_the_api_docs_carry_it_and_have_no_inline_script(client):
    answer = client.get("/api/v1/docs")
    assert answer["Content-Security-Policy"] == POLICY
    scripts = re.findall(r"<script([^>]*)>", answer.content.decode())
    assert scripts and all("src=" in s or "application/json" in s for s in scripts)


#: What the policy refuses in a page: style attributes and elements, inline event handlers,
#: scripts without a source (data in <script type="application/json"> is not run, so allowed).
INLINE = re.compile(
    r"""\sstyle=["']|<style[\s>]|\son[a-z]+=["']|<script(?![^>]*\bsrc=)(?![^>]*application/json)"""
)


def test_no_template_has_inline_style_or_script():
    root = Path(carbonctl.web.__file__).parent
    pages = [
        p
        for p in root.rglob("templates/**/*.html")
        if not p.name.endswith("_pdf.html")  # rendered to PDF on the server, never a page
    ]
    assert len(pages) > 15
    offenders = [
        f"{p.relative_to(root)}: {m.group()}" for p in pages for m in INLINE.finditer(p.read_text())
    ]
    assert offenders == []


# --- gunicorn -----------------------------------------------------------------------------------


def test_each_server_has_its_own_control_socket(tmp_path, monkeypatch):
    monkeypatch.setenv("CARBONCTL_DATA_DIR", str(tmp_path))
    assert runtime.control_socket(8000) == str(tmp_path / "gunicorn-8000.ctl")
    assert runtime.control_socket(8001) != runtime.control_socket(8000)
    monkeypatch.setenv("CARBONCTL_DATA_DIR", str(tmp_path / ("x" * 120)))
    assert runtime.control_socket(8000) is None  # too long for a Unix socket: none at all
