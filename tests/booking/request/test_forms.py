import re

import pytest
from django import forms
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.request.forms import PatientDetailsForm, normalize_phone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "region", "normalized"),
    [
        ("(416) 555-0142", "CA", "+14165550142"),
        ("416.555.0142", "CA", "+14165550142"),
        ("+44 20 7946 0958", "CA", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
    ],
)
def test_phone_numbers_are_normalized_to_international_form(typed, region, normalized):
    assert normalize_phone(typed, region) == normalized


@pytest.mark.parametrize("typed", ["12", "call me", "+1 416 555", ""])
def test_incomplete_phone_numbers_are_refused_with_a_specific_message(typed):
    with pytest.raises(forms.ValidationError) as error:
        normalize_phone(typed, "CA")
    assert "phone number" in error.value.messages[0]


def test_screening_answers_are_read_from_the_ticked_boxes():
    form = PatientDetailsForm(
        {
            "name": "A",
            "email": "a@example.com",
            "phone": "4165550142",
            "consent": "on",
            "screen_osteoporosis": "on",
        }
    )
    assert form.is_valid(), form.errors
    answers = form.screening_answers()
    assert answers["osteoporosis"] is True
    assert answers["pregnancy"] is False


text = st.text(max_size=80)
choice_values = st.one_of(
    text, st.sampled_from(["new", "returning", "any", "deep-tissue", "dana-whitfield"])
)
starts = st.one_of(
    text,
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        ["2026-13-40T99:00:00+00:00", "2030-01-01T10:00:00", "1999-01-01T10:00:00+00:00"]
    ),
)


STEP_HEADINGS = {
    "Request an appointment",
    "Choose a therapist",
    "Choose a day and time",
    "Your details",
    "Check and send your request",
}


def step_heading(response):
    """The page's <h1>, which tells the patient which step of the request they are on."""
    return re.search(r"<h1>(.*?)</h1>", response.content.decode()).group(1)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.fixed_dictionaries(
        {
            "patient": choice_values,
            "service": choice_values,
            "therapist": choice_values,
            "start": starts,
            "name": text,
            "email": text,
            "phone": text,
            "reason": st.text(max_size=400),
            "action": st.sampled_from(["review", "submit", "edit", "", "delete"]),
        },
        optional={
            "consent": st.sampled_from(["on", "", "no"]),
            "screen_pregnancy": st.sampled_from(["on", "x"]),
        },
    )
)
def test_whatever_is_posted_the_request_form_answers_without_a_server_error(client, massage, data):
    response = client.post(reverse("booking:details"), data)
    if response.status_code == 302:  # not enough chosen yet: back to the steps, with a word why
        assert response["Location"].startswith(reverse("booking:start"))
    else:
        assert response.status_code == 200
        assert step_heading(response) in STEP_HEADINGS


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["patient", "service", "therapist", "date", "from", "start", "submitted"]),
        choice_values | starts,
        max_size=6,
    )
)
def test_whatever_is_in_the_address_the_steps_answer_without_a_server_error(
    client, massage, params
):
    response = client.get(reverse("booking:start"), params)
    assert response.status_code == 200
    assert step_heading(response) in STEP_HEADINGS
