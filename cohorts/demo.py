"""Demo cities, officials, a selected 2026 cohort with its reviews, and an open 2027 cohort."""

from datetime import UTC, datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from resilience_portal import audit
from resilience_portal.demo import demo_user
from resilience_portal.scanning import ScanStatus

from . import services
from .models import (
    City,
    CityApplication,
    CityMembership,
    Cohort,
    CriterionScore,
    Review,
    SelectionCriterion,
)

# name, slug, country, province, population, time zone, languages, priorities
DEMO_CITIES = [
    (
        "Semarang",
        "semarang",
        "ID",
        "Central Java",
        1_653_524,
        "Asia/Jakarta",
        "Indonesian, Javanese",
        "Tidal flooding and land subsidence along the northern coast; clean water supply.",
    ),
    (
        "Bangkok",
        "bangkok",
        "TH",
        "Bangkok",
        10_539_000,
        "Asia/Bangkok",
        "Thai",
        "Urban flooding, extreme heat and air quality in dense neighbourhoods.",
    ),
    (
        "Da Nang",
        "da-nang",
        "VN",
        "Da Nang",
        1_220_190,
        "Asia/Ho_Chi_Minh",
        "Vietnamese",
        "Typhoon preparedness, coastal erosion and solid waste.",
    ),
    (
        "Melaka",
        "melaka",
        "MY",
        "Melaka",
        503_127,
        "Asia/Kuala_Lumpur",
        "Malay, English, Chinese",
        "Flash floods in the historic centre and heat stress for street traders.",
    ),
    (
        "Pune",
        "pune",
        "IN",
        "Maharashtra",
        7_276_000,
        "Asia/Kolkata",
        "Marathi, Hindi, English",
        "River flooding, water scarcity in summer and informal settlement upgrading.",
    ),
    (
        "Quezon City",
        "quezon-city",
        "PH",
        "Metro Manila",
        2_960_048,
        "Asia/Manila",
        "Filipino, English",
        "Typhoon flooding, earthquake readiness and food security for poor households.",
    ),
    (
        "Chiang Mai",
        "chiang-mai",
        "TH",
        "Chiang Mai",
        1_200_000,
        "Asia/Bangkok",
        "Thai, Northern Thai",
        "Seasonal haze from forest fires and drought.",
    ),
    (
        "Surat",
        "surat",
        "IN",
        "Gujarat",
        6_081_322,
        "Asia/Kolkata",
        "Gujarati, Hindi",
        "Flooding from the Tapi river and heat in the textile districts.",
    ),
    (
        "Cebu City",
        "cebu-city",
        "PH",
        "Central Visayas",
        964_169,
        "Asia/Manila",
        "Cebuano, Filipino, English",
        "Typhoons, water shortages and traffic-choked evacuation routes.",
    ),
    (
        "Khulna",
        "khulna",
        "BD",
        "Khulna Division",
        718_735,
        "Asia/Dhaka",
        "Bengali",
        "Salinity in drinking water, cyclones and climate migration into the city.",
    ),
    (
        "Makassar",
        "makassar",
        "ID",
        "South Sulawesi",
        1_423_877,
        "Asia/Makassar",
        "Indonesian, Makassarese",
        "Coastal flooding and waste in the city's canals.",
    ),
    (
        "Iloilo City",
        "iloilo-city",
        "PH",
        "Western Visayas",
        457_626,
        "Asia/Manila",
        "Hiligaynon, Filipino, English",
        "Storm surge and drainage in the river delta.",
    ),
]

CRITERIA = [
    ("Resilience need", "How exposed the city and its poorest residents are.", 30),
    ("Procurement readiness", "Rules, budget and people able to buy from local SMEs.", 25),
    ("SME ecosystem", "Local firms, incubators and associations to draw on.", 20),
    ("Leadership commitment", "A signed letter and a named senior sponsor.", 25),
]

# city slug: (decision, scores by the two reviewers per criterion)
RESULTS_2026 = {
    "semarang": ("selected", [5, 4, 4, 5], [4, 4, 3, 5]),
    "bangkok": ("selected", [5, 3, 5, 4], [4, 4, 4, 4]),
    "da-nang": ("selected", [4, 4, 3, 4], [4, 3, 3, 5]),
    "melaka": ("selected", [3, 4, 4, 4], [4, 4, 3, 4]),
    "pune": ("selected", [5, 3, 4, 3], [3, 3, 4, 4]),
    "quezon-city": ("selected", [5, 4, 3, 4], [5, 3, 3, 4]),
    "chiang-mai": ("waitlisted", [4, 2, 3, 3], [2, 3, 3, 4]),
    "surat": ("declined", [3, 2, 3, 2], [3, 2, 2, 3]),
    "iloilo-city": ("declined", [3, 2, 2, 2], [4, 1, 2, 2]),
}

OFFICIALS = [
    ("official.semarang@demo.resilience.test", "Sri Wahyuni", "semarang", "Asia/Jakarta", "id"),
    ("official.bangkok@demo.resilience.test", "Somchai Prasert", "bangkok", "Asia/Bangkok", "th"),
    ("official.danang@demo.resilience.test", "Nguyen Thi Lan", "da-nang", "Asia/Ho_Chi_Minh", "vi"),
    (
        "official.chiangmai@demo.resilience.test",
        "Kannika Saelee",
        "chiang-mai",
        "Asia/Bangkok",
        "th",
    ),
    # The cohort in review: each applicant has an official, so the result e-mails reach someone.
    ("official.cebu@demo.resilience.test", "Maria Santos", "cebu-city", "Asia/Manila", "en"),
    ("official.khulna@demo.resilience.test", "Farhana Rahman", "khulna", "Asia/Dhaka", "en"),
    ("official.makassar@demo.resilience.test", "Andi Nurhayati", "makassar", "Asia/Makassar", "id"),
]

# The smallest file that starts like a PDF, so the demo letters can be downloaded.
DEMO_LETTER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _answers(city):
    return {
        "motivation": f"{city.name} wants local firms to help solve its resilience problems.",
        "resilience_challenges": city.resilience_priorities,
        "procurement_readiness": "A procurement unit ready to pilot challenge-based tenders.",
        "sme_ecosystem": "Chambers of commerce, a university incubator and a maker space.",
        "leadership_commitment": "The mayor sponsors the programme and chairs its steering group.",
    }


def _seed_cities():
    for name, slug, country, province, population, tz, languages, priorities in DEMO_CITIES:
        City.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "country": country,
                "province": province,
                "population": population,
                "time_zone": tz,
                "languages": languages,
                "resilience_priorities": priorities,
            },
        )
    for email, name, slug, tz, language in OFFICIALS:
        city = City.objects.get(slug=slug)
        official = demo_user(
            email, name, role_note=f"lead official, {city.name}", time_zone=tz, language=language
        )
        services.add_official(city, official, role=CityMembership.Role.LEAD, via="demo")


def _seed_pending_request():
    """One person asking to represent a city nobody represents yet: the staff queue's example."""
    city = City.objects.get(slug="iloilo-city")
    person = demo_user(
        "applicant.iloilo@demo.resilience.test",
        "Jose Dela Cruz",
        role_note="asked to represent Iloilo City; awaiting staff review",
        time_zone="Asia/Manila",
    )
    CityMembership.objects.get_or_create(
        city=city,
        user=person,
        defaults={
            "role": CityMembership.Role.LEAD,
            "status": CityMembership.Status.PENDING,
            "position": "Disaster risk reduction officer",
            "staff_contact": "Maya Reviewer, met at the 2026 cohort briefing",
            "requested_at": timezone.now(),
        },
    )


def _criteria(cohort):
    for order, (name, description, weight) in enumerate(CRITERIA):
        SelectionCriterion.objects.update_or_create(
            cohort=cohort,
            name=name,
            defaults={"description": description, "weight": weight, "order": order},
        )
    return list(cohort.criteria.all())


def _letter(application):
    if not application.leadership_letter:
        # The demo's own letter, known to be clean: there may be no scanner under `make run`.
        application.leadership_letter_scan_status = ScanStatus.CLEAN
        application.leadership_letter.save("letter.pdf", ContentFile(DEMO_LETTER), save=True)


def _seed_selected_cohort(reviewers):
    cohort, _ = Cohort.objects.update_or_create(
        slug="asia-pacific-2026",
        defaults={
            "name": "Asia-Pacific Cohort 2026",
            "year": 2026,
            "max_cities": 8,
            "applications_open": datetime(2026, 1, 15, 1, 0, tzinfo=UTC),
            "applications_close": datetime(2026, 3, 15, 16, 59, tzinfo=UTC),
            "status": Cohort.Status.SELECTED,
            "description": "The first cohort: six cities buying resilience from local SMEs.",
        },
    )
    criteria = _criteria(cohort)
    for slug, (decision, *score_sets) in RESULTS_2026.items():
        city = City.objects.get(slug=slug)
        application, created = CityApplication.objects.update_or_create(
            cohort=cohort,
            city=city,
            defaults={
                **_answers(city),
                "status": decision,
                "decision": decision,
                "submitted_at": datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
                "decided_at": datetime(2026, 4, 20, 9, 0, tzinfo=UTC),
                "decided_by": reviewers[0],
                "result_emailed_at": datetime(2026, 4, 20, 9, 5, tzinfo=UTC),
            },
        )
        _letter(application)
        if created:
            audit.record(application, "application.submitted", actor=None, demo=True)
            audit.record(application, "application.result", actor=reviewers[0], result=decision)
        for reviewer, scores in zip(reviewers, score_sets, strict=True):
            review, _ = Review.objects.update_or_create(
                application=application,
                reviewer=reviewer,
                defaults={"submitted_at": datetime(2026, 4, 10, 3, 0, tzinfo=UTC)},
            )
            for criterion, score in zip(criteria, scores, strict=True):
                CriterionScore.objects.update_or_create(
                    review=review,
                    criterion=criterion,
                    defaults={"score": score, "comment": "Clear evidence in the application."},
                )
        if decision == "selected":
            cohort.cities.add(city)


def _seed_open_cohort():
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    cohort, _ = Cohort.objects.update_or_create(
        slug="asia-pacific-2027",
        defaults={
            "name": "Asia-Pacific Cohort 2027",
            "year": 2027,
            "max_cities": 8,
            "applications_open": now - timedelta(days=10),
            "applications_close": now + timedelta(days=45),
            "status": Cohort.Status.OPEN,
            "description": "Applications are open: up to eight cities join in 2027.",
        },
    )
    _criteria(cohort)
    chiang_mai = City.objects.get(slug="chiang-mai")
    application, created = CityApplication.objects.get_or_create(
        cohort=cohort,
        city=chiang_mai,
        defaults={
            "motivation": "After the waiting list in 2026, Chiang Mai applies again.",
            "resilience_challenges": chiang_mai.resilience_priorities,
        },
    )
    if created:
        audit.record(application, "application.started", actor=None, demo=True)


def _seed_cohort_in_review(reviewers):
    """A closed window with applications waiting for scores, so reviewing can be tried."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    cohort, _ = Cohort.objects.update_or_create(
        slug="coastal-cities-2027",
        defaults={
            "name": "Coastal Cities Cohort 2027",
            "year": 2027,
            "max_cities": 2,
            "applications_open": now - timedelta(days=60),
            "applications_close": now - timedelta(days=5),
            "status": Cohort.Status.REVIEWING,
            "description": "A small round for coastal cities facing storms and salinity.",
        },
    )
    criteria = _criteria(cohort)
    # The second reviewer has scored two cities; the first reviewer has scored none yet.
    early_scores = {"cebu-city": [4, 3, 3, 4], "khulna": [5, 2, 3, 4]}
    for slug in ["cebu-city", "khulna", "makassar"]:
        city = City.objects.get(slug=slug)
        application, created = CityApplication.objects.get_or_create(
            cohort=cohort,
            city=city,
            defaults={
                **_answers(city),
                "status": CityApplication.Status.UNDER_REVIEW,
                "submitted_at": now - timedelta(days=8),
            },
        )
        _letter(application)
        if created:
            audit.record(application, "application.submitted", actor=None, demo=True)
            audit.record(application, "application.review_started", actor=reviewers[0])
        if slug in early_scores:
            review, _ = Review.objects.update_or_create(
                application=application,
                reviewer=reviewers[1],
                defaults={"submitted_at": now - timedelta(days=2)},
            )
            for criterion, score in zip(criteria, early_scores[slug], strict=True):
                CriterionScore.objects.update_or_create(
                    review=review,
                    criterion=criterion,
                    defaults={"score": score, "comment": "Strong need; readiness unproven."},
                )


def seed(out):
    reviewers = [
        demo_user(
            "staff@demo.resilience.test",
            "Programme Staff",
            role_note="programme staff",
            staff=True,
        ),
        demo_user(
            "reviewer@demo.resilience.test",
            "Maya Reviewer",
            role_note="programme staff, cohort reviewer",
            staff=True,
        ),
    ]
    _seed_cities()
    _seed_pending_request()
    _seed_selected_cohort(reviewers)
    _seed_open_cohort()
    _seed_cohort_in_review(reviewers)
