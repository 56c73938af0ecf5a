"""The pilot's acts and readings: start it from a final award, plan it, report on it, pay it.

Who acts is checked inside the lock on the pilot (``locked``/``transition``), every act is
in the audit trail, and a refused act raises ``Refused``. Late milestones are read from the
clock; ``flag_late_milestones`` only tells the city's officials, once per milestone.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resilience_portal import audit, mail
from resilience_portal.formatting import format_day
from resilience_portal.refusals import Refused
from resilience_portal.transitions import locked, transition

from . import kpi_charts
from .models import (
    KPI,
    Evidence,
    Indicator,
    KPIReading,
    Milestone,
    Payment,
    Pilot,
    ProgressUpdate,
)


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def _check_manager(pilot, by):
    if not pilot.may_manage(by):
        raise Refused(_("Only the city's officials plan and manage the pilot."))


def _check_running(pilot):
    if not pilot.is_running:
        raise Refused(_("The pilot is completed; nothing in it changes any more."))


# --- starting the pilot ----------------------------------------------------------------------


def start_pilot(award, *, by, summary, starts_on, ends_on):
    """The city official signs the contract: the awarded proposal becomes a running pilot.

    Only once the award is final (the standstill over, by the clock), so a question still
    open to unsuccessful bidders can never be overtaken by work already begun.
    """
    if not award.challenge.is_official(by):
        raise Refused(_("Only the city's officials start the pilot."))
    if not summary.strip():
        raise Refused(_("Say what the pilot does; it is shown publicly."), field="summary")
    if ends_on < starts_on:
        raise Refused(_("The pilot ends after it starts."), field="ends_on")
    with locked(award) as row:
        if not row.is_final():
            raise Refused(
                _("The award becomes final on %(date)s; the pilot starts after that.")
                % {"date": format_day(row.standstill_ends_at)}
            )
        if Pilot.objects.filter(award=row).exists():
            raise Refused(_("This award's pilot has started already."))
        try:
            with transaction.atomic():
                pilot = Pilot.objects.create(
                    award=row,
                    challenge_id=row.challenge_id,
                    sme_id=row.sme_id,
                    summary=summary.strip(),
                    starts_on=starts_on,
                    ends_on=ends_on,
                    started_by=by,
                )
        except IntegrityError as error:
            raise Refused(_("This award's pilot has started already.")) from error
        audit.record(pilot, "pilot.started", actor=by, award=row.pk)
        audit.record(row.challenge, "pilot.started", actor=by, pilot=pilot.pk)
    return pilot


# --- planning: milestones, KPIs, payments ----------------------------------------------------


def add_milestone(pilot, *, by, title, due_on):
    _check_manager(pilot, by)
    if not title.strip():
        raise Refused(_("Name the milestone."), field="title")
    with locked(pilot) as row:
        _check_running(row)
        milestone = Milestone.objects.create(pilot=row, title=title.strip(), due_on=due_on)
        audit.record(
            milestone, "milestone.added", actor=by, title=milestone.title, due_on=str(due_on)
        )
    return milestone


def move_milestone(milestone, *, by, due_on):
    """A new due date; a milestone that was flagged late may be flagged again if it slips."""
    pilot = milestone.pilot
    _check_manager(pilot, by)
    with locked(pilot) as row:
        _check_running(row)
        with locked(milestone) as current:
            if current.status == Milestone.Status.DONE:
                raise Refused(_("A milestone that is done keeps its dates."))
            before = current.due_on
            current.due_on = due_on
            current.late_flagged_at = None
            current.save(update_fields=["due_on", "late_flagged_at"])
            audit.record(current, "milestone.moved", actor=by, due_on=[str(before), str(due_on)])
    return current


def add_kpi(pilot, *, by, indicator, unit, baseline, target, custom_name=""):
    _check_manager(pilot, by)
    if indicator == Indicator.OTHER and not custom_name.strip():
        raise Refused(_("Name the indicator."), field="custom_name")
    if target == baseline:
        raise Refused(_("The target differs from the baseline."), field="target")
    unit = (unit or "").strip() or str(Indicator.usual_unit(indicator))
    if not unit:
        raise Refused(_("Give the unit."), field="unit")
    with locked(pilot) as row:
        _check_running(row)
        kpi = KPI.objects.create(
            pilot=row,
            indicator=indicator,
            custom_name=custom_name.strip() if indicator == Indicator.OTHER else "",
            unit=unit,
            baseline=baseline,
            target=target,
            order=row.kpis.count(),
        )
        audit.record(
            kpi,
            "kpi.added",
            actor=by,
            name=str(kpi.name),
            baseline=str(baseline),
            aim=str(target),
        )
    return kpi


def record_payment(pilot, *, by, paid_on, amount, description=""):
    _check_manager(pilot, by)
    if amount is None or amount <= 0:
        raise Refused(_("Give the amount paid."), field="amount")
    with locked(pilot) as row:
        payment = Payment.objects.create(
            pilot=row,
            paid_on=paid_on,
            amount=amount,
            description=description.strip(),
            recorded_by=by,
        )
        audit.record(
            payment, "pilot.payment_recorded", actor=by, amount=str(amount), paid_on=str(paid_on)
        )
    return payment


def complete_pilot(pilot, *, by):
    def check(row):
        _check_manager(row, by)

    return transition(
        pilot,
        to=Pilot.Status.COMPLETED,
        allowed_from=(Pilot.Status.RUNNING,),
        action="pilot.completed",
        by=by,
        check=check,
        changes=lambda row: {"completed_at": timezone.now()},
    )


# --- reporting progress ----------------------------------------------------------------------


def _digest(upload):
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def post_progress_update(
    pilot, *, by, reported_on, text, readings=None, evidence=(), milestones=None
):
    """A dated report by the SME or the city, with KPI readings, evidence and milestone moves.

    ``readings`` maps KPI ids to values; ``evidence`` holds files the upload check passed
    (``UploadField`` attached ``.checked``); ``milestones`` maps milestone ids to a new status.
    """
    if not pilot.may_report(by):
        raise Refused(_("Only the pilot's SME and the city's officials report progress."))
    if not text.strip():
        raise Refused(_("Say what happened."), field="text")
    if reported_on > pilot.today():
        raise Refused(_("Progress is reported as of today or earlier."), field="reported_on")
    if reported_on < pilot.starts_on:
        raise Refused(_("The pilot had not started on that date."), field="reported_on")
    readings = {int(k): v for k, v in (readings or {}).items() if v is not None}
    milestones = {int(k): v for k, v in (milestones or {}).items() if v}
    with locked(pilot) as row:
        _check_running(row)
        kpis = {kpi.pk: kpi for kpi in row.kpis.all()}
        if set(readings) - set(kpis):
            raise Refused(_("A reading is for a KPI of another pilot."))
        update = ProgressUpdate.objects.create(
            pilot=row,
            reported_on=reported_on,
            text=text.strip(),
            author=by,
            by_city=row.challenge.is_official(by),
        )
        KPIReading.objects.bulk_create(
            KPIReading(update=update, kpi_id=kpi_id, value=value)
            for kpi_id, value in readings.items()
        )
        for upload in evidence:
            checked = upload.checked
            sha256 = _digest(upload)
            upload.name = f"evidence.{checked.kind.extension}"
            Evidence.objects.create(
                update=update,
                file=upload,
                name=checked.safe_name,
                content_type=checked.kind.content_type,
                size=checked.size,
                sha256=sha256,
                uploaded_by=by,
                scan_status=checked.scan_status,
            )
        audit.record(
            update,
            "pilot.progress_reported",
            actor=by,
            readings={str(k): str(v) for k, v in readings.items()},
            evidence=len(evidence),
        )
        for milestone in row.milestones.filter(pk__in=milestones):
            _move_milestone_status(milestone, milestones[milestone.pk], by=by, on=reported_on)
    return update


_STATUS_FROM = {
    Milestone.Status.IN_PROGRESS: (Milestone.Status.PLANNED,),
    Milestone.Status.DONE: (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS),
}


def _move_milestone_status(milestone, to, *, by, on):
    if to not in _STATUS_FROM:
        raise Refused(_("A milestone moves to “in progress” or “done”."))
    return transition(
        milestone,
        to=to,
        allowed_from=_STATUS_FROM[to],
        # Spelled out so every recorded action code can be found (and worded) in the source.
        action={
            Milestone.Status.IN_PROGRESS: "milestone.in_progress",
            Milestone.Status.DONE: "milestone.done",
        }[to],
        by=by,
        changes={"done_on": on} if to == Milestone.Status.DONE else None,
    )


# --- late milestones (the beat) ---------------------------------------------------------------


def _officials(city_id):
    User = get_user_model()
    return User.objects.filter(city_memberships__city_id=city_id, is_active=True).order_by("pk")


def flag_late_milestones(now=None):
    """Beat: tell the city's officials of each milestone that fell late, once per milestone.

    Each milestone is claimed with a conditional UPDATE before its e-mail is queued, so a
    beat that runs twice (or two workers at once) sends it once; the e-mail leaves only if
    the claim commits.
    """
    now = now or timezone.now()
    # Due before tomorrow in UTC covers every zone's today; each city's own date decides.
    candidates = (
        Milestone.objects.late_and_not_flagged(now.date() + timedelta(days=1))
        .filter(pilot__status=Pilot.Status.RUNNING)
        .select_related("pilot__challenge__city", "pilot__sme")
    )
    flagged = 0
    for milestone in candidates:
        pilot = milestone.pilot
        if not milestone.is_late(timezone.localtime(now, pilot.challenge.city.zone).date()):
            continue
        with transaction.atomic():
            claimed = Milestone.objects.filter(
                pk=milestone.pk, late_flagged_at__isnull=True
            ).update(late_flagged_at=now)
            if not claimed:
                continue
            audit.record(milestone, "milestone.flagged_late", due_on=str(milestone.due_on))
            for user in _officials(pilot.challenge.city_id):
                mail.send_templated(
                    "pilot_milestone_late",
                    to=user,
                    context={
                        "pilot": pilot,
                        "milestone": milestone,
                        "link": _link(pilot.get_absolute_url()),
                    },
                )
            flagged += 1
    return flagged


# --- the public page ---------------------------------------------------------------------------


def pilot_page(pilot):
    """Everything the public page shows, in a fixed number of queries whatever the pilot's size."""
    today = pilot.today()
    kpis = list(pilot.kpis.all())
    per_kpi = kpi_charts.readings_of(kpis)
    updates = list(
        ProgressUpdate.objects.filter(pilot=pilot).prefetch_related("readings__kpi", "evidence")
    )
    milestones = [(m, *m.shown_status(today)) for m in pilot.milestones.all()]
    return {
        "pilot": pilot,
        "today": today,
        "charts": [kpi_charts.chart(kpi, per_kpi[kpi.pk], pilot) for kpi in kpis],
        "milestones": milestones,
        "late_count": sum(1 for _m, code, _label in milestones if code == Milestone.LATE),
        "updates": updates,
        "payments": list(pilot.payments.all()),
    }
