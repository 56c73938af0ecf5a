"""SME pages: registration, profile, documents, members, verification and the directory."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import awaits_verification
from cohorts.views import awaiting_verification_page
from resilience_portal import audit, scanning
from resilience_portal.pagination import CappedPaginator
from resilience_portal.permissions import (
    Role,
    get_visible_or_404,
    has_role,
    programme_staff_required,
)
from resilience_portal.refusals import Refused, refuse
from resilience_portal.spreadsheets import csv_safe
from resilience_portal.uploads import uploaded_message

from . import services as sme_services
from .forms import (
    COUNTRY_NAMES,
    DirectoryFilterForm,
    InvitationForm,
    SMEDocumentForm,
    SMEProfileForm,
    SMERegistrationForm,
    VerificationDecisionForm,
    duplicate_message,
)
from .models import (
    SME,
    SMEDocument,
    SMEInvitation,
    SMEMembership,
    display_name_key,
    normalise_registration_number,
)

DIRECTORY_PAGE_SIZE = 25
# What staff read in an SME's history: who verified it, and who has held it.
STAFF_HISTORY_ACTIONS = [
    "sme.registered",
    "sme.verification_requested",
    "sme.verification_reopened",
    "sme.verified",
    "sme.rejected",
    "sme.ownership_handed_over",
    "sme.member_joined",
    "sme.member_removed",
]


def sees_full_profiles(user):
    """City officials and staff see whole profiles; everyone else only the public part."""
    return has_role(user, Role.PROGRAMME_STAFF) or has_role(user, Role.CITY_OFFICIAL)


# Registration and profile ---------------------------------------------------------


@login_required
def register(request):
    form = SMERegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                sme = sme_services.register_sme(form, by=request.user)
        except IntegrityError:
            # Another registration with the same number won the race since the form's check.
            existing = SME.objects.filter(
                country=form.cleaned_data["country"],
                registration_key=normalise_registration_number(
                    form.cleaned_data["registration_number"]
                ),
            ).first()
            if existing is None:
                raise
            form.add_error("registration_number", duplicate_message(existing))
        else:
            messages.success(
                request,
                _("%(name)s is registered. Complete the profile, then ask for verification.")
                % {"name": sme},
            )
            return redirect(sme)
    if request.method == "POST":
        scanning.audit_infected(form, target=request.user, by=request.user)
    return render(request, "smes/register.html", {"form": form})


@login_required
def detail(request, slug):
    sme = (
        SME.objects.select_related("city")
        .prefetch_related("sectors", "documents")
        .filter(slug=slug)
        .first()
    )
    if sme is None:
        raise Http404
    return _render_detail(request, sme)


def _render_detail(request, sme, *, decision_form=None):
    membership = SMEMembership.objects.filter(sme=sme, user=request.user).first()
    context = {
        "sme": sme,
        "full": SME.objects.visible_to(request.user).filter(pk=sme.pk).exists(),
        "membership": membership,
        "is_staff": has_role(request.user, Role.PROGRAMME_STAFF),
        "country_name": COUNTRY_NAMES.get(sme.country, sme.country),
    }
    if membership or context["is_staff"]:
        context["documents"] = sme.documents.all()
    if membership:
        context["completeness"] = sme.completeness_items()
        context["missing"] = sme.missing_items()
    if context["is_staff"]:
        # Earlier decisions and hand-overs, so a second look starts from the first one.
        context["history"] = audit.trail(sme).filter(action__in=STAFF_HISTORY_ACTIONS)[:30]
    if context["is_staff"] and sme.awaits_decision:
        context["decision_form"] = decision_form or VerificationDecisionForm()
    return render(request, "smes/detail.html", context)


@login_required
def edit(request, slug):
    sme = get_object_or_404(SME.objects.editable_by(request.user), slug=slug)
    form = SMEProfileForm(request.POST or None, instance=sme)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                sme = sme_services.save_profile(form, by=request.user)
        except IntegrityError:
            form.add_error("registration_number", _("This registration number is taken."))
        else:
            if sme.awaits_decision and (sme_services.IDENTITY_FIELDS & set(form.changed_data)):
                messages.warning(
                    request,
                    _("The legal name or registration number changed: staff will verify it again."),
                )
            else:
                messages.success(request, _("The profile is saved."))
            return redirect(sme)
    return render(request, "smes/edit.html", {"form": form, "sme": sme})


@login_required
def documents(request, slug):
    sme = get_object_or_404(SME.objects.editable_by(request.user), slug=slug)
    form = SMEDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = sme_services.add_document(
            sme, form.cleaned_data["file"], kind=form.cleaned_data["kind"], by=request.user
        )
        messages.success(request, uploaded_message(_("The document is uploaded."), document))
        return redirect("smes:documents", slug=sme.slug)
    if request.method == "POST":
        scanning.audit_infected(form, target=sme, by=request.user)
    return render(
        request,
        "smes/documents.html",
        {"sme": sme, "form": form, "documents": sme.documents.all()},
    )


@login_required
def download_document(request, slug, pk):
    document = get_visible_or_404(
        SMEDocument.objects.select_related("sme"), request.user, sme__slug=slug, pk=pk
    )
    if not scanning.may_download(document, request.user):
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def delete_document(request, slug, pk):
    sme = get_object_or_404(SME.objects.editable_by(request.user), slug=slug)
    document = get_object_or_404(sme.documents, pk=pk)
    sme_services.delete_document(document, by=request.user)
    messages.success(request, _("The document is removed."))
    return redirect("smes:documents", slug=sme.slug)


@require_POST
@login_required
def request_verification(request, slug):
    sme = get_object_or_404(SME.objects.editable_by(request.user), slug=slug)
    try:
        sme_services.request_verification(sme, by=request.user)
    except Refused as refused:
        refuse(request, refused)
    else:
        messages.success(request, _("Staff will check the profile and documents."))
    return redirect(sme)


# Members -------------------------------------------------------------------------


@login_required
def members(request, slug):
    sme = get_object_or_404(SME.objects.managed_by(request.user), slug=slug)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sme_services.invite_member(sme, form.cleaned_data["email"], by=request.user)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % form.cleaned_data,
            )
            return redirect("smes:members", slug=sme.slug)
    context = {
        "sme": sme,
        "form": form,
        "memberships": sme.memberships.select_related("user").order_by("role", "created_at"),
        "invitations": sme.invitations.filter(accepted_at__isnull=True),
    }
    return render(request, "smes/members.html", context)


@login_required
def hand_over(request, slug, pk):
    """Make a member the owner, after a page that names them and what changes (a GET shows it)."""
    sme = get_object_or_404(SME.objects.managed_by(request.user), slug=slug)
    membership = get_object_or_404(sme.memberships.select_related("user"), pk=pk)
    if request.method != "POST":
        return render(
            request,
            "smes/confirm_member_change.html",
            {"sme": sme, "membership": membership, "act": "hand_over"},
        )
    try:
        sme_services.hand_over_ownership(sme, to=membership, by=request.user)
    except Refused as refused:
        refuse(request, refused)
        return redirect("smes:members", slug=sme.slug)
    messages.success(request, _("%(name)s is now the owner.") % {"name": membership.user})
    # The former owner may no longer open the members page: the SME's own page is theirs still.
    return redirect(sme)


@login_required
def remove(request, slug, pk):
    """Remove a member (or leave), after a page that names whom it affects (a GET shows it)."""
    sme = get_object_or_404(SME.objects.editable_by(request.user).distinct(), slug=slug)
    membership = get_object_or_404(sme.memberships.select_related("user"), pk=pk)
    if (
        membership.user_id != request.user.pk
        and not sme.memberships.owners().filter(user=request.user).exists()
    ):
        # Anyone may leave; only owners see (and remove) the others.
        raise Http404
    if request.method != "POST":
        return render(
            request,
            "smes/confirm_member_change.html",
            {"sme": sme, "membership": membership, "act": "remove"},
        )
    try:
        sme_services.remove_member(sme, membership, by=request.user)
    except Refused as refused:
        refuse(request, refused)
        return redirect(sme)
    if membership.user_id == request.user.pk:
        messages.success(request, _("You have left %(name)s.") % {"name": sme})
        return redirect("dashboard")
    messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user})
    return redirect("smes:members", slug=sme.slug)


def invitation(request, token):
    try:
        invitation = SMEInvitation.from_token(token)
    except Refused:
        invitation = None
    if (
        invitation is not None
        and invitation.accepted_at is not None
        and invitation.accepted_by_id == request.user.pk
    ):
        # Joined already, on confirming the address: the link still leads somewhere useful.
        return redirect(invitation.sme)
    if invitation is None or invitation.accepted_at is not None:
        return render(request, "smes/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        return render(request, "smes/invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            sme_services.accept_invitation(invitation, by=request.user)
        except Refused as refused:
            refuse(request, refused)
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.sme})
            return redirect(invitation.sme)
    return render(request, "smes/invitation.html", {"invitation": invitation})


# Verification -------------------------------------------------------------------


@programme_staff_required
def verification_queue(request):
    pending = (
        SME.objects.filter(verification=SME.Verification.PENDING)
        .select_related("city")
        .prefetch_related("documents")
        .order_by("verification_requested_at", "pk")
    )
    return render(request, "smes/verification_queue.html", {"pending": pending})


@require_POST
@programme_staff_required
def decide(request, slug):
    sme = get_object_or_404(SME, slug=slug)
    form = VerificationDecisionForm(request.POST)
    if not form.is_valid():
        # The page again with the form as typed, so a written reason is not lost.
        return _render_detail(request, sme, decision_form=form)
    try:
        if form.cleaned_data["decision"] == "verify":
            sme_services.verify_sme(sme, by=request.user, note=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s is verified.") % {"name": sme})
        else:
            sme_services.reject_sme(sme, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s is rejected.") % {"name": sme})
    except Refused as refused:
        refuse(request, refused)
        return redirect(sme)
    return redirect("smes:verification_queue")


# Directory ----------------------------------------------------------------------


def _directory_results(request):
    full = sees_full_profiles(request.user)
    data = request.GET.copy()
    if not full:
        # Size and leadership are part of the private profile: no filtering on them either.
        data.pop("size", None)
        data.pop("women_led", None)
        data.pop("youth_led", None)
    form = DirectoryFilterForm(data)
    if not full:
        del form.fields["size"], form.fields["women_led"], form.fields["youth_led"]
    results = form.filter(SME.objects.all()).select_related("city").defer("search_vector")
    return form, results.order_by(display_name_key(), "pk"), full


@login_required
def directory(request):
    if not sees_full_profiles(request.user) and awaits_verification(request.user):
        # Asking to represent a city opens nothing until staff verify it.
        return awaiting_verification_page(request)
    form, results, full = _directory_results(request)
    page = CappedPaginator(results.prefetch_related("sectors"), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "full": full}
    template = "smes/directory.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


class _Echo:
    def write(self, value):
        return value


@login_required
def export(request):
    if not sees_full_profiles(request.user):
        if awaits_verification(request.user):
            return awaiting_verification_page(request)
        raise PermissionDenied
    _form, results, _full = _directory_results(request)
    results = results.prefetch_related("sectors")
    header = [
        _("Legal name"),
        _("Trading name"),
        _("Registration number"),
        _("Country"),
        _("City"),
        _("Sectors"),
        _("Employees"),
        _("Size"),
        _("Year founded"),
        _("Women-led"),
        _("Youth-led"),
        _("Verification"),
        _("Website"),
        _("Contact e-mail"),
        _("Phone"),
        _("Capabilities"),
    ]

    def rows():
        yield header
        for sme in results.iterator(chunk_size=2000):
            yield [
                sme.legal_name,
                sme.trading_name,
                sme.registration_number,
                sme.country,
                sme.city.name,
                "; ".join(str(sector) for sector in sme.sectors.all()),
                "" if sme.employees is None else sme.employees,
                sme.get_size_class_display(),
                sme.year_founded or "",
                _("yes") if sme.women_led else _("no"),
                _("yes") if sme.youth_led else _("no"),
                sme.get_verification_display(),
                sme.website,
                sme.contact_email,
                sme.phone,
                sme.capabilities,
            ]

    writer = csv.writer(_Echo())

    def lines():
        # Excel reads a CSV as UTF-8 only after a byte-order mark; without one, Thai and
        # Vietnamese names open as mojibake.
        yield "\ufeff"
        for row in rows():
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="smes.csv"'
    return response
