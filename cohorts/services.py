"""Selection: decisions under the cohort's cap, the confirmed selection, and the ranking."""

import statistics
from dataclasses import dataclass

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit, mail
from resilience_portal.permissions import is_programme_staff
from resilience_portal.transitions import transition

from .models import (
    City,
    CityApplication,
    CityMembership,
    Cohort,
    CriterionScore,
    Refused,
    Review,
)

FINISHED_COHORT = (Cohort.Status.SELECTED, Cohort.Status.RUNNING, Cohort.Status.CLOSED)


def _locked_cohort(cohort):
    # Every act that could add a selected city takes this row lock first, so two staff
    # deciding or confirming at the same moment are serialised and the cap holds.
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def record_decision(application, decision, *, by, note=""):
    """Staff record select / waitlist / decline; never more selections than the cap."""
    if decision not in CityApplication.Decision.values:
        raise Refused(_("Choose select, waitlist or decline."))
    if Review.objects.filter(application=application, reviewer=by, conflict_declared=True).exists():
        raise Refused(_("You declared a conflict of interest on this application."))
    if application.city.has_official(by):
        raise Refused(_("You are an official of this city: you cannot decide its application."))
    with transaction.atomic():
        cohort = _locked_cohort(application.cohort)
        if cohort.status != Cohort.Status.REVIEWING:
            raise Refused(_("Decisions are recorded while the cohort is in review."))
        current = CityApplication.objects.select_for_update().get(pk=application.pk)
        if current.status != CityApplication.Status.UNDER_REVIEW:
            raise Refused(_("Only an application under review can be decided."))
        if decision == CityApplication.Decision.SELECTED:
            selected = (
                cohort.applications.filter(decision=CityApplication.Decision.SELECTED)
                .exclude(pk=application.pk)
                .count()
            )
            if selected >= cohort.max_cities:
                raise Refused(
                    _("The cohort already has %(count)d selected cities, its maximum.")
                    % {"count": cohort.max_cities}
                )
        application.decision = decision
        application.decision_note = note
        application.decided_by = by
        application.decided_at = timezone.now()
        application.save(
            update_fields=["decision", "decision_note", "decided_by", "decided_at", "updated_at"]
        )
        audit.record(application, "application.decision_recorded", actor=by, decision=decision)
    return application


def confirm_selection(cohort, *, by):
    """Turn the recorded decisions into results, the cohort's cities and e-mails to applicants."""
    with transaction.atomic():
        locked = _locked_cohort(cohort)
        if locked.status != Cohort.Status.REVIEWING:
            raise Refused(_("This cohort's selection is already confirmed or not in review."))
        applications = list(
            locked.applications.select_for_update(of=("self",))
            .filter(status=CityApplication.Status.UNDER_REVIEW)
            .select_related("city")
        )
        undecided = [a.city.name for a in applications if not a.decision]
        if undecided:
            raise Refused(
                _("Record a decision for every application first: %(cities)s.")
                % {"cities": ", ".join(undecided)}
            )
        selected = [a for a in applications if a.decision == CityApplication.Decision.SELECTED]
        if len(selected) > locked.max_cities:
            raise Refused(_("More cities are selected than the cohort's maximum."))
        if not selected:
            raise Refused(_("Select at least one city before confirming."))
        for application in applications:
            application.status = application.decision
            application.save(update_fields=["status", "updated_at"])
            audit.record(application, "application.result", actor=by, result=application.status)
        locked.cities.add(*[a.city for a in selected])
        locked.status = Cohort.Status.SELECTED
        locked.save(update_fields=["status"])
        audit.record(locked, "cohort.selection_confirmed", actor=by, selected=len(selected))

        from .tasks import send_selection_results

        transaction.on_commit(lambda: send_selection_results.delay(locked.pk))
    cohort.refresh_from_db()
    return cohort


def send_selection_results(cohort_id):
    """E-mail each decided applicant its result once; safe to run twice."""
    decided = CityApplication.objects.filter(
        cohort_id=cohort_id,
        status__in=[
            CityApplication.Status.SELECTED,
            CityApplication.Status.WAITLISTED,
            CityApplication.Status.DECLINED,
        ],
        result_emailed_at__isnull=True,
    ).select_related("city", "cohort")
    sent = 0
    for application in decided:
        with transaction.atomic():
            claimed = CityApplication.objects.filter(
                pk=application.pk, result_emailed_at__isnull=True
            ).update(result_emailed_at=timezone.now())
            if not claimed:
                continue
            application.tell_officials("cohorts_result")
            sent += 1
    return sent


@dataclass
class RankedApplication:
    application: CityApplication
    mean: float | None
    spread: float | None
    reviews_submitted: int
    conflicts: int
    own_review: Review | None
    scores_visible: bool
    per_criterion: list

    @property
    def own_review_submitted(self):
        return self.own_review is not None and self.own_review.is_submitted


def scores_visible(application, user, own_review):
    """Another reviewer's scores stay hidden until the viewer has submitted their own."""
    if own_review is not None and own_review.conflict_declared:
        return False
    if own_review is not None and own_review.is_submitted:
        return True
    return application.cohort.status in FINISHED_COHORT


def reviewable_applications(cohort):
    return (
        cohort.applications.filter(submitted_at__isnull=False)
        .exclude(status=CityApplication.Status.WITHDRAWN)
        .select_related("city", "cohort")
        .prefetch_related(
            models.Prefetch(
                "reviews",
                queryset=Review.objects.prefetch_related(
                    models.Prefetch(
                        "scores", queryset=CriterionScore.objects.select_related("criterion")
                    )
                ),
            )
        )
    )


def ranking(cohort, *, viewer):
    """Applications ordered by the mean of their reviewers' weighted scores, with the spread."""
    criteria = list(cohort.criteria.all())
    rows = []
    for application in reviewable_applications(cohort):
        reviews = list(application.reviews.all())
        own = next((r for r in reviews if r.reviewer_id == viewer.pk), None)
        submitted = [r for r in reviews if r.is_submitted]
        totals = [r.weighted_score() for r in submitted]
        totals = [t for t in totals if t is not None]
        per_criterion = []
        for criterion in criteria:
            values = [
                s.score
                for r in submitted
                for s in r.scores.all()
                if s.criterion_id == criterion.id and s.score is not None
            ]
            per_criterion.append((criterion, statistics.fmean(values) if values else None))
        rows.append(
            RankedApplication(
                application=application,
                mean=statistics.fmean(totals) if totals else None,
                spread=(max(totals) - min(totals)) if totals else None,
                reviews_submitted=len(submitted),
                conflicts=sum(1 for r in reviews if r.conflict_declared),
                own_review=own,
                scores_visible=scores_visible(application, viewer, own),
                per_criterion=per_criterion,
            )
        )
    rows.sort(key=_rank_key)
    return rows


def _rank_key(row):
    # A row whose scores the viewer may not see yet sorts by name after the ranked ones:
    # its place in the order would otherwise tell what the other reviewers gave it.
    if not row.scores_visible or row.mean is None:
        return (1, 0, row.application.city.name)
    return (0, -row.mean, row.application.city.name)


def awaiting_review_count(user):
    """How many applications under review still wait for ``user``'s score or conflict."""
    done = Review.objects.filter(reviewer=user).filter(
        models.Q(submitted_at__isnull=False) | models.Q(conflict_declared=True)
    )
    return (
        CityApplication.objects.filter(status=CityApplication.Status.UNDER_REVIEW)
        .exclude(pk__in=done.values("application_id"))
        # A reviewer never scores their own city's application, so it never awaits them.
        .exclude(city__in=City.objects.represented_by(user))
        .count()
    )


def request_city_team(*, by, name, position, letter=None, staff_contact="", **profile):
    """Register a city, or claim one with no verified officials: either way a request for
    programme staff to verify, never a grant; a city with officials needs an invitation."""
    from django.utils.text import slugify

    slug = slugify(name)[:140]
    if not slug:
        # The web address is made of Latin letters; a name in Thai or another script alone
        # would give an empty one, and every page linking to the city would fail.
        raise Refused(
            _("Write the city's name in Latin letters too, e.g. Bangkok (กรุงเทพมหานคร)."),
            field="name",
        )
    with transaction.atomic():
        city = City.objects.select_for_update().filter(slug=slug).first()
        if city is not None and city.has_verified_officials():
            raise Refused(
                _("%(city)s already has officials: ask them to invite you.") % {"city": city.name},
                field="name",
            )
        existing = (
            CityMembership.objects.select_for_update().filter(city=city, user=by).first()
            if city is not None
            else None
        )
        if existing is not None and existing.is_pending:
            raise Refused(
                _("You have already asked to represent %(city)s; programme staff will review it.")
                % {"city": city.name},
                field="name",
            )
        if city is None:
            city = City.objects.create(name=name, slug=slug, **profile)
            audit.record(city, "city.registered", actor=by)
        elif existing is None:
            # A city nobody represents yet: its profile is filled in, not overwritten, until
            # staff know who is asking.
            for field, value in profile.items():
                if value not in ("", None) and getattr(city, field) in ("", None):
                    setattr(city, field, value)
            city.save()
            audit.record(city, "city.claimed", actor=by)
        evidence = {
            "role": CityMembership.Role.LEAD,
            "position": position,
            "staff_contact": staff_contact,
            "requested_at": timezone.now(),
        }
        if existing is None:
            membership = CityMembership.objects.create(
                city=city, user=by, status=CityMembership.Status.PENDING, **evidence
            )
            audit.record(membership, "city.official_requested", actor=by)
        else:
            # A refused request asked again, with the new evidence.
            membership = transition(
                existing,
                to=CityMembership.Status.PENDING,
                allowed_from=[CityMembership.Status.REJECTED],
                action="city.official_requested",
                by=by,
                changes={**evidence, "decided_at": None, "decided_by": None},
            )
        if letter is not None:
            # Stored under a random name; the checked, safe name is only shown.
            membership.evidence_letter.save(letter.name, letter, save=False)
            membership.evidence_letter_name = letter.checked.safe_name
            membership.save(update_fields=["evidence_letter", "evidence_letter_name"])
    return membership


def _staff_only(by):
    def check(row):
        if not is_programme_staff(by):
            raise Refused(_("Only programme staff verify city officials."))

    return check


def verify_official(membership, *, by):
    """Staff confirm the person is who they say: from now on they act for the city."""
    return transition(
        membership,
        to=CityMembership.Status.VERIFIED,
        allowed_from=[CityMembership.Status.PENDING],
        action="city.official_verified",
        by=by,
        check=_staff_only(by),
        changes={"decided_at": timezone.now(), "decided_by": by, "decision_reason": ""},
        then=lambda row: _tell_requester(row, "cohorts_official_verified"),
    )


def reject_official(membership, *, by, reason):
    """Staff refuse a request, saying why, so the person knows what evidence is missing."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the person a reason, so they know what to send."), field="reason")
    return transition(
        membership,
        to=CityMembership.Status.REJECTED,
        allowed_from=[CityMembership.Status.PENDING],
        action="city.official_rejected",
        by=by,
        check=_staff_only(by),
        message=reason,
        changes={"decided_at": timezone.now(), "decided_by": by, "decision_reason": reason},
        then=lambda row: _tell_requester(row, "cohorts_official_rejected"),
    )


def _tell_requester(membership, template):
    from django.conf import settings

    person = membership.user
    mail.send_templated(
        template,
        to=person.email,
        context={
            "membership": membership,
            "city": membership.city,
            "name": person.full_name,
            "link": settings.SITE_URL.rstrip("/") + membership.city.get_absolute_url(),
            "register_link": settings.SITE_URL.rstrip("/") + reverse("cohorts:city_register"),
        },
        language=person.language,
    )


def pending_official_requests():
    return (
        CityMembership.objects.pending()
        .select_related("city", "user")
        .order_by("requested_at", "pk")
    )
