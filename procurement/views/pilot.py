"""Pilot pages: the public page with progress against targets, and the participants' forms.

Anyone reads a pilot's page. The report form answers only the pilot's SME members and the
city's officials, the plan only the city's officials; anyone else gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resilience_portal import scanning
from resilience_portal.refusals import Refused, refuse
from resilience_portal.uploads import uploaded_message

from .. import pilot_services as services
from ..forms.pilot import (
    KPIForm,
    MilestoneForm,
    MoveMilestoneForm,
    PaymentForm,
    ProgressUpdateForm,
    StartPilotForm,
)
from ..models import Award, Challenge, Evidence, Pilot

PILOT_RELATED = ("challenge__city", "sme", "award")


def _pilot(queryset, slug):
    return get_object_or_404(queryset.select_related(*PILOT_RELATED), challenge__slug=slug)


def pilot_detail(request, slug):
    pilot = _pilot(Pilot.objects.visible_to(request.user), slug)
    context = services.pilot_page(pilot)
    context["may_report"] = pilot.is_running and pilot.may_report(request.user)
    context["may_manage"] = pilot.may_manage(request.user)
    return render(request, "procurement/pilot/detail.html", context)


@login_required
def pilot_start(request, slug):
    award = get_object_or_404(
        Award.objects.select_related("challenge__city", "sme").filter(
            challenge__in=Challenge.objects.editable_by(request.user)
        ),
        challenge__slug=slug,
    )
    existing = Pilot.objects.filter(award=award).first()
    if existing is not None:
        return redirect(existing)
    form = StartPilotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_pilot(award, by=request.user, **form.cleaned_data)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("The pilot has started. Add its milestones and KPIs."))
            return redirect("procurement:pilot_manage", slug=slug)
    return render(request, "procurement/pilot/start.html", {"award": award, "form": form})


@login_required
def pilot_manage(request, slug):
    pilot = _pilot(Pilot.objects.managed_by(request.user), slug)
    forms = {
        "milestone": MilestoneForm(prefix="milestone"),
        "kpi": KPIForm(prefix="kpi"),
        "payment": PaymentForm(prefix="payment"),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        acts = {
            "milestone": (MilestoneForm, services.add_milestone, _("Milestone added.")),
            "kpi": (KPIForm, services.add_kpi, _("KPI added.")),
            "payment": (PaymentForm, services.record_payment, _("Payment recorded.")),
        }
        if action in acts:
            form_class, act, done = acts[action]
            form = forms[action] = form_class(request.POST, prefix=action)
            if form.is_valid():
                try:
                    act(pilot, by=request.user, **form.cleaned_data)
                except Refused as refused:
                    refuse(request, refused, form=form)
                else:
                    messages.success(request, done)
                    return redirect("procurement:pilot_manage", slug=slug)
    return render(
        request,
        "procurement/pilot/manage.html",
        {
            "pilot": pilot,
            "today": pilot.today(),
            "milestones": [(m, *m.shown_status(pilot.today())) for m in pilot.milestones.all()],
            "kpis": pilot.kpis.all(),
            "payments": pilot.payments.all(),
            "move_form": MoveMilestoneForm(),
            **{f"{name}_form": form for name, form in forms.items()},
        },
    )


@require_POST
@login_required
def milestone_move(request, slug, pk):
    pilot = _pilot(Pilot.objects.managed_by(request.user), slug)
    milestone = get_object_or_404(pilot.milestones, pk=pk)
    form = MoveMilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.move_milestone(milestone, by=request.user, **form.cleaned_data)
            messages.success(request, _("Milestone moved."))
        except Refused as refused:
            refuse(request, refused)
    else:
        messages.error(request, _("Give the new due date."))
    return redirect("procurement:pilot_manage", slug=slug)


@require_POST
@login_required
def pilot_complete(request, slug):
    pilot = _pilot(Pilot.objects.managed_by(request.user), slug)
    try:
        services.complete_pilot(pilot, by=request.user)
        messages.success(request, _("The pilot is recorded as completed."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(pilot)


@login_required
def pilot_report(request, slug):
    pilot = _pilot(Pilot.objects.reportable_by(request.user), slug)
    form = ProgressUpdateForm(
        request.POST or None,
        request.FILES or None,
        kpis=pilot.kpis.all(),
        milestones=pilot.milestones.all(),
        initial={"reported_on": pilot.today()},
    )
    if request.method == "POST" and not form.is_valid():
        scanning.audit_infected(form, target=pilot, by=request.user)
    elif request.method == "POST":
        try:
            update = services.post_progress_update(
                pilot,
                by=request.user,
                reported_on=form.cleaned_data["reported_on"],
                text=form.cleaned_data["text"],
                readings=form.readings(),
                evidence=form.evidence(),
                milestones=form.milestone_moves(),
            )
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            message = _("Progress reported; it is on the pilot's public page.")
            # Said once if any evidence file waits for the virus scanner.
            held = update.evidence.filter(scan_status=scanning.ScanStatus.AWAITING).first()
            if held is not None:
                message = uploaded_message(message, held)
            messages.success(request, message)
            return redirect(pilot)
    return render(request, "procurement/pilot/report.html", {"pilot": pilot, "form": form})


@login_required
def evidence_download(request, slug, pk):
    evidence = get_object_or_404(
        Evidence.objects.visible_to(request.user), pk=pk, update__pilot__challenge__slug=slug
    )
    if not scanning.may_download(evidence, request.user):
        raise Http404
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
