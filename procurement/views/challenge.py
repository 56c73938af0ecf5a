"""Challenge pages: the public list and page, drafting, review, questions, amendments, bids table."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.models import awaits_verification
from cohorts.views import awaiting_verification_page
from resilience_portal import audit, markdown, scanning
from resilience_portal.formatting import plain_amount
from resilience_portal.permissions import (
    Role,
    get_visible_or_404,
    has_role,
    is_programme_staff,
    role_required,
)
from resilience_portal.public_pages import public_page
from resilience_portal.refusals import Refused, refuse
from resilience_portal.spreadsheets import csv_safe
from resilience_portal.uploads import uploaded_message
from smes.models import SME

from .. import plain_language, services
from ..evaluation_services import challenge_page_context
from ..forms.challenge import (
    ROW_ACTIONS,
    AmendedCriteriaFormSet,
    AmendmentForm,
    AnswerForm,
    CancelForm,
    ChallengeFilterForm,
    ChallengeForm,
    CommentsForm,
    CriterionFormSet,
    QuestionForm,
    criteria_rows_changed,
    quiet,
    quiet_form,
)
from ..forms.proposal import UploadForm
from ..models import (
    Challenge,
    ChallengeAttachment,
    Clarification,
    Proposal,
)
from ..services import amend_challenge, city_time


@public_page
def challenge_list(request):
    form = ChallengeFilterForm(request.GET or None)
    challenges = (
        form.filter(Challenge.objects.public())
        .select_related("city")
        .annotate(answered_questions=Count("clarifications", filter=Q(clarifications__answered_at__isnull=False)))
        .order_by("-status", "submissions_close", "id")
    )  # fmt: skip
    page = Paginator(challenges, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurement/challenge/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _challenge(request, slug):
    return get_visible_or_404(
        Challenge.objects.select_related("city", "cohort"), request.user, slug=slug
    )


@public_page
def challenge_detail(request, slug):
    challenge = _challenge(request, slug)
    user = request.user
    is_official = challenge.is_official(user)
    staff = is_programme_staff(user)
    context = {
        "challenge": challenge,
        "problem_html": markdown.render(challenge.problem_statement),
        "outcomes_html": markdown.render(challenge.desired_outcomes),
        "criteria": challenge.criteria.all(),
        "sectors": challenge.sectors.all(),
        "attachments": [a for a in challenge.attachments.all() if scanning.may_download(a, user)],
        "amendments": challenge.amendments.all(),
        "answered": challenge.clarifications.answered(),
        "is_official": is_official,
        "is_staff": staff,
        "can_read_proposals": challenge.can_read_proposals(user),
        "can_edit": challenge.can_edit(user),
        "can_amend": challenge.can_amend(user),
        "can_review": challenge.can_review(user),
        "can_start_evaluation": challenge.can_start_evaluation(user),
        "can_cancel": challenge.can_cancel(user),
        "audit_trail": audit.trail(challenge)[:20] if (is_official or staff) else None,
        **challenge_page_context(challenge, user),
    }
    if user.is_authenticated:
        member_smes = list(
            SME.objects.filter(memberships__user=user)
            .select_related("city")
            .prefetch_related("sectors")
        )
        if member_smes:
            own = {p.sme_id: p for p in challenge.proposals.filter(sme__in=member_smes)}
            sectors = context["sectors"] = list(context["sectors"])
            context["my_smes"] = [
                (sme, own.get(sme.pk), challenge.is_eligible(sme),
                 challenge.ineligibility(sme, sectors=sectors))
                for sme in member_smes
            ]  # fmt: skip
            context["my_questions"] = Clarification.objects.filter(
                challenge=challenge, sme__in=member_smes, answered_at__isnull=True
            )
            if challenge.questions_open():
                context["question_form"] = QuestionForm(user=user, smes=member_smes)
        if is_official:
            context["unanswered"] = challenge.clarifications.filter(answered_at__isnull=True)
            context["answer_form"] = AnswerForm()
            context["cancel_form"] = CancelForm()
            context["upload_form"] = UploadForm()
        if staff:
            context["comments_form"] = CommentsForm()
    return render(request, "procurement/challenge/detail.html", context)


def _edit_form(request, challenge=None):
    user = request.user
    form = ChallengeForm(request.POST or None, instance=challenge, user=user)
    if request.method == "POST" and ROW_ACTIONS & set(request.POST):
        # A row added or removed: shown again with the typed text, nothing saved yet.
        criteria = CriterionFormSet(
            criteria_rows_changed(request.POST),
            instance=challenge or Challenge(),
            prefix="criteria",
        )
        quiet(criteria)
        if request.htmx:
            return render(request, "procurement/challenge/_criteria.html", {"criteria": criteria})
        form = ChallengeForm(request.POST, instance=challenge, user=user)
        quiet_form(form)
        return _form_page(request, form, criteria, challenge)
    criteria = CriterionFormSet(
        request.POST or None, instance=challenge or Challenge(), prefix="criteria"
    )
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        with transaction.atomic():
            created = challenge is None
            saved = form.save(commit=False)
            if created:
                saved.created_by = user
            saved.save()
            form.save_m2m()
            criteria.instance = saved
            criteria.save()
            audit.record(saved, "challenge.created" if created else "challenge.edited", actor=user)
        messages.success(request, _("The draft is saved."))
        advice = sum(len(items) for items in plain_language.challenge_advice(saved).values())
        if advice:
            messages.info(
                request,
                ngettext(
                    "%(count)s piece of plain-language advice waits beside the fields when you "
                    "edit the draft; it never stops a save.",
                    "%(count)s pieces of plain-language advice wait beside the fields when you "
                    "edit the draft; they never stop a save.",
                    advice,
                )
                % {"count": advice},
            )
        return redirect(saved)
    return _form_page(request, form, criteria, challenge)


def _form_page(request, form, criteria, challenge):
    # Advice on what was typed (or saved), never a reason to refuse the save.
    for name in plain_language.CHALLENGE_FIELDS:
        form.fields[name].advice = plain_language.advice_for(form[name].value() or "")
    return render(
        request,
        "procurement/challenge/form.html",
        {
            "form": form,
            "criteria": criteria,
            "challenge": challenge,
            "advice_fields": plain_language.CHALLENGE_FIELDS,
        },
    )


@require_POST
@login_required
def challenge_advice(request):
    """The plain-language advice on one long field while the official types (htmx)."""
    if not has_role(request.user, Role.CITY_OFFICIAL):
        raise PermissionDenied
    name = request.GET.get("field", "")
    if name not in plain_language.CHALLENGE_FIELDS:
        raise Http404
    return render(
        request,
        "procurement/challenge/_advice.html",
        {"field_name": name, "advice": plain_language.advice_for(request.POST.get(name, ""))},
    )


@login_required
def challenge_create(request):
    if not has_role(request.user, Role.CITY_OFFICIAL):
        if awaits_verification(request.user):
            return awaiting_verification_page(request)
        raise PermissionDenied
    return _edit_form(request)


@login_required
def challenge_edit(request, slug):
    challenge = get_object_or_404(Challenge.objects.editable_by(request.user), slug=slug)
    if challenge.status != Challenge.Status.DRAFT:
        messages.error(request, _("Only a draft can be edited; a published challenge is amended."))
        return redirect(challenge)
    return _edit_form(request, challenge)


def _official_challenge(request, slug):
    return get_object_or_404(
        Challenge.objects.editable_by(request.user).select_related("city"), slug=slug
    )


@require_POST
@login_required
def challenge_submit(request, slug):
    challenge = _official_challenge(request, slug)
    try:
        services.submit_for_approval(challenge, by=request.user)
        messages.success(request, _("Sent to programme staff for approval."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(challenge)


@require_POST
@role_required(Role.PROGRAMME_STAFF)
def challenge_approve(request, slug):
    challenge = _challenge(request, slug)
    try:
        services.approve_challenge(challenge, by=request.user)
        messages.success(request, _("Approved and published."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(challenge)


@require_POST
@role_required(Role.PROGRAMME_STAFF)
def challenge_send_back(request, slug):
    challenge = _challenge(request, slug)
    form = CommentsForm(request.POST)
    try:
        services.send_back_challenge(
            challenge, by=request.user, comments=form.data.get("comments", "")
        )
    except Refused as refused:
        refuse(request, refused)
        return redirect(challenge)
    # The draft is the city's again and staff cannot open drafts: back to what still waits.
    messages.success(
        request,
        _("“%(title)s” is sent back to %(city)s with your comments.")
        % {"title": challenge.title, "city": challenge.city.name},
    )
    return redirect("procurement:approval_queue")


@role_required(Role.PROGRAMME_STAFF)
def approval_queue(request):
    """Challenges waiting for programme staff, oldest first, each with its plain-language advice."""
    pending = list(
        Challenge.objects.filter(status=Challenge.Status.PENDING_APPROVAL)
        .select_related("city")
        .order_by("updated_at", "id")
    )
    for challenge in pending:
        challenge.advice = [
            (Challenge._meta.get_field(name).verbose_name, name, advice)
            for name, advice in plain_language.challenge_advice(challenge).items()
        ]
    return render(request, "procurement/challenge/approval_queue.html", {"pending": pending})


@require_POST
@login_required
def challenge_cancel(request, slug):
    challenge = _challenge(request, slug)
    if not (challenge.is_official(request.user) or is_programme_staff(request.user)):
        raise Http404
    try:
        services.cancel_challenge(challenge, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The challenge is cancelled; bidders are told."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(challenge)


@require_POST
@login_required
def challenge_start_evaluation(request, slug):
    challenge = _challenge(request, slug)
    if not (challenge.is_official(request.user) or is_programme_staff(request.user)):
        raise Http404
    try:
        services.start_evaluation(challenge, by=request.user)
    except Refused as refused:
        refuse(request, refused)
    return redirect(challenge)


@login_required
def challenge_amend(request, slug):
    challenge = _official_challenge(request, slug)
    initial = [
        {"name": c.name, "description": c.description, "weight": c.weight}
        for c in challenge.criteria.all()
    ]
    form = AmendmentForm(request.POST or None, challenge=challenge)
    criteria = AmendedCriteriaFormSet(request.POST or None, initial=initial, prefix="criteria")
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        before = challenge.submissions_close
        try:
            amendment = amend_challenge(
                challenge,
                by=request.user,
                summary=form.cleaned_data["summary"],
                questions_close=form.cleaned_data["questions_close"],
                submissions_close=form.cleaned_data["submissions_close"],
                criteria=criteria.criteria(),
            )
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("The amendment is published and bidders are told."))
            asked = form.cleaned_data["submissions_close"] or before
            if amendment.changes_terms and challenge.submissions_close > asked:
                days = settings.CHALLENGE_AMENDMENT_MIN_NOTICE_DAYS
                messages.warning(
                    request,
                    ngettext(
                        "The terms changed, so bidders get at least %(days)s day: submissions "
                        "now close on %(deadline)s.",
                        "The terms changed, so bidders get at least %(days)s days: submissions "
                        "now close on %(deadline)s.",
                        days,
                    )
                    % {"days": days, "deadline": city_time(challenge, challenge.submissions_close)},
                )
            return redirect(challenge)
    return render(
        request,
        "procurement/challenge/amend.html",
        {
            "challenge": challenge,
            "form": form,
            "criteria": criteria,
            "min_notice_days": settings.CHALLENGE_AMENDMENT_MIN_NOTICE_DAYS,
        },
    )


@require_POST
@login_required
def question_ask(request, slug):
    challenge = _challenge(request, slug)
    form = QuestionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.ask_question(
                challenge,
                sme=form.cleaned_data["sme"],
                by=request.user,
                question=form.cleaned_data["question"],
            )
            messages.success(request, _("Your question is sent; the answer will appear below."))
        except Refused as refused:
            refuse(request, refused)
    else:
        messages.error(request, _("Write your question and choose your SME."))
    return redirect(challenge)


@require_POST
@login_required
def question_answer(request, slug, pk):
    challenge = _official_challenge(request, slug)
    clarification = get_object_or_404(challenge.clarifications, pk=pk)
    try:
        services.publish_answer(
            clarification, by=request.user, answer=request.POST.get("answer", "")
        )
        messages.success(request, _("The answer is published."))
    except Refused as refused:
        refuse(request, refused)
    return redirect(challenge)


@require_POST
@login_required
def challenge_attachment_upload(request, slug):
    challenge = _official_challenge(request, slug)
    form = UploadForm(request.POST, request.FILES)
    if challenge.status != Challenge.Status.DRAFT:
        messages.error(request, _("Documents are added while the challenge is a draft."))
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        attachment = ChallengeAttachment.objects.create(
            challenge=challenge,
            file=upload,
            name=form.display_name,
            content_type=form.content_type,
            size=upload.size,
            sha256=form.sha256,
            uploaded_by=request.user,
            scan_status=form.scan_status,
        )
        audit.record(
            challenge,
            "challenge.attachment_added",
            actor=request.user,
            sha256=attachment.sha256,
            name=attachment.name,
        )
        messages.success(
            request,
            uploaded_message(
                _("“%(name)s” is added to the challenge's documents.") % {"name": attachment.name},
                attachment,
            ),
        )
    else:
        scanning.audit_infected(form, target=challenge, by=request.user)
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect(challenge)


def challenge_attachment(request, slug, pk):
    challenge = _challenge(request, slug)
    attachment = get_object_or_404(challenge.attachments, pk=pk)
    if not scanning.may_download(attachment, request.user):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


def _unsealed_proposals(request, slug):
    """Submitted proposals, for the city's officials and staff, after the deadline only."""
    challenge = _challenge(request, slug)
    if not challenge.can_read_proposals(request.user):
        raise Http404
    # Through the challenge's own manager, so every row shares this challenge instance and
    # the time of its last amendment is read once for the whole list.
    proposals = (
        challenge.proposals.visible_to(request.user)
        .filter(status__in=Proposal.SUBMITTED_STATUSES)
        .select_related("sme")
        .prefetch_related(Prefetch("attachments"))
        .order_by("price", "sme__legal_name")
    )
    return challenge, proposals


@login_required
def proposal_table(request, slug):
    challenge, proposals = _unsealed_proposals(request, slug)
    return render(
        request,
        "procurement/challenge/proposals.html",
        {"challenge": challenge, "proposals": proposals},
    )


@login_required
def proposal_table_csv(request, slug):
    challenge, proposals = _unsealed_proposals(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{challenge.slug}-proposals.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["sme", "price", "currency", "submitted_at", "version", "sha256", "stands_after_amendment"]
    )
    amended = challenge.terms_last_amended_at is not None
    for proposal in proposals:
        writer.writerow(
            [
                csv_safe(proposal.sme.legal_name),
                plain_amount(proposal.price, proposal.currency),
                proposal.currency,
                proposal.submitted_at.isoformat(),
                proposal.version,
                proposal.receipt_digest,
                ("yes" if proposal.stands_after_last_amendment() else "no") if amended else "",
            ]
        )
    return response
