"""Pages of the cohorts app. Views parse the request and call the acts in services."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from resilience_portal import audit, autosave, history, scanning
from resilience_portal.permissions import (
    get_visible_or_404,
    is_programme_staff,
    programme_staff_required,
)
from resilience_portal.public_pages import public_page
from resilience_portal.refusals import Refused, refuse
from resilience_portal.scanning import ScanStatus

from . import services
from .forms import (
    SUGGESTED_CRITERIA,
    ApplicationForm,
    CityForm,
    CityTeamRequestForm,
    CohortForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    InvitationForm,
    NewCohortCriterionFormSet,
    OfficialDecisionForm,
    ReviewForm,
    StartApplicationForm,
)
from .models import (
    City,
    CityApplication,
    CityInvitation,
    CityMembership,
    Cohort,
    Review,
    awaits_verification,
)


def _labelled(entries):
    entries = list(entries)
    outcomes = dict(CityApplication.Status.choices)
    for entry in entries:
        entry.label = history.sentence(entry, with_time=False)
        details = entry.details or {}
        outcome = details.get("decision") or details.get("result")
        entry.outcome = outcomes.get(outcome, outcome) if outcome else ""
    return entries


# --- public pages -------------------------------------------------------------------------


@public_page
def cohort_list(request):
    cohorts = (
        Cohort.objects.visible_to(request.user)
        .prefetch_related(
            Prefetch("cities", queryset=City.objects.order_by("name")),
            "criteria",
        )
        .annotate(
            application_count=Count(
                "applications", filter=Q(applications__submitted_at__isnull=False)
            )
        )
    )
    return render(request, "cohorts/cohort_list.html", {"cohorts": cohorts})


@public_page
def cohort_detail(request, slug):
    cohort = get_visible_or_404(
        Cohort.objects.prefetch_related("criteria", "cities"), request.user, slug=slug
    )
    own_applications = []
    if request.user.is_authenticated:
        own_applications = (
            CityApplication.objects.of_cities_of(request.user)
            .filter(cohort=cohort)
            .select_related("city")
        )
    return render(
        request,
        "cohorts/cohort_detail.html",
        {
            "cohort": cohort,
            "own_applications": own_applications,
            "accepting": cohort.accepts_applications(),
            "is_official": City.objects.represented_by(request.user).exists(),
        },
    )


@public_page
def city_detail(request, slug):
    city = get_object_or_404(City, slug=slug)
    cohorts = city.cohorts.visible_to(request.user).order_by("-year")
    officials = None
    if city.has_official(request.user):
        officials = (
            city.memberships.verified().select_related("user").order_by("role", "user__full_name")
        )
    own_request = None
    if request.user.is_authenticated and officials is None:
        own_request = city.memberships.pending().filter(user=request.user).first()
    return render(
        request,
        "cohorts/city_detail.html",
        {"city": city, "cohorts": cohorts, "officials": officials, "own_request": own_request},
    )


# --- cities and their teams ---------------------------------------------------------------


@login_required
def city_register(request):
    form = CityTeamRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.request_city_team(
                by=request.user,
                name=form.cleaned_data["name"],
                position=form.cleaned_data["position"],
                letter=form.cleaned_data["letter"],
                staff_contact=form.cleaned_data["staff_contact"],
                **form.profile(),
            )
        except Refused as refusal:
            refuse(request, refusal, form=form)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Programme staff will check that you represent %(city)s and "
                    "tell you by e-mail; until then the city's private pages stay closed."
                )
                % {"city": membership.city},
            )
            return redirect("dashboard")
    return render(request, "cohorts/city_form.html", {"form": form, "registering": True})


def _own_city_or_404(request, slug):
    return get_object_or_404(City.objects.represented_by(request.user), slug=slug)


def awaiting_verification_page(request):
    """What a person whose city request is not verified yet sees on an official's page."""
    requests = CityMembership.objects.pending().filter(user=request.user).select_related("city")
    return render(request, "cohorts/awaiting_verification.html", {"requests": requests}, status=403)


@login_required
def city_edit(request, slug):
    city = _own_city_or_404(request, slug)
    form = CityForm(request.POST or None, instance=city)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            audit.record(city, "city.profile_updated", actor=request.user)
        messages.success(request, _("The city's profile is saved."))
        return redirect(city)
    return render(request, "cohorts/city_form.html", {"form": form, "city": city})


@login_required
def city_team(request, slug):
    city = _own_city_or_404(request, slug)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_colleague(
                city=city,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except Refused as refusal:
            refuse(request, refusal, form=form)
        else:
            messages.success(request, _("The invitation is on its way."))
            return redirect("cohorts:city_team", slug=city.slug)
    return render(
        request,
        "cohorts/city_team.html",
        {
            "city": city,
            "form": form,
            "memberships": city.memberships.verified().select_related("user"),
            "invitations": _waiting_invitations(city),
        },
    )


def _waiting_invitations(city):
    """Live, unused invitations, one per address (the latest): sending again is a reminder."""
    live = city.invitations.filter(
        accepted_at__isnull=True, created_at__gte=timezone.now() - CityInvitation.lifetime
    ).select_related("invited_by")
    latest = {}
    for invitation in live:  # newest first
        latest.setdefault(invitation.email, invitation)
    return list(latest.values())


def invitation(request, token):
    try:
        invitation = CityInvitation.from_token(token)
    except Refused as refusal:
        return render(request, "cohorts/invitation.html", {"refusal": refusal.message}, status=404)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.accept_invitation(invitation, request.user)
        except Refused as refusal:
            refuse(request, refusal)
        else:
            messages.success(
                request, _("Welcome to the %(city)s team.") % {"city": invitation.city}
            )
            return redirect("dashboard")
    return render(request, "cohorts/invitation.html", {"invitation": invitation})


# --- applications --------------------------------------------------------------------------


@login_required
def application_start(request, slug):
    cohort = get_visible_or_404(Cohort.objects, request.user, slug=slug)
    form = StartApplicationForm(request.POST or None, user=request.user)
    if not form.fields["city"].queryset.exists():
        if awaits_verification(request.user):
            return awaiting_verification_page(request)
        messages.info(request, _("Register your city first; then apply on its behalf."))
        return redirect("cohorts:city_register")
    if request.method != "POST" and not cohort.accepts_applications():
        messages.info(request, _("This cohort is not accepting applications."))
        return redirect(cohort)
    if request.method == "POST" and form.is_valid():
        city = form.cleaned_data["city"]
        withdrawn = cohort.applications.filter(
            city=city, status=CityApplication.Status.WITHDRAWN
        ).exists()
        try:
            application = services.start_application(cohort=cohort, city=city, by=request.user)
        except Refused as refusal:
            refuse(request, refusal)
            return redirect(cohort)
        if withdrawn:
            messages.success(
                request,
                _(
                    "The withdrawn application is a draft again, with its answers; submit it before the window closes."
                ),
            )
        return redirect("cohorts:application_edit", pk=application.pk)
    return render(request, "cohorts/application_start.html", {"cohort": cohort, "form": form})


def _application_or_404(request, pk):
    queryset = CityApplication.objects.select_related("cohort", "city")
    return get_visible_or_404(queryset, request.user, pk=pk)


@login_required
def application_detail(request, pk):
    application = _application_or_404(request, pk)
    staff = is_programme_staff(request.user)
    context = {
        "application": application,
        "is_official": application.city.has_official(request.user),
        "can_edit": application.can_edit(request.user),
        "can_withdraw": application.can_withdraw(request.user),
        "accepting": application.cohort.accepts_applications(),
    }
    if staff:
        context["trail"] = _labelled(audit.trail(application))
        own = Review.objects.filter(application=application, reviewer=request.user).first()
        context["own_review"] = own
        if services.scores_visible(application, request.user, own):
            context["reviews"] = (
                application.reviews.filter(submitted_at__isnull=False)
                .select_related("reviewer")
                .prefetch_related("scores__criterion")
            )
        context["conflicts"] = application.reviews.filter(conflict_declared=True).select_related(
            "reviewer"
        )
    return render(request, "cohorts/application_detail.html", context)


@login_required
def application_edit(request, pk):
    application = _application_or_404(request, pk)
    if not application.city.has_official(request.user):
        raise Http404
    if not application.can_edit(request.user):
        messages.info(request, _("This application is no longer a draft."))
        return redirect(application)
    form = ApplicationForm(request.POST or None, request.FILES or None, instance=application)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_draft(form.instance, by=request.user, changed=form.changed_data)
            except Refused as refusal:
                # A colleague submitted or withdrew it meanwhile; say so rather than fail.
                refuse(request, refusal)
                return redirect(application)
            if "submit" not in request.POST:
                held = application.leadership_letter_scan_status == ScanStatus.AWAITING
                messages.success(
                    request,
                    _("Your draft is saved. The letter is awaiting a virus scan.")
                    if held and "leadership_letter" in form.changed_data
                    else _("Your draft is saved."),
                )
                return redirect("cohorts:application_edit", pk=application.pk)
            try:
                services.submit_application(application, by=request.user)
            except Refused as refusal:
                # The draft above is already saved; only the submission is refused.
                refuse(request, refusal)
                return redirect("cohorts:application_edit", pk=application.pk)
            messages.success(request, _("Your application is submitted. Thank you!"))
            return redirect(application)
        scanning.audit_infected(form, target=application, by=request.user)
        messages.error(request, _("Please correct the errors below; nothing was saved yet."))
    return render(
        request,
        "cohorts/application_form.html",
        {
            "application": application,
            "form": form,
            "accepting": application.cohort.accepts_applications(),
        },
    )


@require_POST
@never_cache
@login_required
def application_autosave(request, pk):
    """Save the sections an official typed into, as they type; never submits.

    A section a colleague saved since the page loaded is refused, not overwritten.
    """
    application = _application_or_404(request, pk)
    if not application.city.has_official(request.user):
        raise Http404
    form = ApplicationForm(request.POST, instance=application)
    if not form.is_valid():
        return autosave.invalid(request, form)
    changed = [field for field, _label in CityApplication.SECTIONS if field in form.changed_data]
    loaded = {field: request.POST.get(form[field].html_initial_name, "") for field in changed}
    try:
        newer = services.save_draft(application, by=request.user, changed=changed, loaded=loaded)
    except Refused as refusal:
        return autosave.refused(request, refusal)
    saved = [field for field in changed if field not in newer]
    return autosave.saved(
        request,
        loaded=[(form[field], getattr(application, field)) for field in saved],
        kept=[form[field].label for field in newer],
    )


@login_required
def application_withdraw(request, pk):
    application = _application_or_404(request, pk)
    if not application.city.has_official(request.user):
        raise Http404
    if request.method != "POST":
        if not application.can_withdraw(request.user):
            messages.info(request, _("This application can no longer be withdrawn."))
            return redirect(application)
        # A confirmation page, not a script: withdrawing cannot be undone.
        return render(request, "cohorts/application_withdraw.html", {"application": application})
    try:
        services.withdraw_application(application, by=request.user)
    except Refused as refusal:
        refuse(request, refusal)
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect(application)


@login_required
def application_letter(request, pk):
    application = _application_or_404(request, pk)
    if not application.leadership_letter or not scanning.may_download(application, request.user):
        raise Http404
    return FileResponse(
        application.leadership_letter.open("rb"),
        as_attachment=True,
        filename=f"{application.city.slug}-leadership-letter.pdf",
        content_type="application/pdf",
    )


# --- staff: cohorts, reviews, ranking, decisions -----------------------------------------------


@programme_staff_required
def cohort_edit(request, slug=None):
    cohort = get_object_or_404(Cohort, slug=slug) if slug else None
    form = CohortForm(request.POST or None, instance=cohort)
    # Once reviewers score, the criteria and their weights are fixed, or the ranking would shift.
    criteria_editable = cohort is None or cohort.criteria_editable
    formset = None
    if cohort is None:
        formset = NewCohortCriterionFormSet(
            request.POST or None, instance=Cohort(), initial=SUGGESTED_CRITERIA
        )
    elif criteria_editable:
        formset = CriterionFormSet(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        cohort = form.save()
        if formset is not None:
            formset.instance = cohort
            formset.save()
        audit.record(cohort, "cohort.saved", actor=request.user)
        messages.success(request, _("The cohort is saved."))
        return redirect("cohorts:manage", slug=cohort.slug)
    return render(
        request, "cohorts/cohort_form.html", {"form": form, "formset": formset, "cohort": cohort}
    )


@programme_staff_required
def cohort_manage(request, slug):
    cohort = get_object_or_404(Cohort.objects.prefetch_related("criteria"), slug=slug)
    rows = services.ranking(cohort, viewer=request.user)
    selected = sum(
        1 for row in rows if row.application.decision == CityApplication.Decision.SELECTED
    )
    return render(
        request,
        "cohorts/cohort_manage.html",
        {
            "cohort": cohort,
            "rows": rows,
            "selected_count": selected,
            "acts": offered_acts(cohort),
            "decision_form": DecisionForm(),
            "trail": _labelled(audit.trail(cohort)[:20]),
            "drafts": cohort.applications.filter(status=CityApplication.Status.DRAFT).count(),
        },
    )


@dataclass(frozen=True)
class CohortAct:
    """A button on the cohort's management page: the act, when it is offered, what it says."""

    name: str
    act: Callable
    offered_from: str
    button: str
    done: str
    style: str = "btn-primary"
    # Acts that tell people or cannot be undone are asked again on a page naming whom.
    asks_first: bool = False

    @property
    def url_name(self):
        return f"cohorts:{self.name}"


# The staff acts that move a cohort along, in the order of its life.
COHORT_ACTS = {
    act.name: act
    for act in [
        CohortAct(
            "open",
            services.open_cohort,
            Cohort.Status.DRAFT,
            gettext_lazy("Open for applications"),
            gettext_lazy("The cohort is open for applications."),
        ),
        CohortAct(
            "start_review",
            services.start_cohort_review,
            Cohort.Status.OPEN,
            gettext_lazy("Close intake and start the review"),
            gettext_lazy("Applications are now under review."),
        ),
        CohortAct(
            "confirm",
            services.confirm_selection,
            Cohort.Status.REVIEWING,
            gettext_lazy("Confirm the selection and tell every applicant"),
            gettext_lazy(
                "The selection is confirmed; every applicant will receive their result by e-mail."
            ),
            "btn-success",
            asks_first=True,
        ),
        CohortAct(
            "start_running",
            services.start_running,
            Cohort.Status.SELECTED,
            gettext_lazy("Start the programme"),
            gettext_lazy("The cohort is running."),
        ),
        CohortAct(
            "close",
            services.close_cohort,
            Cohort.Status.RUNNING,
            gettext_lazy("Close the cohort"),
            gettext_lazy("The cohort is closed."),
            "btn-outline-secondary",
        ),
    ]
}


def offered_acts(cohort):
    return [act for act in COHORT_ACTS.values() if act.offered_from == cohort.status]


@programme_staff_required
def cohort_act(request, slug, act):
    """Every staff act on a cohort: one view over the table above."""
    chosen = COHORT_ACTS.get(act)
    if chosen is None:
        raise Http404
    if request.method != "POST" and not chosen.asks_first:
        return HttpResponseNotAllowed(["POST"])
    cohort = get_object_or_404(Cohort, slug=slug)
    if request.method != "POST":
        applications = (
            cohort.applications.filter(status=CityApplication.Status.UNDER_REVIEW)
            .select_related("city")
            .order_by("city__name")
        )
        return render(
            request,
            "cohorts/cohort_act_confirm.html",
            {"cohort": cohort, "act": chosen, "applications": applications},
        )
    try:
        chosen.act(cohort, by=request.user)
    except Refused as refusal:
        refuse(request, refusal)
    else:
        messages.success(request, chosen.done)
    return redirect("cohorts:manage", slug=slug)


@programme_staff_required
@require_POST
def application_decide(request, pk):
    application = _application_or_404(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.record_decision(
                application,
                form.cleaned_data["decision"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except Refused as refusal:
            refuse(request, refusal)
        else:
            messages.success(
                request, _("Decision recorded for %(city)s.") % {"city": application.city}
            )
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("cohorts:manage", slug=application.cohort.slug)


@programme_staff_required
def application_review(request, pk):
    application = _application_or_404(request, pk)
    try:
        review = services.review_for(application, request.user, opening=request.method == "POST")
    except Refused as refusal:
        refuse(request, refusal)
        return redirect(application)
    criteria = application.cohort.criteria.all()
    form = ReviewForm(request.POST or None, criteria=criteria, review=review)
    conflict_form = ConflictForm(request.POST if "conflict" in request.POST else None)
    if request.method == "POST":
        try:
            if "conflict" in request.POST and conflict_form.is_valid():
                services.declare_conflict(review, note=conflict_form.cleaned_data["note"])
                messages.success(request, _("Your conflict of interest is recorded."))
                return redirect(application)
            if "conflict" not in request.POST and form.is_valid():
                services.save_scores(review, form.scores())
                if "submit" in request.POST:
                    services.submit_review(review)
                    messages.success(request, _("Your review is submitted."))
                    return redirect(application)
                messages.success(request, _("Your scores are saved."))
                return redirect("cohorts:application_review", pk=application.pk)
        except Refused as refusal:
            refuse(request, refusal)
    return render(
        request,
        "cohorts/review_form.html",
        {
            "application": application,
            "review": review,
            "form": form,
            "conflict_form": conflict_form,
        },
    )


# --- staff: verifying city officials ---------------------------------------------------------


@programme_staff_required
def official_requests(request):
    return render(
        request,
        "cohorts/official_requests.html",
        {"pending": services.pending_official_requests(), "form": OfficialDecisionForm()},
    )


@programme_staff_required
@require_POST
def official_request_decide(request, pk):
    membership = get_object_or_404(CityMembership.objects.select_related("city", "user"), pk=pk)
    form = OfficialDecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "verify":
                services.verify_official(membership, by=request.user)
                messages.success(
                    request,
                    _("%(person)s is verified as an official of %(city)s.")
                    % {"person": membership.user, "city": membership.city},
                )
            else:
                services.reject_official(
                    membership, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("The request of %(person)s is rejected; they are told why.")
                    % {"person": membership.user},
                )
        except Refused as refusal:
            refuse(request, refusal, form=form)
        else:
            return redirect("cohorts:official_requests")
    # The queue again with the form as typed, so a written reason is not lost.
    return render(
        request,
        "cohorts/official_requests.html",
        {
            "pending": services.pending_official_requests(),
            "form": OfficialDecisionForm(),
            "failed": membership,
            "failed_form": form,
        },
        status=400,
    )


@programme_staff_required
def official_request_letter(request, pk):
    membership = get_object_or_404(CityMembership, pk=pk)
    if not membership.evidence_letter:
        raise Http404
    return FileResponse(
        membership.evidence_letter.open("rb"),
        as_attachment=True,
        filename=membership.evidence_letter_name or "letter",
    )
