"""Session pages: the list and filters, a session, registering, attendance on a phone,
feedback, materials, the reports, and the calendar files and feeds."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import CityMembership
from resilience_portal import scanning
from resilience_portal.markdown import render as render_markdown
from resilience_portal.permissions import (
    get_visible_or_404,
    is_programme_staff,
    programme_staff_required,
)
from resilience_portal.refusals import Refused, refuse
from resilience_portal.uploads import uploaded_message

from .. import calendars, services
from ..forms import FeedbackForm, MaterialForm, RecordingForm, SessionFilterForm, SessionForm
from ..models import CalendarFeed, LearningSession, Registration, SessionMaterial

PAGE_SIZE = 20
# The public feed keeps sessions that ended up to this long ago, for people catching up.
FEED_HISTORY = timedelta(days=90)
FEED_CACHE_SECONDS = 15 * 60


def _sessions(user):
    return LearningSession.objects.visible_to(user).select_related("cohort", "host_city")


def session_list(request):
    form = SessionFilterForm(request.GET or None, user=request.user)
    past = request.GET.get("when") == "past"
    sessions = _sessions(request.user).with_counts()
    sessions = sessions.past() if past else sessions.upcoming()
    sessions = form.filter(sessions).order_by(*(["-starts_at"] if past else ["starts_at"]), "id")
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = {}
    if request.user.is_authenticated:
        mine = {
            r.session_id: r
            for r in Registration.objects.active().filter(
                user=request.user, session__in=[s.pk for s in page]
            )
        }
    for session in page:
        session.my_registration = mine.get(session.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mentorship/session_list.html",
        {"form": form, "page": page, "past": past, "query": query.urlencode()},
    )


def _detail_context(request, session):
    user = request.user
    registration = None
    if user.is_authenticated:
        registration = session.registrations.active().filter(user=user).first()
    runs = session.runs(user)
    return {
        "session": session,
        "description": render_markdown(session.description),
        "registration": registration,
        "shows_link": runs or (registration is not None and registration.is_confirmed),
        "runs": runs,
        "admits": session.admits(user),
        # A link has nothing to scan; a file shows once clean (to its uploader while held).
        "materials": [
            m for m in session.materials.all() if not m.file or scanning.may_download(m, user)
        ]
        if runs or (registration and registration.is_confirmed)
        else [],
        "can_give_feedback": registration is not None and registration.can_give_feedback(),
        "material_form": MaterialForm() if runs else None,
        "recording_form": RecordingForm(initial={"recording_link": session.recording_link})
        if runs
        else None,
    }


def session_detail(request, pk):
    session = get_visible_or_404(
        LearningSession.objects.select_related("cohort", "host_city").with_counts(),
        request.user,
        pk=pk,
    )
    return render(request, "mentorship/session_detail.html", _detail_context(request, session))


@programme_staff_required
def session_create(request):
    form = SessionForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facilitators = data.pop("facilitators", [])
        try:
            session = services.schedule_session(by=request.user, facilitators=facilitators, **data)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect(session)
    return render(request, "mentorship/session_form.html", {"form": form})


@programme_staff_required
def session_edit(request, pk):
    session = get_object_or_404(LearningSession, pk=pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        facilitators = data.pop("facilitators", [])
        # The service applies the values to the row it re-reads under a lock.
        try:
            services.update_session(session, by=request.user, facilitators=facilitators, **data)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("The session is updated."))
            return redirect(session)
    return render(request, "mentorship/session_form.html", {"form": form, "session": session})


@require_POST
@programme_staff_required
def session_cancel(request, pk):
    session = get_object_or_404(LearningSession, pk=pk)
    try:
        services.cancel_session(session, by=request.user)
    except Refused as refused:
        refuse(request, refused)
    else:
        messages.success(request, _("The session is cancelled and everyone registered is told."))
    return redirect(session)


@require_POST
@login_required
def register(request, pk):
    session = get_visible_or_404(LearningSession.objects.all(), request.user, pk=pk)
    try:
        registration = services.register_for_session(session, request.user)
    except Refused as refused:
        refuse(request, refused)
    else:
        if registration.is_confirmed:
            messages.success(
                request, _("You are registered. A confirmation with a calendar file is on its way.")
            )
        else:
            messages.info(
                request, _("The session is full: you are on the waitlist and will be told.")
            )
    return redirect(session)


@require_POST
@login_required
def cancel_registration(request, pk):
    session = get_visible_or_404(LearningSession.objects.all(), request.user, pk=pk)
    registration = get_object_or_404(
        Registration.objects.visible_to(request.user).active(), session=session, user=request.user
    )
    try:
        services.cancel_registration(registration, by=request.user)
    except Refused as refused:
        refuse(request, refused)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(session)


def _run_session(request, pk):
    session = get_object_or_404(
        LearningSession.objects.select_related("cohort", "host_city"), pk=pk
    )
    if not session.runs(request.user):
        raise Http404
    return session


@login_required
def attendance(request, pk):
    session = _run_session(request, pk)
    registrations = (
        session.registrations.confirmed().select_related("user").order_by("user__full_name", "id")
    )
    return render(
        request,
        "mentorship/attendance.html",
        {"session": session, "registrations": registrations, "open": session.attendance_open()},
    )


@require_POST
@login_required
def mark_attendance(request, pk, registration):
    session = _run_session(request, pk)
    row = get_object_or_404(session.registrations.select_related("user"), pk=registration)
    attended = request.POST.get("attended") == "yes"
    try:
        services.mark_attendance(row, attended=attended, by=request.user)
    except Refused as refused:
        if request.htmx:
            return HttpResponse(refused.message, status=409)
        refuse(request, refused)
    if request.htmx:
        return render(
            request,
            "mentorship/attendance.html#person",
            {"session": session, "registration": row, "open": True},
        )
    return redirect("mentorship:attendance", pk=session.pk)


@login_required
def feedback(request, pk):
    session = get_visible_or_404(LearningSession.objects.all(), request.user, pk=pk)
    registration = get_object_or_404(
        Registration.objects.visible_to(request.user).confirmed(),
        session=session,
        user=request.user,
    )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(
                registration,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(session)
    return render(
        request,
        "mentorship/feedback_form.html",
        {"session": session, "form": form, "can_give": registration.can_give_feedback()},
    )


@require_POST
@login_required
def add_material(request, pk):
    session = _run_session(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            material = services.add_material(
                session,
                title=form.cleaned_data["title"],
                link=form.cleaned_data["link"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except Refused as refused:
            refuse(request, refused)
        else:
            messages.success(request, uploaded_message(_("The material is added."), material))
            return redirect(session)
    scanning.audit_infected(form, target=session, by=request.user)
    context = _detail_context(request, session)
    context["material_form"] = form
    return render(request, "mentorship/session_detail.html", context, status=400)


@require_POST
@login_required
def set_recording(request, pk):
    session = _run_session(request, pk)
    form = RecordingForm(request.POST)
    if form.is_valid():
        try:
            services.set_recording(
                session, link=form.cleaned_data["recording_link"], by=request.user
            )
        except Refused as refused:
            refuse(request, refused)
        else:
            messages.success(request, _("The recording link is added."))
    else:
        messages.error(request, _("Give a valid web address for the recording."))
    return redirect(session)


@login_required
def material_download(request, pk, material):
    item = get_visible_or_404(
        SessionMaterial.objects.all(), request.user, pk=material, session_id=pk
    )
    if not item.file:
        return redirect(item.link)
    if not scanning.may_download(item, request.user):
        raise Http404
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@programme_staff_required
def report(request):
    """Attendance and feedback per session, per cohort and per city (of the registered)."""
    sessions = (
        LearningSession.objects.past()
        .select_related("cohort")
        .with_counts()
        .annotate(
            rating=Avg("registrations__feedback__rating"),
            ratings=Count("registrations__feedback"),
        )
        .order_by("-starts_at")[:100]
    )
    attended = Q(status=Registration.Status.CONFIRMED, attended=True)
    rows = Registration.objects.filter(
        session__ends_at__lte=timezone.now(), status=Registration.Status.CONFIRMED
    )
    by_cohort = (
        rows.values("session__cohort__name")
        .annotate(
            registered=Count("id"),
            present=Count("id", filter=attended),
            rating=Avg("feedback__rating"),
        )
        .order_by("session__cohort__name")
    )
    # A verified official counts for their city (a request awaiting review gives none; of
    # two cities, the first by name), an SME member for their firm's city.
    official_city = (
        CityMembership.objects.verified()
        .filter(user=OuterRef("user"))
        .order_by("city__name")
        .values("city__name")[:1]
    )
    by_city = (
        rows.annotate(
            city=Coalesce(Subquery(official_city), "user__sme_memberships__sme__city__name")
        )
        .exclude(city__isnull=True)
        .values("city")
        .annotate(
            registered=Count("id", distinct=True),
            present=Count("id", filter=attended, distinct=True),
            rating=Avg("feedback__rating"),
        )
        .order_by("city")
    )
    return render(
        request,
        "mentorship/report.html",
        {"sessions": sessions, "by_cohort": by_cohort, "by_city": by_city},
    )


# --- Calendars ------------------------------------------------------------------------------


def _ics(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def public_feed(request):
    """Every announced session, without online links: those are for registered people.

    Building a thousand events costs about a second in icalendar, so the file is kept in the
    cache under a key that changes whenever a session is added, changed or revealed.
    """
    staff = is_programme_staff(request.user)
    sessions = LearningSession.objects.visible_to(request.user).filter(
        ends_at__gt=timezone.now() - FEED_HISTORY
    )
    state = sessions.aggregate(count=Count("id"), changed=Max("updated_at"))
    key = "sessions-feed:{}:{}:{}:{}".format(
        "staff" if staff else "public",
        translation.get_language(),
        state["count"],
        state["changed"].timestamp() if state["changed"] else 0,
    )
    content = cache.get(key)
    if content is None:
        content = calendars.calendar(sessions, name=calendars.public_name())
        cache.set(key, content, timeout=FEED_CACHE_SECONDS)
    return _ics(content, "sessions.ics")


def private_feed(request, token):
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    registrations = (
        Registration.objects.confirmed().filter(user=feed.user).select_related("session")
    )
    sessions = [r.session for r in registrations]
    return _ics(
        calendars.calendar(sessions, name=calendars.private_name(), with_link=True),
        "my-sessions.ics",
    )


def session_ics(request, pk):
    session = get_visible_or_404(LearningSession.objects.all(), request.user, pk=pk)
    registered = (
        request.user.is_authenticated
        and session.registrations.confirmed().filter(user=request.user).exists()
    )
    return _ics(
        calendars.single(session, with_link=registered or session.runs(request.user)),
        f"session-{session.pk}.ics",
    )


@login_required
def my_calendar(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        if feed is None:
            feed = services.create_calendar_feed(request.user)
            messages.success(request, _("Your private calendar address is ready."))
        else:
            feed = services.revoke_calendar_feed(feed, by=request.user)
            messages.success(request, _("The old address no longer works; here is the new one."))
        return redirect("mentorship:my_calendar")
    address = request.build_absolute_uri(feed.get_absolute_url()) if feed else None
    return render(request, "mentorship/my_calendar.html", {"feed": feed, "address": address})
