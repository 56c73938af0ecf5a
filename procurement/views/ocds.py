"""Open contracting data: one challenge's release package, and the bulk package in pages.

Both answer anyone, and both see only challenges that were published: a draft is a 404.
The bulk package pages by challenge id (``?after=``), so a page costs the same however
many challenges there are, and ``links.next`` leads on (OCDS packaging's pagination).
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .. import ocds

PAGE_SIZE = 100


def _json(body):
    response = JsonResponse(
        body, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )
    # Open data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _site(request):
    return request.build_absolute_uri("/").rstrip("/")


def challenge_package(request, slug):
    challenge = get_object_or_404(ocds.published_challenges().select_related("city"), slug=slug)
    return _json(
        ocds.package(
            ocds.releases([challenge], site=_site(request)),
            uri=request.build_absolute_uri(),
        )
    )


def bulk_package(request):
    try:
        after = int(request.GET.get("after", 0))
    except ValueError as error:
        raise Http404 from error
    page = list(
        ocds.published_challenges()
        .filter(pk__gt=after)
        .select_related("city")
        .order_by("pk")[: PAGE_SIZE + 1]
    )
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    links = {}
    if more:
        links["next"] = request.build_absolute_uri(
            f"{reverse('procurement:ocds_releases')}?after={page[-1].pk}"
        )
    return _json(
        ocds.package(
            ocds.releases(page, site=_site(request)),
            uri=request.build_absolute_uri(),
            links=links,
        )
    )
