"""Each public page reads a fixed number of queries, however large the clinic grows."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ServiceFactory, SpecialtyFactory, TherapistFactory, image_upload

pytestmark = pytest.mark.django_db


def build_clinic(size):
    specialties = [SpecialtyFactory() for _ in range(3)]
    therapists = [
        TherapistFactory(
            specialties=specialties,
            photo=image_upload() if index % 2 else "",
            photo_alt="Portrait",
        )
        for index in range(size)
    ]
    services = [ServiceFactory(therapists=therapists) for _ in range(size)]
    return therapists[0], services[0]


PAGES = {
    "home": lambda therapist, service: reverse("clinic:home"),
    "therapist_list": lambda therapist, service: reverse("clinic:therapist_list"),
    "therapist_detail": lambda therapist, service: therapist.get_absolute_url(),
    "service_list": lambda therapist, service: reverse("clinic:service_list"),
    "service_detail": lambda therapist, service: service.get_absolute_url(),
    "about": lambda therapist, service: reverse("clinic:about"),
}


def count_queries(client, url):
    client.get(url)  # Warm up: the first visit creates the clinic record and renditions.
    cache.clear()  # the page's own queries, not the anonymous page cache's hit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_number_of_therapists_and_services(client, page):
    small = count_queries(client, PAGES[page](*build_clinic(3)))
    large = count_queries(client, PAGES[page](*build_clinic(30)))
    assert small == large
    assert small <= 7
