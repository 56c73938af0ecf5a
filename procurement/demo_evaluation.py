"""A fully evaluated demo challenge: panel, a conflict, moderated scores, the award,
debriefs and a standstill question answered, all through the evaluation's own acts."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from cohorts import services as cohort_services
from cohorts.models import City, Cohort
from smes.models import SME, Sector, SMEMembership

from . import evaluation_services as services
from . import services as challenge_services
from .demo_challenges import (
    DOMAIN,
    _challenge,
    _pass_deadline,
    _proposal,
    demo_user,
)

SLUG = "tambak-lorok-drainage"

# Per SME: (impact, feasibility, value, co-benefits) from each evaluator, and a comment.
SCORES = {
    "banjir-tech": ((9, 7, 7, 8), "Sensors already run in two kampungs; the data is open."),
    "kali-bersih": ((6, 8, 5, 7), "Sound engineering, but reaches fewer households."),
    "sungai-hijau": ((4, 5, 8, 6), "Cheap, yet the plan depends on volunteers alone."),
}


def _third_sme(cities):
    sme, _ = SME.objects.get_or_create(
        slug="sungai-hijau",
        defaults={
            "legal_name": "CV Sungai Hijau",
            "registration_number": "DEMO-SUNGAI-HIJAU",
            "country": "ID",
            "city": cities["semarang"],
            "employees": 6,
            "verification": SME.Verification.VERIFIED,
        },
    )
    sme.sectors.add(*Sector.objects.filter(code__in=["water"]))
    owner = demo_user(
        f"sme.sungai@{DOMAIN}",
        "Putri Hidayat",
        role_note="SME owner, CV Sungai Hijau: an unsuccessful bid's debrief (ranked third)",
        time_zone="Asia/Jakarta",
        language="id",
    )
    SMEMembership.objects.get_or_create(
        sme=sme, user=owner, defaults={"role": SMEMembership.Role.OWNER}
    )
    return sme, owner


def _panel_members(city):
    chair = demo_user(
        f"evaluator.chair@{DOMAIN}",
        "Budi Hartono",
        role_note="official, Semarang, chair of the Tambak Lorok panel: matrix, consensus, award, standstill answer",
        time_zone="Asia/Jakarta",
    )  # fmt: skip
    cohort_services.add_official(city, chair, via="demo")
    expert = demo_user(
        f"evaluator.expert@{DOMAIN}",
        "Dr Maya Kusuma",
        role_note="outside expert on the Tambak Lorok panel only: declared a conflict with CV Kali Bersih",
        time_zone="Asia/Jakarta",
    )  # fmt: skip
    return chair, expert


def _panel(challenge, lead, chair, expert):
    chair_seat = services.appoint_official(challenge, chair, by=lead)
    services.name_chair(chair_seat, by=lead)
    lead_seat = services.appoint_official(challenge, lead, by=lead)
    invitation = services.invite_expert(challenge, expert.email, by=lead)
    expert_seat = services.accept_panel_invitation(invitation, expert)
    return chair_seat, lead_seat, expert_seat


def _score(seat, proposals, criteria, *, offset=0):
    for slug, proposal in proposals.items():
        values, comment = SCORES[slug]
        if not services.proposals_for(seat).filter(pk=proposal.pk).exists():
            continue
        services.save_scores(
            seat,
            proposal,
            {
                criterion.pk: (max(0, min(10, value + offset)), comment)
                for criterion, value in zip(criteria, values, strict=True)
            },
            by=seat.user,
        )
    services.submit_scores(seat, by=seat.user)


def seed(out):
    # The cities, SMEs and their logins are those demo_challenges made just before.
    User = get_user_model()
    cities = {"semarang": City.objects.get(slug="semarang")}
    cohort = Cohort.objects.get(slug="asia-pacific-2026")
    lead = User.objects.get(email=f"official.semarang@{DOMAIN}")
    smes = {slug: SME.objects.get(slug=slug) for slug in ("banjir-tech", "kali-bersih")}
    members = {
        local: User.objects.get(email=f"{local}@{DOMAIN}") for local in ("sme.banjir", "sme.kali")
    }
    third, third_owner = _third_sme(cities)
    staff = demo_user(f"staff@{DOMAIN}", "Programme Staff", role_note="programme staff", staff=True)
    chair, expert = _panel_members(cities["semarang"])
    challenge, created = _challenge(
        SLUG, city=cities["semarang"], cohort=cohort, title="Drainage that keeps Tambak Lorok dry",
        opens_in_days=10, sectors=["water"], co_benefits=["climate", "equity"],
        place="Kampung Tambak Lorok", who="3,000 fishing households", tried="raising the road, twice",
    )  # fmt: skip
    if created:
        challenge_services.submit_for_approval(challenge, by=lead)
        challenge_services.approve_challenge(challenge, by=staff)
        bidders = {
            "banjir-tech": (smes["banjir-tech"], members["sme.banjir"], "Smart pumps driven by tide sensors.", "640000000"),
            "kali-bersih": (smes["kali-bersih"], members["sme.kali"], "Retention ponds under the fish market.", "720000000"),
            "sungai-hijau": (third, third_owner, "Volunteer-kept drain covers and bins.", "210000000"),
        }  # fmt: skip
        proposals = {
            slug: _proposal(challenge, sme, member, solution=text, price=price, submit=True)
            for slug, (sme, member, text, price) in bidders.items()
        }
        _pass_deadline(challenge)
        challenge_services.start_evaluation(challenge, by=lead)
        chair_seat, lead_seat, expert_seat = _panel(challenge, lead, chair, expert)
        services.declare_conflicts(
            expert_seat,
            {
                p.sme_id: (slug == "kali-bersih", "I advised CV Kali Bersih in 2024.")
                for slug, p in proposals.items()
            },
            by=expert_seat.user,
        )
        for seat in (chair_seat, lead_seat):
            services.declare_conflicts(
                seat, {p.sme_id: (False, "") for p in proposals.values()}, by=seat.user
            )
        criteria = list(challenge.criteria.all())
        _score(chair_seat, proposals, criteria)
        _score(lead_seat, proposals, criteria, offset=1)
        _score(expert_seat, proposals, criteria, offset=-3)  # a harsh marker: outliers
        table = services.matrix(challenge, viewer=chair_seat.user)
        for row in table.rows:
            values = {cell.criterion.pk: (cell.mean, "") for cell in row.cells}
            if row.proposal.pk == proposals["kali-bersih"].pk:
                impact = row.cells[0]
                values[impact.criterion.pk] = (
                    Decimal("6.0"),
                    "The ponds protect the market but not the homes behind it.",
                )
            services.record_consensus(row.proposal, values, by=chair_seat.user)
        services.shortlist(proposals["banjir-tech"], by=chair_seat.user)
        services.shortlist(proposals["kali-bersih"], by=chair_seat.user)
        services.record_award(
            challenge,
            proposals["banjir-tech"],
            by=chair_seat.user,
            amount=Decimal("640000000"),
            currency="IDR",
            justification="The highest consensus score: reaches every household at a fair price.",
        )
        question = services.ask_standstill_question(
            proposals["kali-bersih"],
            by=members["sme.kali"],
            question="Would phasing the ponds over two years have changed the impact score?",
        )
        services.answer_standstill_question(
            question,
            by=chair_seat.user,
            answer="No: the score reflects households protected at the end of the pilot, "
            "and phasing would have lowered it in the first year.",
        )
    demo_user(
        f"sme.kali@{DOMAIN}", "Rina Wijaya",
        role_note="a debrief with a standstill question answered at /challenges/tambak-lorok-drainage/debrief/",
    )  # fmt: skip
    demo_user(
        f"sme.banjir@{DOMAIN}", "Dewi Lestari",
        role_note="won the Tambak Lorok award (notice on /challenges/tambak-lorok-drainage/)",
    )  # fmt: skip
    out.write(
        f"Evaluation: /challenges/{SLUG}/ is awarded; its panel at /challenges/{SLUG}/evaluation/.\n"
    )
