"""Case-study PDF render time: a 10-page case study with images, first render and cached.

The case study is made in a temporary media folder; the first render is cold (new content,
stylesheet parsed, images decoded), then a changed render with warm caches, then an
unchanged one, which the content hash answers without rendering.
"""

import io
import statistics
import tempfile
import time

from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

PARAGRAPH = (
    "The municipality and three local firms tested raised market stalls, a drainage channel "
    "and an SMS flood warning over one monsoon season. Traders kept selling on **nine of ten** "
    "flood days, and the city now budgets the maintenance in its own capital plan. "
)


def _photo(colour):
    """A JPEG, as photos are: the PDF carries it as it is, without re-encoding."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 700), colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _case_study():
    from casestudies.models import CaseStudy, CaseStudyImage
    from cohorts.models import City, Cohort

    city, _ = City.objects.get_or_create(
        slug="bench-pdf-city",
        defaults={"name": "Bench PDF City", "country": "TH", "time_zone": "Asia/Bangkok"},
    )
    cohort, _ = Cohort.objects.get_or_create(
        slug="bench-pdf-cohort", defaults={"name": "Bench PDF cohort", "year": 2026}
    )
    CaseStudy.objects.filter(slug="bench-pdf").delete()
    case_study = CaseStudy(
        city=city, cohort=cohort, title="Keeping the riverside market open through floods",
        slug="bench-pdf", summary=PARAGRAPH, status="published", published_at=timezone.now(),
        hero_alt="The market at high tide", hero_credit="City archive", themes=["climate", "jobs"],
        key_figures=[{"value": f"{n * 120}", "label": f"figure {n}"} for n in range(1, 7)],
    )  # fmt: skip
    case_study.hero_image.save("bench-hero.jpg", ContentFile(_photo((11, 85, 99))), save=False)
    case_study.save()
    images = []
    for n, colour in enumerate([(200, 120, 40), (60, 140, 80), (90, 90, 160)]):
        image = CaseStudyImage(case_study=case_study, alt=f"Picture {n}")
        image.image.save(f"bench-{n}.jpg", ContentFile(_photo(colour)), save=False)
        image.save()
        images.append(image)
    sections = []
    for n in range(12):
        picture = images[n % 3].markdown() if n % 4 == 0 else ""
        sections.append(f"## Section {n + 1}\n\n{PARAGRAPH * 4}\n\n{picture}\n\n{PARAGRAPH * 3}")
    case_study.body = "\n\n".join(sections)
    case_study.save()
    return case_study


def run():
    from casestudies import pdf
    from casestudies.models import CaseStudyPDF

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        case_study = _case_study()
        began, cpu = time.perf_counter(), time.process_time()
        state = pdf.render_if_changed(case_study.pk, "en")
        first, first_cpu = time.perf_counter() - began, time.process_time() - cpu
        assert state == "rendered", state
        changed, changed_cpu = [], []
        for n in range(3):
            case_study.summary = f"{PARAGRAPH} Revision {n}."
            case_study.save()
            began, cpu = time.perf_counter(), time.process_time()
            pdf.render_if_changed(case_study.pk, "en")
            changed.append(time.perf_counter() - began)
            changed_cpu.append(time.process_time() - cpu)
        cached = []
        for _ in range(5):
            began = time.perf_counter()
            assert pdf.render_if_changed(case_study.pk, "en") == "unchanged"
            cached.append(time.perf_counter() - began)
        record = CaseStudyPDF.objects.get(case_study=case_study, language="en")
        print(f"   {record.pages} pages, {record.file.size // 1024} KiB")
        # CPU time beside wall time: on a shared machine the wall clock includes waiting.
        print(
            f"   first render (cold)                      {first * 1000:7.0f} ms   (CPU {first_cpu * 1000:.0f} ms)"
        )
        print(
            f"   render after a change (warm caches)      {statistics.median(changed) * 1000:7.0f} ms"
            f"   (CPU {statistics.median(changed_cpu) * 1000:.0f} ms)"
        )
        print(
            f"   unchanged content (hash, no render)      {statistics.median(cached) * 1000:7.0f} ms"
        )
        case_study.delete()
