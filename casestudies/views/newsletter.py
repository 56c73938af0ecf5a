"""Newsletter pages: subscribe, confirm, unsubscribe and manage from signed links; the sent
issues on the web; and the staff pages to compose, preview, test, schedule and send."""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from resilience_portal import audit
from resilience_portal.permissions import get_visible_or_404, programme_staff_required
from resilience_portal.refusals import Refused, refuse

from .. import newsletter_messages
from .. import newsletter_services as services
from ..models import NewsletterIssue, NewsletterIssueTranslation, Subscriber
from ..newsletter_forms import (
    BounceListForm,
    IssueForm,
    IssueTranslationForm,
    PreferencesForm,
    ScheduleForm,
    SubscribeForm,
    TestSendForm,
)

LANGUAGE_NAMES = dict(settings.LANGUAGES)
PAGE_SIZE = 50
TEMPLATES = "casestudies/newsletter/"


# --- visitors and subscribers -----------------------------------------------------------


def archive(request):
    issues = NewsletterIssue.objects.sent().order_by("-sent_at", "-id")
    page = Paginator(issues, 20).get_page(request.GET.get("page"))
    return render(request, TEMPLATES + "archive.html", {"page": page})


def subscribe(request):
    form = SubscribeForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        address = form.cleaned_data["email"].strip().lower()
        if not ratelimit.consume(request, action="newsletter_subscribe", key=address):
            form.add_error(
                None,
                _(
                    "Too many subscriptions were asked for this address or from your network "
                    "just now. Nothing was sent; please try again in an hour."
                ),
            )
            return render(request, TEMPLATES + "subscribe.html", {"form": form}, status=429)
        services.subscribe(
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
            topics=form.cleaned_data["topics"],
            consent_text=form.consent_text(),
        )
        # The same page whatever the address was: the form reveals nobody's subscription.
        return redirect("casestudies:newsletter_check_inbox")
    return render(request, TEMPLATES + "subscribe.html", {"form": form})


def check_inbox(request):
    return render(request, TEMPLATES + "check_inbox.html")


def _invalid_link(request):
    return render(request, TEMPLATES + "link_invalid.html", status=404)


def confirm(request, token):
    """GET shows a button (mail scanners follow links); the POST confirms."""
    subscriber = services.subscriber_from_token(
        token,
        salt=Subscriber.CONFIRM_SALT,
        max_age=services.CONFIRMATION_LIFETIME.total_seconds(),
    )
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        try:
            services.confirm_subscription(subscriber)
        except Refused as refused:
            refuse(request, refused)
            return render(request, TEMPLATES + "confirm.html", {"subscriber": subscriber})
        return render(
            request,
            TEMPLATES + "confirmed.html",
            {"subscriber": subscriber, "manage_url": subscriber.get_manage_url()},
        )
    return render(request, TEMPLATES + "confirm.html", {"subscriber": subscriber})


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" with no cookies; the signed
# token is the only credential, so there is no CSRF to protect and no login to ask for.
@csrf_exempt
def unsubscribe(request, token):
    subscriber = services.subscriber_from_token(token, salt=Subscriber.UNSUBSCRIBE_SALT)
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        services.unsubscribe(subscriber, how="one-click" if one_click else "page")
        return render(
            request,
            TEMPLATES + "unsubscribed.html",
            {"subscriber": subscriber, "manage_url": subscriber.get_manage_url()},
        )
    return render(
        request, TEMPLATES + "unsubscribe.html", {"subscriber": subscriber, "token": token}
    )


def manage(request, token):
    subscriber = services.subscriber_from_token(token, salt=Subscriber.MANAGE_SALT)
    if subscriber is None:
        return _invalid_link(request)
    form = PreferencesForm(
        request.POST or None,
        initial={
            "name": subscriber.name,
            "language": subscriber.language,
            "topics": subscriber.topics,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_preferences(subscriber, **form.cleaned_data)
        messages.success(request, _("Your preferences are saved."))
        return redirect("casestudies:newsletter_manage", token=token)
    return render(
        request,
        TEMPLATES + "manage.html",
        {
            "subscriber": subscriber,
            "form": form,
            "unsubscribe_url": subscriber.get_unsubscribe_url(),
        },
    )


def _reader_language(request):
    asked = request.GET.get("lang")
    return asked if asked in LANGUAGE_NAMES else request.LANGUAGE_CODE


def issue_web_view(request, pk):
    """Anyone may read a sent issue; before it is sent it does not exist here (404)."""
    issue = get_object_or_404(
        NewsletterIssue.objects.sent().prefetch_related("translations"), pk=pk
    )
    language = _reader_language(request)
    context = newsletter_messages.issue_context(issue, language)
    context["other_languages"] = [
        (code, name)
        for code, name in settings.LANGUAGES
        if code != language
        and (
            code == settings.LANGUAGE_CODE
            or any(t.language == code for t in issue.translations.all())
        )
    ]
    return render(request, TEMPLATES + "issue.html", context)


# --- programme staff --------------------------------------------------------------------


def _staff_issue(request, pk):
    return get_visible_or_404(
        NewsletterIssue.objects.select_related("created_by"), request.user, pk=pk
    )


@programme_staff_required
def staff_issue_list(request):
    issues = NewsletterIssue.objects.with_progress().order_by("-created_at", "-id")
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(Subscriber.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return render(
        request,
        TEMPLATES + "staff/issue_list.html",
        {
            "page": page,
            "subscriber_counts": [
                (label, counts.get(value, 0)) for value, label in Subscriber.Status.choices
            ],
        },
    )


@programme_staff_required
def staff_issue_create(request):
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.create_issue(by=request.user, **form.cleaned_data)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            return redirect(issue.get_staff_url())
    return render(request, TEMPLATES + "staff/issue_form.html", {"form": form})


@programme_staff_required
def staff_issue_edit(request, pk):
    issue = _staff_issue(request, pk)
    if not issue.can_edit():
        messages.error(request, _("Only a draft can be edited: put it back to draft first."))
        return redirect(issue.get_staff_url())
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_issue(issue, by=request.user, **form.cleaned_data)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            return redirect(issue.get_staff_url())
    return render(request, TEMPLATES + "staff/issue_form.html", {"form": form, "issue": issue})


@programme_staff_required
def staff_issue_translation(request, pk, language):
    issue = _staff_issue(request, pk)
    if language not in LANGUAGE_NAMES or language == settings.LANGUAGE_CODE:
        raise Http404
    instance = NewsletterIssueTranslation.objects.filter(issue=issue, language=language).first()
    form = IssueTranslationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_issue_translation(issue, language, by=request.user, **form.cleaned_data)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            return redirect(issue.get_staff_url())
    return render(
        request,
        TEMPLATES + "staff/translation_form.html",
        {"form": form, "issue": issue, "language_name": LANGUAGE_NAMES[language]},
    )


def _progress_context(issue):
    return {"issue": issue, "progress": issue.progress()}


@programme_staff_required
def staff_issue(request, pk):
    issue = _staff_issue(request, pk)
    translations = {t.language: t for t in issue.translations.all()}
    context = {
        **_progress_context(issue),
        "languages": [
            (code, name, code == settings.LANGUAGE_CODE or code in translations)
            for code, name in settings.LANGUAGES
        ],
        "featured": issue.featured.select_related("city"),
        "schedule_form": ScheduleForm(),
        "test_form": TestSendForm(initial={"language": request.LANGUAGE_CODE}),
        "audit_trail": audit.trail(issue)[:20],
    }
    return render(request, TEMPLATES + "staff/issue.html", context)


@programme_staff_required
def staff_issue_progress(request, pk):
    issue = _staff_issue(request, pk)
    return render(request, TEMPLATES + "staff/issue.html#progress", _progress_context(issue))


# The e-mail's own inline styles are let through for the preview; scripts stay forbidden.
@csp_override({**settings.SECURE_CSP, "style-src": [CSP.UNSAFE_INLINE]})
@programme_staff_required
def staff_issue_preview(request, pk):
    issue = _staff_issue(request, pk)
    language = _reader_language(request)
    rendered = newsletter_messages.render_issue(issue, language)
    if request.GET.get("format") == "text":
        return HttpResponse(rendered.text, content_type="text/plain; charset=utf-8")
    return HttpResponse(rendered.html)


@require_POST
@programme_staff_required
def staff_issue_act(request, pk, act):
    issue = _staff_issue(request, pk)
    try:
        if act == "test":
            form = TestSendForm(request.POST)
            if not form.is_valid():
                raise Refused(_("Choose a language for the test."))
            services.send_test(issue, by=request.user, language=form.cleaned_data["language"])
            messages.success(
                request, _("A test is on its way to %(email)s.") % {"email": request.user.email}
            )
        elif act == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise Refused(" ".join(form.errors.get("when", [_("Choose a time.")])))
            services.schedule_issue(issue, by=request.user, when=form.cleaned_data["when"])
            messages.success(request, _("The issue is scheduled."))
        elif act == "unschedule":
            services.unschedule_issue(issue, by=request.user)
        elif act == "send":
            services.send_issue_now(issue, by=request.user)
            messages.success(request, _("Sending has started."))
        elif act == "pause":
            services.pause_issue(issue, by=request.user)
        elif act == "resume":
            services.resume_issue(issue, by=request.user)
        else:
            raise Http404
    except Refused as refused:
        refuse(request, refused)
    return redirect(issue.get_staff_url())


@programme_staff_required
def staff_subscriber_list(request):
    subscribers = Subscriber.objects.visible_to(request.user).order_by("-created_at", "-id")
    status = request.GET.get("status")
    if status in Subscriber.Status.values:
        subscribers = subscribers.filter(status=status)
    query = (request.GET.get("q") or "").strip()
    if query:
        subscribers = subscribers.filter(email__icontains=query)
    page = Paginator(subscribers, PAGE_SIZE).get_page(request.GET.get("page"))
    form = BounceListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        counts = services.mark_bounced_list(form.cleaned_data["addresses"], by=request.user)
        messages.success(
            request,
            _(
                "%(marked)s marked bounced, %(already)s already were, %(unknown)s not found "
                "among subscribers."
            )
            % counts,
        )
        if counts["not_addresses"]:
            messages.warning(
                request,
                _("Not e-mail addresses, left alone: %(words)s")
                % {"words": ", ".join(counts["not_addresses"][:20])},
            )
        return redirect("casestudies:newsletter_staff_subscribers")
    return render(
        request,
        TEMPLATES + "staff/subscriber_list.html",
        {
            "page": page,
            "form": form,
            "statuses": Subscriber.Status.choices,
            "status": status,
            "query": query,
        },
    )


@require_POST
@programme_staff_required
def staff_subscriber_bounce(request, pk):
    subscriber = get_visible_or_404(Subscriber.objects, request.user, pk=pk)
    try:
        services.mark_bounced(subscriber, by=request.user)
        messages.success(request, _("%(email)s is marked bounced.") % {"email": subscriber.email})
    except Refused as refused:
        refuse(request, refused)
    return redirect("casestudies:newsletter_staff_subscribers")
