"""Demo case studies: published ones for Semarang, Bangkok (with a Thai translation) and
Da Nang, and one waiting for review, all made through the same acts staff use."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import City, Cohort
from procurement.models import Challenge, Pilot
from resilience_portal.demo import demo_user
from resilience_portal.uploads import JPEG, PNG, check_upload

from . import newsletter_demo, services
from .models import CaseStudy

DOMAIN = "demo.resilience.test"
COHORT = "asia-pacific-2026"

STORIES = [
    {
        "slug": "semarang-johar-market-stays-open",
        "city": "semarang",
        "title": "How Johar market kept trading through the tidal floods",
        "summary": (
            "Semarang asked local firms for a way to keep its oldest market open when the "
            "tide comes in. Three SMEs piloted raised stalls, a drainage channel and an SMS "
            "warning, and traders lost no market day in the next monsoon."
        ),
        "themes": ["climate", "jobs", "disaster"],
        "figures": [
            ("1,200", "traders kept trading"),
            ("3", "local SMEs hired"),
            ("0", "market days lost"),
        ],
        "challenge": "johar-market-floods",
        "colour": (11, 85, 99),
        "status": "published",
    },
    {
        "slug": "bangkok-cooler-classrooms",
        "city": "bangkok",
        "title": "Cooler classrooms without air conditioning in Bangkok",
        "summary": (
            "Bangkok's district schools tried shade, reflective roofs and cross-ventilation "
            "designed by small local builders. Afternoon classroom temperatures fell by three "
            "degrees at a tenth of the cost of air conditioning."
        ),
        "themes": ["health", "climate"],
        "figures": [("-3 °C", "afternoon classroom temperature"), ("14", "schools"), ("4", "SMEs")],
        "challenge": "cooler-classrooms",
        "colour": (170, 90, 30),
        "status": "published",
        "thai": {
            "title": "ห้องเรียนที่เย็นลงโดยไม่ต้องใช้เครื่องปรับอากาศในกรุงเทพฯ",
            "summary": (
                "โรงเรียนในเขตต่าง ๆ ของกรุงเทพฯ ทดลองใช้ร่มเงา หลังคาสะท้อนแสง "
                "และการระบายอากาศที่ออกแบบโดยผู้รับเหมาขนาดเล็กในท้องถิ่น"
            ),
            "body": (
                "## ปัญหา\n\nห้องเรียนร้อนจัดในช่วงบ่าย นักเรียนไม่มีสมาธิในการเรียน\n\n"
                "## สิ่งที่ทำ\n\nวิสาหกิจขนาดย่อมสี่รายติดตั้งหลังคาสะท้อนแสงและช่องระบายอากาศ"
                "ในโรงเรียนสิบสี่แห่ง\n\n## ผลลัพธ์\n\nอุณหภูมิในห้องเรียนช่วงบ่ายลดลงสามองศา"
            ),
            "hero_alt": "หลังคาสะท้อนแสงบนอาคารเรียน",
        },
    },
    {
        "slug": "da-nang-typhoon-ready-fishing-wards",
        "city": "da-nang",
        "title": "Typhoon-ready fishing wards in Da Nang",
        "summary": (
            "Da Nang's coastal wards worked with local firms on boat moorings and a shared "
            "warning network; the fleet came through the next typhoon season without a loss."
        ),
        "themes": ["disaster", "equity"],
        "figures": [("640", "boats moored safely"), ("2", "SMEs")],
        "challenge": None,
        "colour": (40, 110, 60),
        "status": "published",
    },
    {
        "slug": "melaka-shade-for-street-traders",
        "city": "melaka",
        "title": "Shade for Melaka's street traders",
        "summary": "A draft about heat stress in the historic centre, waiting for review.",
        "themes": ["health"],
        "figures": [("38 °C", "midday heat in July")],
        "challenge": None,
        "colour": (120, 60, 110),
        "status": "in_review",
    },
]

BODY = """## The problem

{summary}

## What the city asked for

The city described the problem, not a specification, and invited local small firms to
propose. Questions were answered in public, and proposals stayed sealed until the deadline.

## What changed

The pilot ran for one season with the city's own staff beside the firms. The figures
above are the pilot's own measurements.

## What other cities can take from it

- Write the challenge as an outcome, in plain language.
- Pay for a pilot before a contract.
- Give unsuccessful bidders the panel's feedback.
"""


def _picture(colour):
    """A simple generated picture, checked like any upload."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 600), colour)
    draw = ImageDraw.Draw(image)
    for n in range(6):
        draw.rectangle([80 + n * 180, 300 - n * 30, 200 + n * 180, 560], fill=(240, 240, 235))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    upload = SimpleUploadedFile("hero.png", buffer.getvalue(), content_type="image/png")
    upload.checked = check_upload(upload, kinds=(PNG, JPEG))
    return upload


def seed(out):
    writer = demo_user(
        f"editor@{DOMAIN}",
        "Erin Editor",
        role_note="programme staff, case-study writer",
        staff=True,
    )
    reviewer = demo_user(
        f"reviewer@{DOMAIN}",
        "Maya Reviewer",
        role_note="programme staff, cohort reviewer",
        staff=True,
    )
    cohort = Cohort.objects.filter(slug=COHORT).first()
    if cohort is None:
        return
    for story in STORIES:
        city = City.objects.filter(slug=story["city"]).first()
        if city is None or CaseStudy.objects.filter(slug=story["slug"]).exists():
            continue
        challenge = Challenge.objects.filter(slug=story["challenge"]).first()
        case_study = services.create_case_study(
            by=writer,
            slug=story["slug"],
            city=city,
            cohort=cohort,
            title=story["title"],
            language="en",
            summary=story["summary"],
            body=BODY.format(summary=story["summary"]),
            hero_image=_picture(story["colour"]),
            hero_alt=f"{city.name}: the pilot site",
            hero_credit="Resilience Portal demo",
            themes=story["themes"],
            key_figures=[{"value": v, "label": label} for v, label in story["figures"]],
            related_challenges=[challenge] if challenge else [],
            # Semarang's drainage pilot: its KPIs show live on the market's case study.
            related_pilots=Pilot.objects.filter(challenge__city=city),
        )
        if "thai" in story:
            services.save_translation(case_study, "th", by=writer, **story["thai"])
        services.submit_for_review(case_study, by=writer)
        if story["status"] == "published":
            services.publish(case_study, by=reviewer, comments="Clear, sourced and ready.")
    out.write(
        "Case studies: /case-studies/ lists the published ones (Bangkok's also in Thai: "
        "/case-studies/bangkok-cooler-classrooms/?lang=th, and its PDF with ?lang=th); "
        f"editor@{DOMAIN} wrote them, reviewer@{DOMAIN} has Melaka's waiting for review."
    )
    newsletter_demo.seed(out)
