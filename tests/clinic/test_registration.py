"""A therapist's registration with her college: what an insurer's receipt must name, and what
the public profile shows when the clinic says so (issue 23)."""

import pytest
from django.urls import reverse

from clinic.models import Therapist
from tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


def test_the_registration_reads_as_a_receipt_says_it(clinic):
    dana = TherapistFactory(
        title="Registered Massage Therapist",
        registration_number="R-10482",
        college="College of Massage Therapists of Ontario",
    )
    assert dana.registration == (
        "Registered Massage Therapist, registration no. R-10482, "
        "College of Massage Therapists of Ontario"
    )
    assert TherapistFactory(registration_number="").registration == ""


@pytest.mark.parametrize("shown", [True, False])
def test_the_profile_shows_the_registration_only_when_the_clinic_says_so(client, clinic, shown):
    dana = TherapistFactory(
        registration_number="R-10482",
        college="College of Massage Therapists of Ontario",
        registration_on_profile=shown,
    )
    page = client.get(reverse("clinic:therapist_detail", args=[dana.slug])).content.decode()
    assert ("R-10482, College of Massage Therapists of Ontario" in page) is shown


def test_a_therapist_editing_her_own_profile_cannot_change_her_registration(client, clinic):
    from tests.conftest import sign_in_as

    dana = TherapistFactory(registration_number="R-10482")
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    url = reverse("admin:clinic_therapist_change", args=[dana.pk])
    page = client.get(url).content.decode()
    assert 'name="registration_number"' not in page  # shown, not an input
    assert "R-10482" in page


def test_the_demo_therapists_carry_their_registrations(db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    dana = Therapist.objects.get(name="Dana Whitfield")
    assert dana.registration_number
    assert dana.college
