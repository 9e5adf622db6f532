"""What a user may see (数据权限): regions and enterprises by role, and the refusal of the rest.

- province administrator, province analyst, reviewer: every region and enterprise;
- city official: the city, its counties and their enterprises;
- county official: the county and its enterprises;
- enterprise reporter: the own enterprise only;
- public and anonymous users: published disclosures only (no region or enterprise data).

How much of the aggregates over those regions a role sees (its own region in full, the
province's total and average beside it, …) is the rule of :mod:`.aggregates`; views ask it
through :func:`require_aggregates` and :func:`overview_focus`.

A request for something outside the scope is answered 404 — the same as for an id that does
not exist, so ids cannot be probed — and logged in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from carbonctl.web.accounts.aggregates import AggregateLevel
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import Capability, aggregate_level, role_may, role_of
from carbonctl.web.audit.services import record_denial
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.regions.models import Region


@dataclass(frozen=True)
class Scope:
    role: str
    everything: bool
    region_codes: frozenset[str]
    enterprise_ids: frozenset[int]


def scope_of(user) -> Scope:
    """The scope of ``user`` (anonymous and users without a profile are public)."""
    role = role_of(user)
    profile = user.profile if role != Role.PUBLIC else None
    if role_may(role, Capability.SEE_WHOLE_PROVINCE):
        return Scope(role, True, frozenset(), frozenset())
    if role == Role.CITY_OFFICIAL:
        codes = frozenset(
            Region.objects.filter(
                Q(adcode=profile.region_id) | Q(parent_id=profile.region_id)
            ).values_list("adcode", flat=True)
        )
    elif role == Role.COUNTY_OFFICIAL:
        codes = frozenset({profile.region_id})
    else:
        codes = frozenset()
    if role == Role.ENTERPRISE_REPORTER:
        enterprises = frozenset({profile.enterprise_id})
    else:
        enterprises = frozenset(
            Enterprise.objects.filter(county_id__in=codes).values_list("id", flat=True)
        )
    return Scope(role, False, codes, enterprises)


def regions_for(user) -> QuerySet[Region]:
    scope = scope_of(user)
    regions = Region.objects.all()
    return regions if scope.everything else regions.filter(adcode__in=scope.region_codes)


def enterprises_for(user) -> QuerySet[Enterprise]:
    scope = scope_of(user)
    enterprises = Enterprise.objects.all()
    return enterprises if scope.everything else enterprises.filter(id__in=scope.enterprise_ids)


def require_aggregates(request, level: AggregateLevel, what: str) -> None:
    """Refuse ``request`` unless its user's aggregate level is ``level`` or higher: 404 (as for
    a page that does not exist) and a denial in the audit log naming ``what`` was asked."""
    if aggregate_level(request.user) < level:
        record_denial(request, what, "", f"aggregates below {level.name.lower()} level")
        raise Http404


def overview_focus(user) -> Region | None:
    """The region whose figures the user's overview shows: the province for province roles,
    the official's own city or county, None for roles without region aggregates."""
    level = aggregate_level(user)
    if level >= AggregateLevel.PROVINCE:
        return Region.objects.filter(level=Region.Level.PROVINCE).first()
    if level >= AggregateLevel.OWN_REGION:
        return user.profile.region
    return None


def _visible_or_404(request, visible: QuerySet, model, pk: object, reason: str):
    """The object if it is among ``visible``; otherwise 404, written to the audit log as a
    denial when the object exists (a guessed id of someone else's object)."""
    found = visible.filter(pk=pk).first()
    if found is None:
        if model.objects.filter(pk=pk).exists():
            record_denial(request, model._meta.label, str(pk), reason)
        raise Http404
    return found


def region_or_404(request, adcode: str) -> Region:
    """The region if the user may see it (404 otherwise, see :func:`_visible_or_404`)."""
    return _visible_or_404(
        request, regions_for(request.user), Region, adcode, "outside the user's regions"
    )


def enterprise_or_404(request, enterprise_id: int) -> Enterprise:
    """The enterprise if the user may see it (404 otherwise)."""
    return _visible_or_404(
        request,
        enterprises_for(request.user),
        Enterprise,
        enterprise_id,
        "outside the user's scope",
    )


def submission_or_404(request, submission_id: int):
    """The submission if the user may see it (404 otherwise)."""
    from carbonctl.web.submissions.models import Submission

    return _visible_or_404(
        request, submissions_for(request.user), Submission, submission_id, "outside scope"
    )


def submissions_for(user):
    """Submissions the user may see: their region's and enterprises' (all for province roles)."""
    from carbonctl.web.submissions.models import Submission

    scope = scope_of(user)
    submissions = Submission.objects.select_related("region", "enterprise", "factor_set")
    if scope.everything:
        return submissions
    if scope.role == Role.ENTERPRISE_REPORTER:
        return submissions.filter(enterprise_id__in=scope.enterprise_ids)
    return submissions.filter(
        Q(region_id__in=scope.region_codes) | Q(enterprise_id__in=scope.enterprise_ids)
    )
