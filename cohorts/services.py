"""The cohorts app's acts: every state change of a cohort, an application, a review, an
invitation or a city request is a function here, and each goes through the core
``transition`` (an act that moves a status) or ``locked`` (one that changes a locked row
without one). The ranking and the staff queues are read here too.
"""

import statistics
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from resilience_portal import audit
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from . import notices, tasks
from .models import (
    City,
    CityApplication,
    CityInvitation,
    CityMembership,
    Cohort,
    CriterionScore,
    Review,
)
from .models.review import MAX_SCORE

FINISHED_COHORT = (Cohort.Status.SELECTED, Cohort.Status.RUNNING, Cohort.Status.CLOSED)


# --- the cohort's life -----------------------------------------------------------------------


def open_cohort(cohort, *, by):
    """Announce the cohort: cities may apply once its window opens."""

    def ready(row):
        if not (row.applications_open and row.applications_close):
            raise Refused(_("Set the application window before opening the cohort."))
        if not row.criteria.exists():
            raise Refused(_("Add at least one selection criterion before opening the cohort."))

    return transition(
        cohort,
        to=Cohort.Status.OPEN,
        allowed_from=[Cohort.Status.DRAFT],
        refusal=_("Only a draft cohort can be opened."),
        action="cohort.opened",
        by=by,
        check=ready,
    )


def start_cohort_review(cohort, *, by, now=None):
    """Close intake: every submitted application moves under review."""

    def window_closed(row):
        if not row.window_has_closed(now=now):
            raise Refused(_("The application window has not closed yet."))

    def review_submitted(row):
        # Locked so that an application withdrawn at this moment stays withdrawn.
        submitted = row.applications.select_for_update().filter(
            status=CityApplication.Status.SUBMITTED
        )
        for application in submitted:
            transition(
                application,
                to=CityApplication.Status.UNDER_REVIEW,
                allowed_from=[CityApplication.Status.SUBMITTED],
                action="application.review_started",
                by=by,
            )

    return transition(
        cohort,
        to=Cohort.Status.REVIEWING,
        allowed_from=[Cohort.Status.OPEN],
        refusal=_("Only an open cohort can move to review."),
        action="cohort.review_started",
        by=by,
        check=window_closed,
        then=review_submitted,
    )


def _move_on(cohort, *, by, start, to, action):
    return transition(
        cohort,
        to=to,
        allowed_from=[start],
        refusal=_("Only a cohort whose status is “%(status)s” can move on to “%(next)s”.")
        % {"status": Cohort.Status(start).label, "next": Cohort.Status(to).label},
        action=action,
        by=by,
    )


def start_running(cohort, *, by):
    """The selected cities begin the programme: sessions, challenges, mentoring."""
    return _move_on(
        cohort,
        by=by,
        start=Cohort.Status.SELECTED,
        to=Cohort.Status.RUNNING,
        action="cohort.running",
    )


def close_cohort(cohort, *, by):
    """The programme round is over; the cohort stays on the public page as a record."""
    return _move_on(
        cohort, by=by, start=Cohort.Status.RUNNING, to=Cohort.Status.CLOSED, action="cohort.closed"
    )


def confirm_selection(cohort, *, by):
    """Turn the recorded decisions into results, the cohort's cities and e-mails to applicants."""
    decided = []
    details = {}

    def decisions_complete(row):
        # Every act that could add a selected city locks the cohort row first (this one and
        # record_decision), so two staff deciding or confirming at once are serialised.
        applications = list(
            row.applications.select_for_update(of=("self",))
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
        if len(selected) > row.max_cities:
            raise Refused(_("More cities are selected than the cohort's maximum."))
        if not selected:
            raise Refused(_("Select at least one city before confirming."))
        decided.extend(applications)
        # Read by the audit entry, which transition writes after this check.
        details["selected"] = len(selected)

    def publish_results(row):
        for application in decided:
            transition(
                application,
                to=application.decision,
                allowed_from=[CityApplication.Status.UNDER_REVIEW],
                action="application.result",
                by=by,
                details={"result": application.decision},
            )
        row.cities.add(
            *[a.city for a in decided if a.decision == CityApplication.Decision.SELECTED]
        )
        transaction.on_commit(lambda: tasks.send_selection_results.delay(row.pk))

    return transition(
        cohort,
        to=Cohort.Status.SELECTED,
        allowed_from=[Cohort.Status.REVIEWING],
        refusal=_("This cohort's selection is already confirmed or not in review."),
        action="cohort.selection_confirmed",
        by=by,
        check=decisions_complete,
        details=details,
        then=publish_results,
    )


# --- applications ----------------------------------------------------------------------------


def start_application(*, cohort, city, by, now=None):
    """Open (or find) the city's draft for this cohort; only while the window is open."""
    if not city.has_official(by):
        raise Refused(_("Only the city's officials can apply on its behalf."))
    existing = CityApplication.objects.filter(cohort=cohort, city=city).first()
    if existing and existing.status == CityApplication.Status.WITHDRAWN:
        return reopen_application(existing, by=by, now=now)
    if existing:
        return existing
    if not cohort.accepts_applications(now=now):
        raise Refused(_("This cohort is not accepting applications."))
    with transaction.atomic():
        application, created = CityApplication.objects.get_or_create(
            cohort=cohort, city=city, defaults={"created_by": by}
        )
        if created:
            audit.record(application, "application.started", actor=by)
    return application


def reopen_application(application, *, by, now=None):
    """A withdrawn application becomes a draft again, answers kept, while the window is open.

    One application per city per cohort: applying again means taking the withdrawn one back.
    """

    def window_open(row):
        if not row.cohort.accepts_applications(now=now):
            raise Refused(
                _("The application was withdrawn and the window has closed; it cannot be reopened.")
            )

    return transition(
        application,
        to=CityApplication.Status.DRAFT,
        allowed_from=[CityApplication.Status.WITHDRAWN],
        action="application.reopened",
        by=by,
        check=window_open,
        changes={"submitted_at": None, "updated_at": timezone.now()},
    )


def save_draft(application, *, by, changed=(), loaded=None):
    """Save the answers this person changed; a colleague's answers saved meanwhile stay.

    ``loaded`` maps sections to the answers the page showed when it loaded. Given (by an
    autosave), a changed section a colleague saved since then is left as the colleague saved
    it; those sections are returned, so the person is told and keeps their own text.
    """
    with locked(application) as row:
        # Read under lock: a colleague may have submitted or withdrawn since the page loaded.
        if not row.is_editable:
            raise Refused(_("Only a draft can be edited."))
        fields = [field for field in changed if field in CityApplication.DRAFT_FIELDS]
        newer = [
            field
            for field in fields
            if loaded is not None
            and field in loaded
            and _same_text(getattr(row, field)) != _same_text(loaded[field])
        ]
        if newer:
            fields = [field for field in fields if field not in newer]
            if not fields:
                return newer
        if "leadership_letter" in fields:
            # The form set the new letter's scan status; it is held for others until clean.
            application.leadership_letter_uploaded_by = by
            fields += ["leadership_letter_scan_status", "leadership_letter_uploaded_by"]
        application.save(update_fields=[*fields, "updated_at"])
        written = sorted(field for field in changed if field not in newer)
        audit.record(application, "application.saved", actor=by, fields=written)
    return newer


def _same_text(value):
    # Browsers send line breaks as CRLF or LF depending on how a form is sent.
    return (value or "").replace("\r\n", "\n").strip()


def submit_application(application, *, by, now=None):
    """Submit the draft; refused after the window closes, leaving the draft as it was."""
    now = now or timezone.now()

    def complete_in_window(row):
        if not row.cohort.accepts_applications(now=now):
            raise Refused(
                _("The application window is closed; your draft is saved but not submitted.")
            )
        missing = row.missing_for_submission()
        if missing:
            raise Refused(
                _("Complete these parts before submitting: %(parts)s.")
                % {"parts": ", ".join(missing)}
            )

    return transition(
        application,
        to=CityApplication.Status.SUBMITTED,
        allowed_from=[CityApplication.Status.DRAFT],
        refusal=_("Only a draft can be submitted."),
        action="application.submitted",
        by=by,
        check=complete_in_window,
        changes={"submitted_at": now, "updated_at": now},
        then=lambda row: notices.tell_officials(row, "cohorts_submitted"),
    )


def withdraw_application(application, *, by):
    # Checked on the locked row: staff may have started the review since the page loaded.
    return transition(
        application,
        to=CityApplication.Status.WITHDRAWN,
        allowed_from=CityApplication.WITHDRAWABLE,
        refusal=_("An application under review or decided cannot be withdrawn."),
        action="application.withdrawn",
        by=by,
        changes={"updated_at": timezone.now()},
    )


def record_decision(application, decision, *, by, note=""):
    """Staff record select / waitlist / decline; never more selections than the cap."""
    if decision not in CityApplication.Decision.values:
        raise Refused(_("Choose select, waitlist or decline."))
    if Review.objects.filter(application=application, reviewer=by, conflict_declared=True).exists():
        raise Refused(_("You declared a conflict of interest on this application."))
    if application.city.has_official(by):
        raise Refused(_("You are an official of this city: you cannot decide its application."))
    # The cohort row is locked first, as confirm_selection does, so the cap holds.
    with locked(application.cohort) as cohort, locked(application) as row:
        if not cohort.is_deciding():
            raise Refused(_("Decisions are recorded while the cohort is in review."))
        if not row.is_under_review:
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
        values = {
            "decision": decision,
            "decision_note": note,
            "decided_by": by,
            "decided_at": timezone.now(),
        }
        for field, value in values.items():
            setattr(row, field, value)
            setattr(application, field, value)
        row.save(update_fields=[*values, "updated_at"])
        audit.record(row, "application.decision_recorded", actor=by, decision=decision)
    return application


# --- reviews ---------------------------------------------------------------------------------


def review_for(application, user, *, opening=True):
    """The reviewer's own review of ``application``, opened on first use.

    With ``opening=False`` (reading the page) nothing is written: a review not yet opened
    comes back unsaved, and the first save or declaration opens it.
    """
    if not is_programme_staff(user):
        raise Refused(_("Only programme staff review applications."))
    if not application.is_under_review:
        raise Refused(_("This application is not under review."))
    if application.city.has_official(user):
        raise Refused(_("You are an official of this city: you cannot review its application."))
    if not opening:
        review = Review.objects.filter(application=application, reviewer=user).first()
        return review or Review(application=application, reviewer=user)
    review, _created = Review.objects.get_or_create(application=application, reviewer=user)
    return review


def _still_open(review):
    if review.conflict_declared:
        raise Refused(_("You declared a conflict of interest: you cannot score this city."))
    if review.is_submitted:
        raise Refused(_("Your review is already submitted."))


def declare_conflict(review, *, note=""):
    with locked(review) as row:
        if row.is_submitted:
            raise Refused(_("Your review is already submitted."))
        review.conflict_declared = True
        review.conflict_note = note
        review.save(update_fields=["conflict_declared", "conflict_note", "updated_at"])
        review.scores.all().delete()
        audit.record(review.application, "review.conflict_declared", actor=review.reviewer)


def save_scores(review, scores):
    """``scores`` maps criterion id to (score 0-5, comment)."""
    criteria = {c.id: c for c in review.application.cohort.criteria.all()}
    with locked(review) as row:
        _still_open(row)
        for criterion_id, (score, comment) in scores.items():
            if criterion_id not in criteria:
                raise Refused(_("That criterion is not one of this cohort's."))
            if score is not None and not 0 <= score <= MAX_SCORE:
                raise Refused(_("Scores run from 0 to 5."))
            CriterionScore.objects.update_or_create(
                review=row,
                criterion=criteria[criterion_id],
                defaults={"score": score, "comment": comment},
            )
        review.save(update_fields=["updated_at"])


def submit_review(review):
    criteria = set(review.application.cohort.criteria.values_list("id", flat=True))
    with locked(review) as row:
        _still_open(row)
        scored = set(row.scores.filter(score__isnull=False).values_list("criterion_id", flat=True))
        if criteria - scored:
            raise Refused(_("Score every criterion before submitting your review."))
        review.submitted_at = timezone.now()
        review.save(update_fields=["submitted_at", "updated_at"])
        audit.record(review.application, "review.submitted", actor=review.reviewer)


# --- city teams --------------------------------------------------------------------------------


def add_official(city, user, *, role=None, by=None, via="invitation"):
    """Make ``user`` a verified official of ``city`` (idempotent), recorded in the audit
    trail. Only for a grant someone already vouches for: a verified colleague's invitation,
    or demo data; a person asking for themselves files a request instead."""
    with transaction.atomic():
        membership, created = CityMembership.objects.get_or_create(
            city=city,
            user=user,
            defaults={
                "role": role or CityMembership.Role.MEMBER,
                "status": CityMembership.Status.VERIFIED,
                "decided_at": timezone.now(),
            },
        )
        if created:
            audit.record(city, "city.official_added", actor=by or user, user=user.email, via=via)
        elif not membership.is_verified:
            # A pending or refused request is settled by the vouching colleague.
            membership = transition(
                membership,
                to=CityMembership.Status.VERIFIED,
                allowed_from=[CityMembership.Status.PENDING, CityMembership.Status.REJECTED],
                action="city.official_verified",
                by=by or user,
                details={"via": via, "was": membership.status},
                changes=lambda row: {"role": role or row.role, "decided_at": timezone.now()},
            )
            audit.record(city, "city.official_added", actor=by or user, user=user.email, via=via)
    return membership


def invite_colleague(*, city, email, by, role=CityMembership.Role.MEMBER):
    if not city.has_official(by):
        raise Refused(_("Only the city's officials can invite colleagues."), field="email")
    email = email.strip().lower()
    if city.memberships.verified().filter(user__email__iexact=email).exists():
        raise Refused(
            _("%(email)s is already an official of this city.") % {"email": email}, field="email"
        )
    with transaction.atomic():
        invitation = CityInvitation.objects.create(city=city, email=email, role=role, invited_by=by)
        audit.record(city, "city.invitation_sent", actor=by, email=email)
        notices.send_invitation(invitation, inviter=by)
    return invitation


def accept_invitation(invitation, user):
    """Join the city; only the invited address may, and only once."""
    if invitation.is_used:
        raise Refused(_("This invitation has already been used."))
    if not invitation.is_for(user):
        raise Refused(
            _("This invitation is for %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    with locked(invitation) as row:
        if row.is_used:
            raise Refused(_("This invitation has already been used."))
        add_official(invitation.city, user, role=invitation.role, by=user, via="invitation")
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(invitation, "invitation.accepted", actor=user)


def accept_pending_invitations(user, email):
    """Accept every live invitation for ``email`` once ``user`` has verified it."""
    pending = CityInvitation.objects.filter(
        email__iexact=email,
        accepted_at__isnull=True,
        created_at__gte=timezone.now() - CityInvitation.lifetime,
    ).select_related("city")
    accepted = []
    for invitation in pending:
        try:
            accept_invitation(invitation, user)
        except Refused:
            continue
        accepted.append(invitation)
    return accepted


def request_city_team(*, by, name, position, letter=None, staff_contact="", **profile):
    """Register a city, or claim one with no verified officials: either way a request for
    programme staff to verify, never a grant; a city with officials needs an invitation."""
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
        notices.tell_staff_city_requested(membership)
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
        then=lambda row: notices.tell_requester(row, "cohorts_official_verified"),
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
        then=lambda row: notices.tell_requester(row, "cohorts_official_rejected"),
    )


# --- reading: the ranking and the queues -------------------------------------------------------


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

    @property
    def viewer_may_decide(self):
        """The decision form is offered while the cohort is in review, unless conflicted."""
        conflicted = self.own_review is not None and self.own_review.conflict_declared
        return (
            self.application.cohort.is_deciding()
            and self.application.is_under_review
            and not conflicted
        )


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


def pending_official_requests():
    return (
        CityMembership.objects.pending()
        .select_related("city", "user")
        .order_by("requested_at", "pk")
    )
