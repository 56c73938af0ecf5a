"""Fixtures of the case-study tests: a writer and a reviewer among programme staff."""

import pytest

from tests.factories import CaseStudyFactory, StaffFactory


@pytest.fixture
def writer(db):
    return StaffFactory(full_name="Wanida Writer")


@pytest.fixture
def reviewer(db):
    return StaffFactory(full_name="Rizal Reviewer")


@pytest.fixture
def draft(writer):
    return CaseStudyFactory(authors=[writer])
