"""Demo peer learning and mentoring: past and upcoming sessions with registrations, a
waitlist, attendance and feedback; mentor profiles; active, completed and requested
mentorships; and a matching round with proposed pairs."""

from datetime import date, timedelta

from django.utils import timezone

from cohorts.models import City, Cohort
from resilience_portal import demo
from resilience_portal.models import User

from . import services
from .models import (
    ActionItem,
    Feedback,
    LearningSession,
    MatchingRound,
    Meeting,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    Registration,
    RoundMentee,
    RoundMentor,
)

DOMAIN = "demo.resilience.test"


def _login(email, full_name, note, **options):
    """A demo login; when another app's demo already made it, our note joins theirs."""
    earlier = [known_note for known, known_note in demo.logins if known == email]
    user = demo.demo_user(email, full_name, role_note=note, **options)
    if earlier and note not in earlier[0]:
        demo.logins[:] = [entry for entry in demo.logins if entry[0] != email]
        demo.logins.append((email, f"{earlier[0]}; {note}"))
    return user


def _people():
    existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{DOMAIN}")}

    def person(local, name, note, **options):
        email = f"{local}@{DOMAIN}"
        if email in existing:
            return _login(email, existing[email].full_name, note)
        return _login(email, name, note, **options)

    return {
        "staff": person("staff", "Programme Staff", "sessions: attendance, report, matching round"),
        "semarang": person(
            "official.semarang",
            "Sri Wahyuni",
            "next session, completed mentorship",
            time_zone="Asia/Jakarta",
        ),
        "bangkok": person(
            "official.bangkok",
            "Somchai Prasert",
            "also a mentor in the matching round",
            time_zone="Asia/Bangkok",
        ),
        "danang": person(
            "official.danang",
            "Nguyen Thi Lan",
            "on a session's waitlist",
            time_zone="Asia/Ho_Chi_Minh",
        ),
        "sme_semarang": person(
            "sme.semarang", "Sari Wulandari", "mentoring request waiting", time_zone="Asia/Jakarta"
        ),
        "sme_bangkok": person(
            "sme.bangkok", "Ploy Chaiyaporn", "in the matching round", time_zone="Asia/Bangkok"
        ),
        "sme_danang": person(
            "sme.danang",
            "Nguyen Van Minh",
            "active mentorship with action items",
            time_zone="Asia/Ho_Chi_Minh",
        ),
        "mentor_finance": person(
            "mentor.finance",
            "Anjali Rao",
            "mentor: pending request, active mentee, open action items",
            time_zone="Asia/Kolkata",
        ),
        "mentor_procurement": person(
            "mentor.procurement",
            "Budi Santoso",
            "mentor: completed mentorship",
            time_zone="Asia/Jakarta",
        ),
    }


def _session(cohort, title, **fields):
    session, _created = LearningSession.objects.update_or_create(
        cohort=cohort, title=title, defaults=fields
    )
    return session


def _register(session, user, status=Registration.Status.CONFIRMED, **fields):
    registration = Registration.objects.active().filter(session=session, user=user).first()
    if registration is None:
        registration = Registration.objects.create(
            session=session, user=user, status=status, **fields
        )
    return registration


def _seed_sessions(people, cohort):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    city = {
        slug: City.objects.filter(slug=slug).first() for slug in ("semarang", "bangkok", "da-nang")
    }
    past = _session(
        cohort,
        "Writing problems, not specifications",
        topic="procurement_design",
        description="How Semarang turned a flood-pump tender into an **open challenge**.",
        language="en",
        starts_at=now - timedelta(days=10, hours=2),
        ends_at=now - timedelta(days=10, hours=1),
        time_zone="Asia/Jakarta",
        host_city=city["semarang"],
        online_link="https://meet.example.org/problems-not-specs",
        recording_link="https://video.example.org/problems-not-specs",
        capacity=40,
        audience=LearningSession.Audience.BOTH,
        created_by=people["staff"],
    )
    for key, attended, rating in (
        ("semarang", True, 5),
        ("sme_semarang", True, 4),
        ("danang", False, None),
    ):
        registration = _register(past, people[key], attended=attended)
        if rating and not Feedback.objects.filter(registration=registration).exists():
            Feedback.objects.create(
                registration=registration, rating=rating, comment="Concrete and useful."
            )
    full = _session(
        cohort,
        "Outcome-based specifications in practice",
        topic="outcome_specifications",
        description="Bring a draft challenge; we rewrite its outcomes together.",
        language="en",
        starts_at=now + timedelta(days=3, hours=3),
        ends_at=now + timedelta(days=3, hours=4, minutes=30),
        time_zone="Asia/Bangkok",
        host_city=city["bangkok"],
        online_link="https://meet.example.org/outcome-specs",
        capacity=2,
        audience=LearningSession.Audience.BOTH,
        created_by=people["staff"],
    )
    _register(full, people["semarang"])
    _register(full, people["sme_bangkok"])
    _register(full, people["danang"], status=Registration.Status.WAITLISTED)
    smes_only = _session(
        cohort,
        "Climate finance for small firms",
        topic="climate_finance",
        description="Green loans, guarantees and grants an SME can actually get.",
        language="vi",
        starts_at=now + timedelta(days=10, hours=2),
        ends_at=now + timedelta(days=10, hours=4),
        time_zone="Asia/Ho_Chi_Minh",
        host_city=city["da-nang"],
        venue="Da Nang Startup Hub, 31 Tran Phu",
        capacity=30,
        audience=LearningSession.Audience.SMES,
        created_by=people["staff"],
    )
    _register(smes_only, people["sme_danang"])
    # Late in the evening in Bangkok: after midnight for a viewer in Auckland.
    _session(
        cohort,
        "Evening clinic: evaluating proposals fairly",
        topic="evaluation",
        description="Scoring against published criteria, conflicts of interest, and debriefs.",
        language="en",
        starts_at=now + timedelta(days=5, hours=6),
        ends_at=now + timedelta(days=5, hours=7, minutes=30),
        time_zone="Asia/Bangkok",
        host_city=city["bangkok"],
        online_link="https://meet.example.org/evaluation-clinic",
        capacity=25,
        audience=LearningSession.Audience.OFFICIALS,
        created_by=people["staff"],
    )


def _mentor(user, **fields):
    profile, _created = MentorProfile.objects.update_or_create(user=user, defaults=fields)
    return profile


def _mentee(user, needs, languages, goals=""):
    MenteeProfile.objects.update_or_create(
        user=user, defaults={"needs": needs, "languages": languages, "goals": goals}
    )


def _mentorship(mentor, mentee, status, **fields):
    mentorship = Mentorship.objects.filter(mentor=mentor, mentee=mentee).first()
    if mentorship is None:
        mentorship = Mentorship.objects.create(
            mentor=mentor, mentee=mentee, status=status, **fields
        )
    return mentorship


def _seed_mentoring(people, cohort):
    finance = _mentor(
        people["mentor_finance"],
        bio="Fifteen years structuring climate finance for municipalities and small firms.",
        expertise=["climate_finance", "procurement_design", "pilots"],
        languages=["en", "hi"],
        time_zone="Asia/Kolkata",
        availability="Tuesday and Thursday mornings",
        capacity=3,
    )
    procurement = _mentor(
        people["mentor_procurement"],
        bio="Former head of a city procurement unit; ran Indonesia's first challenge tender.",
        expertise=["procurement_design", "outcome_specifications", "evaluation"],
        languages=["id", "en"],
        time_zone="Asia/Jakarta",
        availability="Weekday afternoons",
        capacity=2,
    )
    bangkok = _mentor(
        people["bangkok"],
        bio="Runs Bangkok's flood-resilience procurement.",
        expertise=["outcome_specifications", "community"],
        languages=["th", "en"],
        time_zone="Asia/Bangkok",
        capacity=1,
    )
    _mentee(people["semarang"], ["procurement_design", "evaluation"], ["id", "en"])
    _mentee(people["sme_semarang"], ["outcome_specifications", "sme_readiness"], ["id"])
    _mentee(
        people["sme_danang"],
        ["climate_finance", "pilots"],
        ["en", "vi"],
        "Finance our first pilot.",
    )
    _mentee(people["danang"], ["climate_finance"], ["en", "vi"])
    _mentee(people["sme_bangkok"], ["outcome_specifications", "community"], ["th"])

    now = timezone.now()
    active = _mentorship(
        finance,
        people["sme_danang"],
        Mentorship.Status.ACTIVE,
        goals="Finance the first pilot of our water filters.",
        accepted_at=now - timedelta(days=20),
    )
    if not active.meetings.exists():
        meeting = Meeting.objects.create(
            mentorship=active,
            held_on=date.today() - timedelta(days=7),
            notes="Reviewed the **green-loan** options; a guarantee looks most realistic.",
            logged_by=people["mentor_finance"],
        )
        ActionItem.objects.create(meeting=meeting, text="Ask two banks about the guarantee scheme")
        ActionItem.objects.create(
            meeting=meeting,
            text="Draft the pilot budget",
            done_at=now,
            done_by=people["sme_danang"],
        )
    _mentorship(
        procurement,
        people["semarang"],
        Mentorship.Status.COMPLETED,
        goals="Run our first challenge-based tender.",
        accepted_at=now - timedelta(days=90),
        completed_at=now - timedelta(days=10),
        reflection="We published the flood challenge with outcome-based criteria.",
    )
    _mentorship(
        finance,
        people["sme_semarang"],
        Mentorship.Status.PROPOSED,
        goals="Get ready for a first bid.",
    )

    matching_round, _created = MatchingRound.objects.get_or_create(
        cohort=cohort,
        name="Asia-Pacific 2026: mentoring round",
        defaults={"opened_by": people["staff"]},
    )
    for key in ("danang", "sme_bangkok"):
        RoundMentee.objects.get_or_create(matching_round=matching_round, user=people[key])
    for mentor in (finance, bangkok):
        RoundMentor.objects.get_or_create(
            matching_round=matching_round, mentor=mentor, defaults={"capacity": 1}
        )
    if matching_round.status == MatchingRound.Status.OPEN:
        services.run_matcher(matching_round, by=people["staff"])


def seed(out):
    cohort = Cohort.objects.filter(slug="asia-pacific-2026").first()
    if cohort is None:
        cohort, _created = Cohort.objects.get_or_create(
            slug="asia-pacific-2026",
            defaults={
                "name": "Asia-Pacific Cohort 2026",
                "year": 2026,
                "status": Cohort.Status.RUNNING,
            },
        )
    people = _people()
    _seed_sessions(people, cohort)
    _seed_mentoring(people, cohort)
    out.write(
        "Mentorship: /sessions/ (one full with a waitlist, one past with attendance and feedback), "
        "/mentoring/ and /mentoring/rounds/ (a round with proposed pairs, as staff)."
    )
