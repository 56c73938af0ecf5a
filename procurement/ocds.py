"""Open Contracting Data Standard 1.1 releases of published challenges.

Each challenge is one contracting process (``ocid``) with a release per stage it has
reached: tender, award, contract (the pilot's start) and implementation (milestones and
payments). The builder reads organisation data only: the city as buyer and procuring
entity, SMEs by name, registration number and city. It never reads a proposal's answers,
nor a person's name, e-mail or phone, and it sees only challenges that were published.
Everything a page of releases needs is fetched in a fixed number of queries.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from smes.models import SME

from .models import (
    Award,
    Challenge,
    Criterion,
    Milestone,
    Payment,
    Pilot,
    ProgressUpdate,
    Proposal,
)
from .models.challenge import PUBLIC_STATUSES

OCDS_VERSION = "1.1"
PUBLISHER = "Resilience Portal"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

# The organisation identifier lists (org-id.guide) of each country's company register, where
# the portal knows it; otherwise the identifier carries no scheme rather than an invented one.
IDENTIFIER_SCHEMES: dict[str, str] = {}

TENDER_STATUS = {
    Challenge.Status.PUBLISHED: "active",
    Challenge.Status.CLOSED: "active",
    Challenge.Status.EVALUATING: "active",
    Challenge.Status.AWARDED: "complete",
    Challenge.Status.CANCELLED: "cancelled",
}
METHOD_DETAILS = {
    Challenge.Route.OPEN: "Open competition",
    Challenge.Route.PILOT: "Paid pilot, then possible contract",
    Challenge.Route.PRE_COMMERCIAL: "Pre-commercial procurement",
    Challenge.Route.INNOVATION_PARTNERSHIP: "Innovation partnership",
}


def published_challenges():
    """Challenges that were ever published: a draft (even a cancelled one) never appears."""
    return Challenge.objects.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)


def has_open_data(challenge):
    """The predicate of ``published_challenges`` for one challenge (pages link the export)."""
    return challenge.published_at is not None and challenge.status in PUBLIC_STATUSES


def ocid(challenge):
    return f"{settings.OCDS_OCID_PREFIX}-{challenge.pk}"


def _stamp(moment):
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day(date, zone):
    """A calendar date of the city as the date-time its day begins there."""
    return _stamp(datetime.datetime.combine(date, datetime.time.min, tzinfo=zone))


def _money(amount, currency):
    return {"amount": float(amount), "currency": currency}


def _compact(mapping):
    return {key: value for key, value in mapping.items() if value not in (None, "", [], {})}


# --- fetching a page of challenges at once ---------------------------------------------------


class _Related:
    """Every row the releases of ``challenges`` need, in one query per kind of row."""

    def __init__(self, challenges):
        ids = [c.pk for c in challenges]
        self.criteria = defaultdict(list)
        for criterion in Criterion.objects.filter(challenge_id__in=ids).only(
            "challenge_id", "name", "weight"
        ):
            self.criteria[criterion.challenge_id].append(criterion)
        # Bidders are named only once the deadline has passed (sealed until then).
        unsealed = [c.pk for c in challenges if c.proposals_unsealed()]
        self.bidders = defaultdict(list)
        for challenge_id, sme_id in (
            Proposal.objects.filter(
                challenge_id__in=unsealed, status__in=Proposal.SUBMITTED_STATUSES
            )
            .order_by("challenge_id", "sme_id")
            .values_list("challenge_id", "sme_id")
        ):
            self.bidders[challenge_id].append(sme_id)
        self.awards = {
            award.challenge_id: award
            for award in Award.objects.filter(challenge_id__in=ids).only(
                "challenge_id",
                "proposal_id",
                "sme_id",
                "amount",
                "currency",
                "justification",
                "decided_at",
                "standstill_ends_at",
            )
        }
        self.pilots = {
            pilot.challenge_id: pilot
            for pilot in Pilot.objects.filter(challenge_id__in=ids).only(
                "challenge_id",
                "award_id",
                "summary",
                "starts_on",
                "ends_on",
                "status",
                "started_at",
                "completed_at",
            )
        }
        pilot_ids = [p.pk for p in self.pilots.values()]
        self.milestones = defaultdict(list)
        for milestone in Milestone.objects.filter(pilot_id__in=pilot_ids):
            self.milestones[milestone.pilot_id].append(milestone)
        self.payments = defaultdict(list)
        for payment in Payment.objects.filter(pilot_id__in=pilot_ids).only(
            "pilot_id", "paid_on", "amount", "recorded_at"
        ):
            self.payments[payment.pilot_id].append(payment)
        self.last_update = dict(
            ProgressUpdate.objects.filter(pilot_id__in=pilot_ids)
            .values_list("pilot_id")
            .annotate(last=Max("created_at"))
        )
        sme_ids = {s for bidders in self.bidders.values() for s in bidders}
        sme_ids |= {award.sme_id for award in self.awards.values()}
        # Organisation data only: never the SME's contact e-mail or phone.
        self.smes = {
            sme.pk: sme
            for sme in SME.objects.filter(pk__in=sme_ids)
            .select_related("city")
            .only("legal_name", "trading_name", "registration_number", "country", "city__name")
        }


# --- the parties -----------------------------------------------------------------------------


def _city_party_id(city):
    return f"city-{city.slug}"


def _sme_party_id(sme):
    return f"sme-{sme.pk}"


def _city_party(challenge, *, pays):
    city = challenge.city
    roles = ["buyer", "procuringEntity"] + (["payer"] if pays else [])
    return {
        "id": _city_party_id(city),
        "name": city.name,
        "address": _compact(
            {"locality": city.name, "region": city.province, "countryName": city.country}
        ),
        "roles": roles,
    }


def _sme_party(sme, roles):
    return {
        "id": _sme_party_id(sme),
        "name": sme.legal_name,
        "identifier": _compact(
            {
                "scheme": IDENTIFIER_SCHEMES.get(sme.country),
                "id": sme.registration_number,
                "legalName": sme.legal_name,
            }
        ),
        "address": _compact(
            {"locality": sme.city.name if sme.city_id else None, "countryName": sme.country}
        ),
        "roles": roles,
    }


def _reference(party):
    return {"id": party["id"], "name": party["name"]}


def _parties(challenge, related):
    award = related.awards.get(challenge.pk)
    pilot = related.pilots.get(challenge.pk)
    pays = bool(pilot and related.payments.get(pilot.pk))
    roles = defaultdict(list)
    for sme_id in related.bidders.get(challenge.pk, []):
        roles[sme_id].append("tenderer")
    if award is not None:
        roles[award.sme_id] += ["supplier"] + (["payee"] if pays else [])
    city = _city_party(challenge, pays=pays)
    smes = [_sme_party(related.smes[sme_id], r) for sme_id, r in roles.items()]
    return city, smes


# --- the releases ----------------------------------------------------------------------------


def _release(challenge, stage, date, tag, parties, **sections):
    process = ocid(challenge)
    return {
        "ocid": process,
        "id": f"{process}-{stage}-{date.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}",
        "date": _stamp(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": _reference(parties[0]),
        **sections,
    }


def _tender(challenge, related, city, smes, site):
    bidders = related.bidders.get(challenge.pk, [])
    criteria = related.criteria.get(challenge.pk, [])
    unsealed = challenge.proposals_unsealed()
    tender = {
        "id": f"{ocid(challenge)}-tender",
        "title": challenge.title,
        "description": challenge.problem_statement,
        "status": TENDER_STATUS[challenge.status],
        "procuringEntity": _reference(city),
        "minValue": _money(challenge.budget_min, challenge.currency),
        "value": _money(challenge.budget_max, challenge.currency),
        "procurementMethod": "open",
        "procurementMethodDetails": METHOD_DETAILS.get(challenge.procurement_route),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "; ".join(f"{c.name} ({c.weight}%)" for c in criteria),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": _stamp(challenge.published_at),
            "endDate": _stamp(challenge.submissions_close),
        },
        "enquiryPeriod": {
            "startDate": _stamp(challenge.published_at),
            "endDate": _stamp(challenge.questions_close),
        },
        "awardPeriod": {"endDate": _stamp(challenge.award_expected)},
        "documents": [
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "title": challenge.title,
                "url": site + challenge.get_absolute_url(),
                "format": "text/html",
            }
        ],
    }
    if unsealed:
        tender["numberOfTenderers"] = len(bidders)
        tender["tenderers"] = [_reference(p) for p in smes if "tenderer" in p["roles"]]
    cancelled = challenge.status == Challenge.Status.CANCELLED
    date = challenge.updated_at if cancelled else challenge.published_at
    return _release(
        challenge,
        "tender",
        date,
        "tenderCancellation" if cancelled else "tender",
        [city, *smes],
        tender=_compact(tender),
    )


def _award_id(challenge):
    return f"{ocid(challenge)}-award"


def _award(challenge, award, city, smes):
    final = award.is_final()
    supplier = next(p for p in smes if p["id"] == f"sme-{award.sme_id}")
    section = {
        "id": _award_id(challenge),
        "title": challenge.title,
        "description": award.justification,
        # Pending during the standstill, active once final: read from the clock.
        "status": "active" if final else "pending",
        "date": _stamp(award.decided_at),
        "value": _money(award.amount, award.currency),
        "suppliers": [_reference(supplier)],
    }
    date = award.standstill_ends_at if final else award.decided_at
    return _release(
        challenge, "award", date, "awardUpdate" if final else "award", [city, *smes],
        awards=[section],
    )  # fmt: skip


def _contract_section(challenge, award, pilot):
    zone = challenge.city.zone
    return {
        "id": f"{ocid(challenge)}-contract",
        "awardID": _award_id(challenge),
        "title": challenge.title,
        "description": pilot.summary,
        "status": "active" if pilot.is_running else "terminated",
        "period": {
            "startDate": _day(pilot.starts_on, zone),
            "endDate": _day(pilot.ends_on, zone),
        },
        "value": _money(award.amount, award.currency),
        "dateSigned": _stamp(pilot.started_at),
    }


def _contract(challenge, award, pilot, city, smes):
    date = pilot.completed_at or pilot.started_at
    tag = "contract" if pilot.is_running else "contractTermination"
    return _release(
        challenge, "contract", date, tag, [city, *smes],
        contracts=[_contract_section(challenge, award, pilot)],
    )  # fmt: skip


def _milestone(milestone, zone, today):
    if milestone.status == Milestone.Status.DONE:
        status = "met"
    elif milestone.is_late(today):
        status = "notMet"
    else:
        status = "scheduled"
    return _compact(
        {
            "id": f"milestone-{milestone.pk}",
            "title": milestone.title,
            "type": "delivery",
            "dueDate": _day(milestone.due_on, zone),
            "dateMet": _day(milestone.done_on, zone) if milestone.done_on else None,
            "status": status,
        }
    )


def _implementation(challenge, award, pilot, related, city, smes, site):
    zone = challenge.city.zone
    today = timezone.localtime(timezone=zone).date()
    milestones = related.milestones.get(pilot.pk, [])
    payments = related.payments.get(pilot.pk, [])
    supplier = next(p for p in smes if p["id"] == f"sme-{award.sme_id}")
    moments = [pilot.started_at, related.last_update.get(pilot.pk)]
    moments += [p.recorded_at for p in payments]
    # A milestone falling late changes the release at the start of the day after it was due.
    moments += [
        datetime.datetime.combine(m.due_on, datetime.time.min, tzinfo=zone)
        + datetime.timedelta(days=1)
        for m in milestones
        if m.is_late(today)
    ]
    contract = _contract_section(challenge, award, pilot)
    contract["implementation"] = _compact(
        {
            "milestones": [_milestone(m, zone, today) for m in milestones],
            "transactions": [
                {
                    "id": f"payment-{payment.pk}",
                    "date": _day(payment.paid_on, zone),
                    "value": _money(payment.amount, award.currency),
                    "payer": _reference(city),
                    "payee": _reference(supplier),
                }
                for payment in payments
            ],
            "documents": [
                {
                    "id": "pilot-page",
                    "documentType": "physicalProgressReport",
                    "title": "Pilot progress against targets",
                    "url": site
                    + reverse("procurement:pilot_detail", kwargs={"slug": challenge.slug}),
                    "format": "text/html",
                }
            ],
        }
    )
    return _release(
        challenge,
        "implementation",
        max(m for m in moments if m is not None),
        "implementation",
        [city, *smes],
        contracts=[contract],
    )


def releases(challenges, *, site=None):
    """The releases of ``challenges`` (with ``city`` selected), stage by stage, in order."""
    site = (site or settings.SITE_URL).rstrip("/")
    challenges = list(challenges)
    related = _Related(challenges)
    built = []
    for challenge in challenges:
        city, smes = _parties(challenge, related)
        built.append(_tender(challenge, related, city, smes, site))
        award = related.awards.get(challenge.pk)
        if award is None:
            continue
        built.append(_award(challenge, award, city, smes))
        pilot = related.pilots.get(challenge.pk)
        if pilot is None:
            continue
        built.append(_contract(challenge, award, pilot, city, smes))
        built.append(_implementation(challenge, award, pilot, related, city, smes, site))
    return built


def package(release_list, *, uri, links=None):
    """A release package around ``release_list``; published as of its newest release."""
    published = max((r["date"] for r in release_list), default=None)
    body = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published or _stamp(datetime.datetime.now(datetime.UTC)),
        "publisher": {"name": PUBLISHER, "uri": settings.SITE_URL.rstrip("/") + "/"},
        "license": LICENSE,
        "releases": release_list,
    }
    if links:
        body["links"] = links
    return body
