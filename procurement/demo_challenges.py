"""Demo challenges in every state, with questions and proposals, for the demo cities.

Cities, SMEs and logins are found or created here by their stable keys, so this
module stands on its own whatever the other demo modules create first. The acts
go through the domain methods (so the audit trail is real) but tell no one:
demo data sends no e-mail.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.models import City, CityMembership, Cohort
from resilience_portal import demo, mail
from smes.models import SME, Sector, SMEMembership

from . import services
from .models import Challenge, Criterion
from .services import close_challenge

DOMAIN = "demo.resilience.test"

CITIES = {
    "semarang": ("Semarang", "ID", "Asia/Jakarta"),
    "bangkok": ("Bangkok", "TH", "Asia/Bangkok"),
    "da-nang": ("Da Nang", "VN", "Asia/Ho_Chi_Minh"),
}

# Each city buys in its own currency; the ranges are the same scale (about US$10-50k).
BUDGETS = {
    "ID": ("IDR", Decimal("150000000"), Decimal("900000000")),
    "TH": ("THB", Decimal("300000"), Decimal("1500000")),
    "VN": ("VND", Decimal("250000000"), Decimal("1200000000")),
    "PH": ("PHP", Decimal("500000"), Decimal("2500000")),
}

SMES = [
    # slug, legal name, city, sectors, member logins (email, name, note)
    (
        "banjir-tech",
        "PT Banjir Teknologi",
        "semarang",
        ["water", "digital"],
        [
            ("sme.banjir", "Dewi Lestari", "SME owner, PT Banjir Teknologi: open challenge, draft proposal, closed challenge's receipt"),
            ("sme.banjir2", "Agus Santoso", "SME member, PT Banjir Teknologi: co-edits the same draft"),
        ],
    ),
    (
        "kali-bersih",
        "CV Kali Bersih",
        "semarang",
        ["water", "waste"],
        [("sme.kali", "Rina Wijaya", "SME owner, CV Kali Bersih: submitted proposals and receipts")],
    ),
    (
        "bangkok-cool-roofs",
        "Cool Roofs Bangkok Co., Ltd.",
        "bangkok",
        ["energy", "construction"],
        [("sme.bangkok", "Somchai Prasert", "SME owner, Bangkok: proposal under evaluation")],
    ),
]  # fmt: skip

PROBLEM = """Every rainy season {place} floods for days at a time.

- Who suffers: {who}.
- How often: several times a year, worse at high tide.
- What has been tried: {tried}.

We are looking for **local** solutions we can pilot within a year."""


def demo_user(email, full_name, *, role_note, **options):
    """A demo login; when another demo module already made it, our note joins theirs."""
    earlier = [note for known, note in demo.logins if known == email]
    user = demo.demo_user(email, full_name, role_note=role_note, **options)
    if earlier and role_note not in earlier[0]:
        demo.logins[:] = [entry for entry in demo.logins if entry[0] != email]
        demo.logins.append((email, f"{earlier[0]}; {role_note}"))
    return user


def _cities_and_cohort():
    cities = {}
    for slug, (name, country, zone) in CITIES.items():
        cities[slug], _ = City.objects.get_or_create(
            slug=slug, defaults={"name": name, "country": country, "time_zone": zone}
        )
    cohort, _ = Cohort.objects.get_or_create(
        slug="asia-pacific-2026",
        defaults={"name": "Asia-Pacific Resilience Cohort 2026", "year": 2026, "status": "running"},
    )
    cohort.cities.add(*cities.values())
    return cities, cohort


def _officials(cities):
    officials = {}
    for slug, note in [
        ("semarang", "lead official, Semarang: drafts, questions to answer, proposals after the deadline"),
        ("bangkok", "official, Bangkok: challenge pending approval, one under evaluation"),
    ]:  # fmt: skip
        city = cities[slug]
        user = demo_user(
            f"official.{slug}@{DOMAIN}",
            f"{city.name} Official" if slug != "semarang" else "Sri Wahyuni",
            role_note=note,
            time_zone=city.time_zone,
        )
        cohort_services.add_official(city, user, role=CityMembership.Role.LEAD, via="demo")
        officials[slug] = user
    return officials


def _smes(cities):
    smes, members = {}, {}
    for slug, legal_name, city_slug, sectors, logins in SMES:
        city = cities[city_slug]
        sme, _ = SME.objects.get_or_create(
            slug=slug,
            defaults={
                "legal_name": legal_name,
                "registration_number": f"DEMO-{slug.upper()}",
                "country": city.country,
                "city": city,
                "employees": 14,
                "verification": SME.Verification.VERIFIED,
            },
        )
        sme.sectors.add(*Sector.objects.filter(code__in=sectors))
        smes[slug] = sme
        for index, (local, name, note) in enumerate(logins):
            user = demo_user(f"{local}@{DOMAIN}", name, role_note=note, time_zone=city.time_zone)
            SMEMembership.objects.get_or_create(
                sme=sme,
                user=user,
                defaults={
                    "role": SMEMembership.Role.OWNER if index == 0 else SMEMembership.Role.MEMBER
                },
            )
            members[local] = user
    return smes, members


def _challenge(
    slug, *, city, cohort, title, opens_in_days, sectors, co_benefits, place, who, tried
):
    now = timezone.now()
    currency, budget_min, budget_max = BUDGETS[city.country]
    challenge, created = Challenge.objects.get_or_create(
        slug=slug,
        defaults={
            "city": city,
            "cohort": cohort,
            "title": title,
            "problem_statement": PROBLEM.format(place=place, who=who, tried=tried),
            "desired_outcomes": f"{place} keeps working through a one-in-ten-year flood, "
            "measured by days lost and households affected.",
            "co_benefits": co_benefits,
            "budget_min": budget_min,
            "budget_max": budget_max,
            "currency": currency,
            "questions_close": now + timedelta(days=opens_in_days - 7),
            "submissions_close": now + timedelta(days=opens_in_days),
            "award_expected": now + timedelta(days=opens_in_days + 30),
        },
    )
    if not created and challenge.currency != currency:
        # Demo data seeded before every city had its own currency is put right in place.
        Challenge.objects.filter(pk=challenge.pk).update(
            currency=currency, budget_min=budget_min, budget_max=budget_max
        )
        challenge.refresh_from_db()
    if created:
        challenge.sectors.set(Sector.objects.filter(code__in=sectors))
        Criterion.objects.bulk_create(
            Criterion(
                challenge=challenge, name=name, description=description, weight=weight, order=i
            )
            for i, (name, description, weight) in enumerate(
                [
                    ("Impact on the problem", "How much of the outcome it delivers.", 40),
                    ("Feasibility and team", "Can this team pilot it within a year?", 25),
                    ("Value for money", "Price against the outcome.", 20),
                    ("Co-benefits", "Jobs, equity, health, climate.", 15),
                ]
            )
        )
    return challenge, created


def _proposal(challenge, sme, member, *, solution, price, submit):
    proposal = services.start_proposal(challenge, sme=sme, by=member)
    services.save_proposal_answers(
        proposal,
        by=member,
        solution=solution,
        approach="A three-month pilot at one site, then a review with the city.",
        team="An engineer, a field technician and a community liaison.",
        timeline="Month 1 install, months 2-3 measure, month 4 report.",
        co_benefits_delivered="Eight local jobs during installation.",
        price=Decimal(price),
        currency=challenge.currency,
    )
    if submit:
        services.submit_proposal(proposal, by=member)
    return proposal


def _pass_deadline(challenge):
    past = timezone.now() - timedelta(days=2)
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=past - timedelta(days=7), submissions_close=past
    )
    challenge.refresh_from_db()
    close_challenge(challenge)


def seed(out):
    cities, cohort = _cities_and_cohort()
    officials = _officials(cities)
    smes, members = _smes(cities)
    staff = demo_user(f"staff@{DOMAIN}", "Programme Staff", role_note="programme staff", staff=True)
    semarang, bangkok = officials["semarang"], officials["bangkok"]
    common = {"cohort": cohort, "sectors": ["water"], "co_benefits": ["climate", "jobs"]}

    with mail.suppressed():
        # Draft: sent back once by staff, with comments to act on.
        draft, created = _challenge(
            "tidal-flood-early-warning", city=cities["semarang"], title="Early warning for tidal floods in North Semarang",
            opens_in_days=40, place="North Semarang", who="fishing families and small workshops",
            tried="sirens that few people hear", **common,
        )  # fmt: skip
        if created:
            services.submit_for_approval(draft, by=semarang)
            services.send_back_challenge(
                draft, by=staff, comments="Please say how many households are affected."
            )

        # Pending approval, for staff to approve or send back.
        pending, created = _challenge(
            "cooler-classrooms", city=cities["bangkok"], title="Cooler classrooms without air conditioning",
            opens_in_days=45, place="Bangkok's district schools", who="pupils and teachers",
            tried="fans, which stop when the power does", **{**common, "sectors": ["energy", "construction"]},
        )  # fmt: skip
        if created:
            services.submit_for_approval(pending, by=bangkok)

        # Open: answered and unanswered questions, a shared draft and a submitted proposal.
        market, created = _challenge(
            "johar-market-floods", city=cities["semarang"], title="Keep Johar market trading through floods",
            opens_in_days=21, place="Johar market", who="2,000 traders and their customers",
            tried="sandbags and pumps that arrive too late", **common,
        )  # fmt: skip
        if created:
            services.submit_for_approval(market, by=semarang)
            services.approve_challenge(market, by=staff)
            asked = services.ask_question(
                market, sme=smes["kali-bersih"], by=members["sme.kali"],
                question="May the solution use the market roof for water storage?",
            )  # fmt: skip
            services.publish_answer(
                asked, by=semarang, answer="Yes; the roof was reinforced in 2023."
            )
            services.ask_question(
                market, sme=smes["banjir-tech"], by=members["sme.banjir"],
                question="Is there mains power at the north entrance?",
            )  # fmt: skip
            _proposal(market, smes["banjir-tech"], members["sme.banjir"], solution="Sensor-linked flood gates at each entrance.", price="420000000", submit=False)  # fmt: skip
            _proposal(market, smes["kali-bersih"], members["sme.kali"], solution="Raised modular stalls with rain storage.", price="610000000", submit=True)  # fmt: skip

        # Closed: the deadline has passed and the city can open the proposals.
        canal, created = _challenge(
            "banjir-kanal-barat-clean", city=cities["semarang"], title="Clean water in the Banjir Kanal Barat",
            opens_in_days=10, place="the Banjir Kanal Barat canal", who="riverside neighbourhoods",
            tried="annual dredging", **{**common, "sectors": ["water", "waste"]},
        )  # fmt: skip
        if created:
            services.submit_for_approval(canal, by=semarang)
            services.approve_challenge(canal, by=staff)
            _proposal(canal, smes["banjir-tech"], members["sme.banjir"], solution="Floating trash barriers with a sorting cooperative.", price="350000000", submit=True)  # fmt: skip
            _proposal(canal, smes["kali-bersih"], members["sme.kali"], solution="Constructed wetlands at three outfalls.", price="780000000", submit=True)  # fmt: skip
            _pass_deadline(canal)

        # Evaluating: closed, and the city has started the evaluation.
        bus, created = _challenge(
            "heat-safe-bus-stops", city=cities["bangkok"], title="Heat-safe bus stops",
            opens_in_days=10, place="Bangkok's busiest bus stops", who="commuters, many elderly",
            tried="thin metal roofs", **{**common, "sectors": ["energy", "construction"], "co_benefits": ["health", "climate"]},
        )  # fmt: skip
        if created:
            services.submit_for_approval(bus, by=bangkok)
            services.approve_challenge(bus, by=staff)
            _proposal(bus, smes["bangkok-cool-roofs"], members["sme.bangkok"], solution="Cool-roof shelters with misting and shade trees.", price="980000", submit=True)  # fmt: skip
            _pass_deadline(bus)
            services.start_evaluation(bus, by=bangkok)

        # Cancelled, with its reason public.
        beach, created = _challenge(
            "my-khe-erosion", city=cities["da-nang"], title="Monitoring erosion on My Khe beach",
            opens_in_days=30, place="My Khe beach", who="beach businesses and fishing crews",
            tried="occasional surveys", **common,
        )  # fmt: skip
        da_nang = demo_user(
            f"official.danang@{DOMAIN}", "Da Nang Official",
            role_note="official, Da Nang: a cancelled challenge", time_zone="Asia/Ho_Chi_Minh",
        )  # fmt: skip
        cohort_services.add_official(cities["da-nang"], da_nang, via="demo")
        if created:
            services.submit_for_approval(beach, by=da_nang)
            services.approve_challenge(beach, by=staff)
            services.cancel_challenge(
                beach, by=da_nang, reason="The province has commissioned a national survey instead."
            )
    out.write(f"Challenges: {Challenge.objects.count()} in every state, at /challenges/.\n")
