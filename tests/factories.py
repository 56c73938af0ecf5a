"""Factories shared by the whole suite."""

import time
from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cohorts.models import (
    City,
    CityApplication,
    CityMembership,
    Cohort,
    Review,
    SelectionCriterion,
)
from procurement.models import Challenge, Criterion, Proposal
from resilience_portal.models import User
from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
from resilience_portal.scanning import ScanStatus
from smes.models import SME, Sector, SMEDocument, SMEMembership

PASSWORD = "a-long-and-unusual-passphrase"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """Users can sign in at once unless built with ``verified=False``."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):
        """Staff and superusers come with an authenticator app (the portal requires one) unless
        built with ``second_factor=False``; see ``add_second_factor`` below."""
        if create and extracted is not False and (user.is_staff or user.is_superuser):
            add_second_factor(user)


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def programme_staff_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "TH"
    time_zone = "Asia/Bangkok"


class CityMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityMembership

    city = factory.SubFactory(CityFactory)
    user = factory.SubFactory(UserFactory)
    role = CityMembership.Role.MEMBER
    # A membership in a test means an official, as before requests needed review;
    # a request awaiting review says status=PENDING.
    status = CityMembership.Status.VERIFIED


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    year = 2026


class SMEFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SME

    legal_name = factory.Sequence(lambda n: f"Local Solutions {n} Ltd")
    slug = factory.Sequence(lambda n: f"local-solutions-{n}")
    registration_number = factory.Sequence(lambda n: f"REG-{n:06d}")
    country = "TH"
    city = factory.SubFactory(CityFactory)
    employees = 12


class SMEMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SMEMembership

    sme = factory.SubFactory(SMEFactory)
    user = factory.SubFactory(UserFactory)
    role = SMEMembership.Role.OWNER


# --- cohorts: criteria, applications, reviews ------------------------------------------------


class OpenCohortFactory(CohortFactory):
    """A cohort open for applications now, with its window around the present moment."""

    class Meta:
        skip_postgeneration_save = True

    status = Cohort.Status.OPEN
    applications_open = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    applications_close = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    @factory.post_generation
    def criteria(cohort, create, extracted, **kwargs):
        if create and extracted is not False:
            for order, (name, weight) in enumerate(
                [("Resilience need", 40), ("Procurement readiness", 30), ("SME ecosystem", 30)]
            ):
                SelectionCriterion.objects.create(
                    cohort=cohort, name=name, weight=weight, order=order
                )


class SelectionCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelectionCriterion

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 25


LEADERSHIP_LETTER = b"%PDF-1.4\n% leadership letter\n%%EOF\n"


class CityApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft: every section answered and a letter uploaded."""

    class Meta:
        model = CityApplication

    cohort = factory.SubFactory(OpenCohortFactory)
    city = factory.SubFactory(CityFactory)
    motivation = "We want local firms to solve our flooding."
    resilience_challenges = "Tidal floods and heat."
    procurement_readiness = "A procurement unit ready to pilot."
    sme_ecosystem = "An incubator and two business associations."
    leadership_commitment = "The mayor sponsors the programme."
    leadership_letter = factory.django.FileField(filename="letter.pdf", data=LEADERSHIP_LETTER)
    leadership_letter_scan_status = ScanStatus.CLEAN


class SubmittedApplicationFactory(CityApplicationFactory):
    status = CityApplication.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class UnderReviewApplicationFactory(SubmittedApplicationFactory):
    status = CityApplication.Status.UNDER_REVIEW
    cohort = factory.SubFactory(OpenCohortFactory, status=Cohort.Status.REVIEWING)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(UnderReviewApplicationFactory)
    reviewer = factory.SubFactory(StaffFactory)


# SME registry ------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name="certificate.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class CompleteSMEFactory(SMEFactory):
    """An SME whose profile has everything verification needs."""

    class Meta:
        skip_postgeneration_save = True

    year_founded = 2015
    capabilities = "Flood sensors and early-warning text messages."
    pandemic_impact = "Orders stopped for three months."
    revenue_change = "fell_25_50"

    @factory.post_generation
    def complete(sme, create, extracted, **kwargs):
        if not create:
            return
        sme.sectors.add(Sector.objects.get(code="water"))
        SMEDocument.objects.create(
            sme=sme,
            kind=SMEDocument.Kind.REGISTRATION_CERTIFICATE,
            file=ContentFile(PDF_BYTES, name="certificate.pdf"),
            original_name="certificate.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            scan_status=ScanStatus.CLEAN,
        )


# --- Challenges and proposals -------------------------------------------------------------


def _days(days):
    return timezone.now() + timedelta(days=days)


class ChallengeFactory(factory.django.DjangoModelFactory):
    """A challenge in a cohort city, with three criteria weighing 100; published unless told."""

    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    city = factory.SubFactory(CityFactory)
    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Flood-ready markets {n}")
    slug = factory.Sequence(lambda n: f"flood-ready-markets-{n}")
    problem_statement = "Markets flood **every monsoon**."
    desired_outcomes = "Traders keep trading through a one-in-ten-year flood."
    co_benefits = factory.LazyFunction(lambda: ["climate", "jobs"])
    budget_min = Decimal("100000")
    budget_max = Decimal("500000")
    currency = "THB"
    questions_close = factory.LazyFunction(lambda: _days(10))
    submissions_close = factory.LazyFunction(lambda: _days(20))
    award_expected = factory.LazyFunction(lambda: _days(40))
    status = Challenge.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def in_cohort(challenge, create, extracted, **kwargs):
        if create:
            challenge.cohort.cities.add(challenge.city)

    @factory.post_generation
    def criteria(challenge, create, extracted, **kwargs):
        if not create:
            return
        weights = (
            extracted if extracted is not None else [("Impact", 50), ("Cost", 30), ("Team", 20)]
        )
        Criterion.objects.bulk_create(
            Criterion(challenge=challenge, name=name, weight=weight, order=index)
            for index, (name, weight) in enumerate(weights)
        )

    @factory.post_generation
    def sectors(challenge, create, extracted, **kwargs):
        if create:
            challenge.sectors.set(Sector.objects.filter(code__in=extracted or ["water"]))


class VerifiedSMEFactory(SMEFactory):
    verification = "verified"
    country = factory.SelfAttribute("city.country")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A complete draft from a verified SME of the challenge's city."""

    class Meta:
        model = Proposal

    challenge = factory.SubFactory(ChallengeFactory)
    sme = factory.SubFactory(VerifiedSMEFactory, city=factory.SelfAttribute("..challenge.city"))
    solution = "Raised modular stalls with drainage channels."
    approach = "Pilot in one market for one monsoon season."
    team = "Two engineers and a community organiser."
    timeline = "Three months to build, six to measure."
    co_benefits_delivered = "Twenty local jobs."
    price = Decimal("250000.00")
    currency = "THB"


def official_of(city, **kwargs):
    return CityMembershipFactory(city=city, **kwargs).user


def member_of(sme, **kwargs):
    return SMEMembershipFactory(sme=sme, **kwargs).user


# --- Second factor for staff: an authenticator app with a known secret, and recovery codes ----

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def add_second_factor(user, secret=TOTP_SECRET):
    """Give ``user`` an authenticator app with ``secret`` and a set of recovery codes."""
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


def totp_code(secret=TOTP_SECRET, *, at=None):
    """The code an authenticator app with ``secret`` shows now (or at the Unix time ``at``)."""
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def recovery_codes(user):
    """The unused recovery codes of ``user``."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(authenticator).get_unused_codes()


# --- Case studies ---------------------------------------------------------------------------
from casestudies.models import CaseStudy, CaseStudyTranslation  # noqa: E402


class CaseStudyFactory(factory.django.DjangoModelFactory):
    """A draft case study; its authors are given with ``authors=[…]`` (none by default, so a
    list of many stays quick to build)."""

    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    city = factory.SubFactory(CityFactory)
    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"How the city kept its markets dry {n}")
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    summary = "Local firms and the city piloted raised stalls and early warnings."
    body = "## The problem\n\nThe market flooded **every** monsoon.\n\n## What changed\n\nStalls."
    themes = ["climate", "jobs"]
    key_figures = [{"value": "1,200", "label": "traders kept trading"}]

    @factory.post_generation
    def authors(case_study, create, extracted, **kwargs):
        if create:
            case_study.authors.set(extracted or [])


class PublishedCaseStudyFactory(CaseStudyFactory):
    status = CaseStudy.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CaseStudyTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStudyTranslation

    case_study = factory.SubFactory(PublishedCaseStudyFactory)
    language = "th"
    title = "ตลาดที่ไม่จมน้ำ"
    summary = "ผู้ประกอบการท้องถิ่นช่วยเมืองป้องกันน้ำท่วมตลาด"
    body = "## ปัญหา\n\nตลาดน้ำท่วมทุกฤดูฝน"


def png_bytes(width=640, height=360, colour=(11, 85, 99)):
    """A real PNG picture (the PDF renderer decodes it), made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="harbour.png", **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


# --- Newsletter -----------------------------------------------------------------------------
from casestudies.models import NewsletterIssue, NewsletterIssueTranslation, Subscriber  # noqa: E402


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber; ``status="pending"`` etc. for the others."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    name = factory.Faker("name")
    language = "en"
    status = Subscriber.Status.CONFIRMED
    consent_text = "I would like to receive the newsletter."
    consented_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue
        skip_postgeneration_save = True

    subject = factory.Sequence(lambda n: f"Cities that kept their markets open, issue {n}")
    introduction = "This month: **three cities** and the local firms that helped them."

    @factory.post_generation
    def featured(issue, create, extracted, **kwargs):
        if create and extracted:
            issue.featured.set(extracted)


class NewsletterIssueTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssueTranslation

    issue = factory.SubFactory(NewsletterIssueFactory)
    language = "th"
    subject = "เมืองที่ตลาดไม่จมน้ำ"
    introduction = "เดือนนี้: สามเมืองกับวิสาหกิจท้องถิ่นที่ช่วยเหลือ"


# --- Mentorship: peer-learning sessions, mentors and mentorships ------------------------------

from mentorship.models import (  # noqa: E402
    LearningSession,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    Registration,
)


class LearningSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSession

    cohort = factory.SubFactory(CohortFactory, status=Cohort.Status.RUNNING)
    title = factory.Sequence(lambda n: f"Peer session {n}")
    topic = "procurement_design"
    description = "How to write a **problem**, not a specification."
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    time_zone = "Asia/Bangkok"
    online_link = "https://meet.example.org/peer-session"
    capacity = 20
    audience = LearningSession.Audience.BOTH


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(LearningSessionFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory, time_zone="Asia/Bangkok")
    expertise = factory.LazyFunction(lambda: ["procurement_design"])
    languages = factory.LazyFunction(lambda: ["en"])
    time_zone = "Asia/Bangkok"
    capacity = 2


class MenteeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenteeProfile

    user = factory.SubFactory(UserFactory)
    needs = factory.LazyFunction(lambda: ["procurement_design"])
    languages = factory.LazyFunction(lambda: ["en"])


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(MentorProfileFactory)
    mentee = factory.SubFactory(UserFactory)
    status = Mentorship.Status.PROPOSED


def an_official(**kwargs):
    """A user who is an official of a new city."""
    return CityMembershipFactory(**kwargs).user


def an_sme_member(**kwargs):
    """A user who belongs to a new SME."""
    return SMEMembershipFactory(**kwargs).user


# --- Evaluation: panels, declarations, scores ---------------------------------------------

from procurement.models import ConflictDeclaration, PanelSeat, Score  # noqa: E402


class ClosedChallengeFactory(ChallengeFactory):
    """A challenge whose deadline passed yesterday, its close recorded."""

    questions_close = factory.LazyFunction(lambda: _days(-10))
    submissions_close = factory.LazyFunction(lambda: _days(-1))
    award_expected = factory.LazyFunction(lambda: _days(30))
    status = Challenge.Status.CLOSED
    closed_at = factory.LazyFunction(lambda: _days(-1))


class SubmittedProposalFactory(ProposalFactory):
    status = Proposal.Status.SUBMITTED
    version = 1
    submitted_at = factory.LazyFunction(lambda: _days(-2))


class PanelSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelSeat

    challenge = factory.SubFactory(ClosedChallengeFactory)
    user = factory.SubFactory(UserFactory)


def declare(seat, *, conflicts=()):
    """Record ``seat``'s declarations for every bidder, conflicted with the SMEs given."""
    bidders = SME.objects.filter(
        proposals__challenge=seat.challenge, proposals__status__in=Proposal.SUBMITTED_STATUSES
    )
    conflicted = {sme.pk for sme in conflicts}
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(seat=seat, sme=sme, conflicted=sme.pk in conflicted, note="")
        for sme in bidders
    )
    seat.conflicts_declared_at = timezone.now()
    seat.save(update_fields=["conflicts_declared_at"])
    return seat


def score_all(seat, value=7, *, submit=True, values=None):
    """Score every proposal ``seat`` may see on every criterion, with a comment each."""
    proposals = Proposal.objects.visible_to(seat.user).filter(
        challenge=seat.challenge, status__in=("submitted", "shortlisted")
    )
    criteria = list(seat.challenge.criteria.all())
    Score.objects.bulk_create(
        Score(
            seat=seat,
            proposal=proposal,
            criterion=criterion,
            score=(values or {}).get((proposal.pk, criterion.pk), value),
            comment=f"Comment on {criterion.name}",
        )
        for proposal in proposals
        for criterion in criteria
    )
    if submit:
        seat.scores_submitted_at = timezone.now()
        seat.save(update_fields=["scores_submitted_at"])
    return seat


# --- Pilots and open contracting data -------------------------------------------------------

from procurement.models import KPI, Award, Milestone, Pilot  # noqa: E402


def award_for(challenge=None, *, final=True, proposal=None, amount=Decimal("240000.00")):
    """An award recorded on ``challenge`` (a closed one by default); its standstill over
    unless ``final=False``."""
    challenge = challenge or ClosedChallengeFactory()
    proposal = proposal or SubmittedProposalFactory(challenge=challenge)
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.AWARDED)
    Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.AWARDED)
    challenge.status = Challenge.Status.AWARDED
    decided = _days(-15 if final else -2)
    return Award.objects.create(
        challenge=challenge,
        proposal=proposal,
        sme=proposal.sme,
        amount=amount,
        currency=challenge.currency,
        justification="Best value for the market traders.",
        bidders=Proposal.objects.filter(challenge=challenge).count(),
        decided_at=decided,
        standstill_ends_at=decided + timedelta(days=10),
    )


class PilotFactory(factory.django.DjangoModelFactory):
    """A running pilot of a final award, started ten days ago for six months."""

    class Meta:
        model = Pilot

    award = factory.LazyFunction(award_for)
    challenge = factory.SelfAttribute("award.challenge")
    sme = factory.SelfAttribute("award.sme")
    summary = "Raised stalls in the central market through one monsoon."
    starts_on = factory.LazyFunction(lambda: (_days(-10)).date())
    ends_on = factory.LazyFunction(lambda: (_days(170)).date())


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    pilot = factory.SubFactory(PilotFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = factory.LazyFunction(lambda: (_days(30)).date())


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    pilot = factory.SubFactory(PilotFactory)
    indicator = "jobs_created"
    unit = "jobs"
    baseline = Decimal("0")
    target = Decimal("20")
