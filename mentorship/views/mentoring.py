"""Mentoring pages: profiles, suggested mentors, a mentorship with its meeting log, and the
cohort-wide matching rounds staff run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resilience_portal.markdown import render as render_markdown
from resilience_portal.permissions import (
    get_visible_or_404,
    is_programme_staff,
    programme_staff_required,
)
from resilience_portal.refusals import Refused, refuse

from .. import matching, services
from ..forms import (
    AdjustPairForm,
    CompleteForm,
    InviteMentorForm,
    JoinRoundForm,
    MeetingForm,
    MenteeNeedsForm,
    MentorProfileForm,
    RequestForm,
    RoundForm,
)
from ..models import (
    ActionItem,
    MatchingRound,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    ProposedPair,
    RoundMentee,
    RoundMentor,
)
from ..models.mentoring import can_be_mentee


@login_required
def mentoring(request):
    user = request.user
    mentorships = (
        Mentorship.objects.of(user)
        .select_related("mentor__user", "mentee")
        .order_by("status", "-created_at")
    )
    return render(
        request,
        "mentorship/mentoring.html",
        {
            "mentorships": mentorships,
            "mentor_profile": MentorProfile.objects.filter(user=user).first(),
            "mentee_profile": MenteeProfile.objects.filter(user=user).first(),
            "can_be_mentee": can_be_mentee(user),
            "suggestions": services.suggested_mentors(user) if can_be_mentee(user) else [],
            "rounds": MatchingRound.objects.filter(status=MatchingRound.Status.OPEN).select_related(
                "cohort"
            ),
            "is_staff": is_programme_staff(user),
            "all_mentorships": Mentorship.objects.select_related("mentor__user", "mentee")[:50]
            if is_programme_staff(user)
            else [],
        },
    )


@login_required
def mentor_profile(request):
    profile = MentorProfile.objects.filter(user=request.user).first()
    form = MentorProfileForm(
        request.POST or None,
        instance=profile,
        initial=None if profile else {"time_zone": request.user.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in MentorProfileForm.Meta.fields}
        try:
            services.offer_to_mentor(request.user, by=request.user, **fields)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("Your mentor profile is saved."))
            return redirect("mentorship:mentoring")
    return render(request, "mentorship/mentor_profile_form.html", {"form": form})


@login_required
def mentee_needs(request):
    profile = MenteeProfile.objects.filter(user=request.user).first()
    initial = (
        {"needs": profile.needs, "languages": profile.languages, "goals": profile.goals}
        if profile
        else {"languages": [request.user.language]}
    )
    form = MenteeNeedsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.state_needs(request.user, by=request.user, **form.cleaned_data)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("Your needs are saved; see the mentors suggested for you."))
            return redirect("mentorship:mentoring")
    return render(request, "mentorship/mentee_needs_form.html", {"form": form})


@login_required
def request_mentor(request, pk):
    mentor = get_object_or_404(MentorProfile.objects.accepting().select_related("user"), pk=pk)
    needs = MenteeProfile.objects.filter(user=request.user).first()
    fit = matching.fit(
        mentor,
        needs=needs.needs if needs else [],
        languages=needs.languages if needs else [request.user.language],
        time_zone=request.user.time_zone or "UTC",
    )
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = services.request_mentorship(
                mentor,
                mentee=request.user,
                goals=form.cleaned_data["goals"],
                by=request.user,
                reasons=[str(reason) for reason in fit.reasons],
            )
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("Your request is sent; the mentor will answer."))
            return redirect(mentorship)
    return render(
        request,
        "mentorship/request_form.html",
        {"form": form, "mentor": mentor, "fit": fit},
    )


def _mentorship(request, pk):
    return get_visible_or_404(
        Mentorship.objects.select_related("mentor__user", "mentee"), request.user, pk=pk
    )


@login_required
def mentorship_detail(request, pk):
    mentorship = _mentorship(request, pk)
    meetings = mentorship.meetings.select_related("logged_by").prefetch_related(
        Prefetch("action_items", queryset=ActionItem.objects.order_by("id"))
    )
    for meeting in meetings:
        meeting.html = render_markdown(meeting.notes)
    return render(
        request,
        "mentorship/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "meetings": meetings,
            "can_answer": mentorship.can_answer(request.user),
            "can_log": mentorship.can_log(request.user),
            "in_pair": mentorship.in_pair(request.user),
            "meeting_form": MeetingForm(),
            "complete_form": CompleteForm(),
        },
    )


def _act(request, pk, act, success):
    mentorship = _mentorship(request, pk)
    try:
        act(mentorship)
    except Refused as refused:
        refuse(request, refused)
    else:
        messages.success(request, success)
    return redirect(mentorship)


@require_POST
@login_required
def accept(request, pk):
    return _act(
        request,
        pk,
        lambda m: services.accept_mentorship(m, by=request.user),
        _("The mentorship is active. Log your first meeting when you have met."),
    )


@require_POST
@login_required
def decline(request, pk):
    return _act(
        request, pk, lambda m: services.decline(m, by=request.user), _("The request is declined.")
    )


@require_POST
@login_required
def complete(request, pk):
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a short reflection to complete the mentorship."))
        return redirect("mentorship:mentorship_detail", pk=pk)
    return _act(
        request,
        pk,
        lambda m: services.complete_mentorship(
            m, reflection=form.cleaned_data["reflection"], by=request.user
        ),
        _("The mentorship is completed. Thank you."),
    )


@require_POST
@login_required
def log_meeting(request, pk):
    mentorship = _mentorship(request, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.log_meeting(
                mentorship,
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
                action_items=form.cleaned_data["action_items"],
                by=request.user,
            )
        except Refused as refused:
            refuse(request, refused)
        else:
            messages.success(request, _("The meeting is logged."))
            return redirect(mentorship)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(mentorship)


@require_POST
@login_required
def tick(request, pk, item):
    mentorship = _mentorship(request, pk)
    action_item = get_object_or_404(
        ActionItem.objects.visible_to(request.user), pk=item, meeting__mentorship=mentorship
    )
    try:
        services.tick_action_item(
            action_item, by=request.user, done=request.POST.get("done") != "no"
        )
    except Refused as refused:
        refuse(request, refused)
    return redirect(mentorship)


@programme_staff_required
def invite_mentor(request):
    form = InviteMentorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_mentor(form.cleaned_data["email"], by=request.user)
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("The mentor is invited to complete their profile."))
            return redirect("mentorship:mentoring")
    return render(request, "mentorship/invite_mentor.html", {"form": form})


# --- Matching rounds ------------------------------------------------------------------------


@programme_staff_required
def rounds(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matching_round = services.open_matching_round(
                form.cleaned_data["cohort"], name=form.cleaned_data["name"], by=request.user
            )
        except Refused as refused:
            refuse(request, refused, form=form)
        else:
            messages.success(request, _("The round is open: mentees and mentors can sign up."))
            return redirect(matching_round)
    all_rounds = MatchingRound.objects.select_related("cohort").annotate(
        mentee_count=Count("mentees", distinct=True), mentor_count=Count("mentors", distinct=True)
    )
    return render(request, "mentorship/rounds.html", {"form": form, "rounds": all_rounds})


@login_required
def round_detail(request, pk):
    matching_round = get_object_or_404(MatchingRound.objects.select_related("cohort"), pk=pk)
    staff = is_programme_staff(request.user)
    if not staff and not matching_round.accepts_sign_up:
        # Proposed pairs are staff's working notes until they are confirmed.
        return redirect("mentorship:mentoring")
    context = {
        "round": matching_round,
        "staff": staff,
        "joined_as_mentee": RoundMentee.objects.filter(
            matching_round=matching_round, user=request.user
        ).exists(),
        "joined_as_mentor": RoundMentor.objects.filter(
            matching_round=matching_round, mentor__user=request.user
        ).first(),
        "is_mentor": MentorProfile.objects.filter(user=request.user).exists(),
        "has_needs": MenteeProfile.objects.filter(user=request.user).exists(),
        "can_be_mentee": can_be_mentee(request.user),
        "join_form": JoinRoundForm(),
    }
    if staff:
        pairs = list(
            ProposedPair.objects.filter(matching_round=matching_round).select_related(
                "mentee", "mentor__user"
            )
        )
        for pair in pairs:
            pair.form = AdjustPairForm(
                matching_round=matching_round,
                initial={"mentor": pair.mentor_id},
                prefix=f"p{pair.pk}",
            )
        placed = {pair.mentee_id for pair in pairs}
        context.update(
            pairs=pairs,
            mentees=RoundMentee.objects.filter(matching_round=matching_round).select_related(
                "user"
            ),
            mentors=RoundMentor.objects.filter(matching_round=matching_round).select_related(
                "mentor__user"
            ),
            unplaced=RoundMentee.objects.filter(matching_round=matching_round)
            .exclude(user_id__in=placed)
            .select_related("user"),
        )
    return render(request, "mentorship/round_detail.html", context)


@require_POST
@login_required
def join_round(request, pk):
    matching_round = get_object_or_404(MatchingRound, pk=pk)
    as_mentor = request.POST.get("as") == "mentor"
    form = JoinRoundForm(request.POST)
    capacity = form.cleaned_data["capacity"] if form.is_valid() else 1
    try:
        services.join_round(matching_round, request.user, as_mentor=as_mentor, capacity=capacity)
    except Refused as refused:
        refuse(request, refused)
    else:
        messages.success(request, _("You are signed up for this round."))
    return redirect(matching_round)


@require_POST
@programme_staff_required
def run_matcher(request, pk):
    matching_round = get_object_or_404(MatchingRound, pk=pk)
    try:
        services.run_matcher(matching_round, by=request.user)
    except Refused as refused:
        refuse(request, refused)
    else:
        messages.success(request, _("Pairs proposed. Review them, adjust, then confirm."))
    return redirect(matching_round)


@require_POST
@programme_staff_required
def adjust_pair(request, pk, pair):
    matching_round = get_object_or_404(MatchingRound, pk=pk)
    row = get_object_or_404(matching_round.pairs.select_related("mentee"), pk=pair)
    form = AdjustPairForm(request.POST, matching_round=matching_round, prefix=f"p{row.pk}")
    if form.is_valid():
        try:
            services.adjust_pair(row, mentor=form.cleaned_data["mentor"], by=request.user)
        except Refused as refused:
            refuse(request, refused)
        else:
            messages.success(request, _("The pair is changed."))
    else:
        messages.error(request, _("Choose a mentor of this round."))
    return redirect(matching_round)


@require_POST
@programme_staff_required
def confirm_round(request, pk):
    matching_round = get_object_or_404(MatchingRound, pk=pk)
    try:
        services.confirm_round(matching_round, by=request.user)
    except Refused as refused:
        refuse(request, refused)
    else:
        messages.success(request, _("Confirmed: each pair is asked to accept."))
    return redirect(matching_round)
