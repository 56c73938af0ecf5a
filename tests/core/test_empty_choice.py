"""Every list to choose from starts with the same translated placeholder: neither Django's
"- Select an option -" nor a row of dashes."""

import re

import pytest
from django.utils import translation

from resilience_portal.forms import EMPTY_CHOICE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "vi"])
def test_sme_registration_lists_start_with_one_placeholder(client, language):
    client.force_login(UserFactory(language=language))

    page = client.get("/smes/register/").content.decode()

    with translation.override(language):
        placeholder = str(EMPTY_CHOICE)
    first_options = dict(
        re.findall(r'<select name="(\w+)"[^>]*>\s*<option value=""[^>]*>([^<]*)</option>', page)
    )
    assert first_options["country"] == placeholder
    assert first_options["city"] == placeholder
    assert "---------" not in page
    assert "- Select an option -" not in page
