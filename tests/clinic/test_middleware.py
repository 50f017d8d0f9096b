"""clinic/middleware.py: each request runs in the clinic's zone and reads the clinic once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import Clinic

pytestmark = pytest.mark.django_db


def clinic_reads(queries):
    return [q["sql"] for q in queries if 'FROM "clinic_clinic"' in q["sql"]]


def test_a_page_that_asks_for_the_clinic_many_times_reads_it_once(client, clinic):
    """The admin's dashboard: the site's header, the dashboard, the calendar code and the
    templates each ask for the clinic."""
    from tests.conftest import sign_in_as

    sign_in_as(client, "Front desk", username="desk-reads")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:index")).status_code == 200
    assert len(clinic_reads(queries)) == 1


def test_saving_the_clinic_in_a_request_shows_the_new_values_after(client, clinic):
    from tests.conftest import sign_in_as

    sign_in_as(client, "Owner", username="owner-saves")
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["name"] = "Renamed Clinic"
    client.post(url, data)
    assert Clinic.objects.current().name == "Renamed Clinic"
    assert "Renamed Clinic" in client.get(reverse("clinic:home")).content.decode()
