"""The audit log is append-only and records who created what."""

from __future__ import annotations

import pytest

from carbonctl.web.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_creating_users_is_audited(province):
    entries = AuditEntry.objects.filter(action="create", object_type="accounts.Profile")
    assert entries.count() == len(province["users"])
    assert {e.after["role"] for e in entries} >= {"province_admin", "city_official"}


def test_entries_cannot_be_changed_or_deleted(province):
    entry = AuditEntry.objects.first()
    entry.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(summary="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert not AuditEntry.objects.filter(summary="tampered").exists()


def test_admin_can_search_but_not_edit_the_log(client, province):
    client.force_login(province["users"]["province_admin"])
    page = client.get("/admin/audit/auditentry/", {"q": "city_official"})
    assert page.status_code == 200
    assert "taiyuan" in page.content.decode()
    entry = AuditEntry.objects.first()
    assert client.get(f"/admin/audit/auditentry/{entry.id}/delete/").status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
