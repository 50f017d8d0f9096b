import datetime
import html
import re
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment, Patient
from booking.request.selection import Selection
from booking.rules import screening, services
from clinic import page_cache
from tests.booking.conftest import at
from tests.factories import ClosureFactory, ServiceFactory, TimeOffFactory
from tests.html import booking_links, tags

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


def start_url(**params):
    return reverse("booking:start") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def details_links(response):
    return [
        href
        for href, flow in booking_links(response.content.decode())
        if href.startswith("/book/details/")
    ]


def details_link_at(response, start):
    """The link to the details step for one time (an aware datetime)."""
    return next(
        href
        for href, flow in booking_links(response.content.decode())
        if href.startswith("/book/details/") and flow.get("start") == start.isoformat()
    )


DETAILS = {
    "name": "  Avery   Chen ",
    "email": "avery@example.com",
    "phone": "(416) 555-0101",
    "reason": "Sore lower back",
    "screen_pregnancy": "on",
    "screen_blood_thinners": "on",
    "consent": "on",
}


def hidden_choices(response):
    html = response.content.decode()
    return {
        attrs["name"]: attrs.get("value", "")
        for tag, attrs in tags(html, "input")
        if attrs.get("type") == "hidden" and attrs["name"] == "s"
    }


@pytest.fixture
def chosen_time(client, massage, dana, monday, booking_clinic):
    """The details page for Dana at 10:00 next Monday, reached through the steps."""
    response = client.get(
        start_url(
            patient="new",
            service=massage.pk,
            therapist="dana-whitfield",
            date=monday.isoformat(),
        )
    )
    ten = at(monday, "10:00", booking_clinic.zone).astimezone(datetime.UTC)
    return client.get(details_link_at(response, ten))


def test_step_one_asks_new_or_returning_and_the_service(client, massage):
    page = client.get(reverse("booking:start")).content.decode()
    assert "Have you been to Test Clinic before?" in page
    assert "Deep tissue massage" in page


def test_missing_choices_are_explained_next_to_their_questions(client, massage):
    page = client.post(reverse("booking:start")).content.decode()
    assert "Please tell us whether you have been here before." in page
    assert "Please choose a service." in page


def test_returning_only_services_are_not_offered_to_new_patients_and_the_page_says_why(
    client, dana, booking_clinic
):
    follow_up = ServiceFactory(
        name="Follow-up", slug="follow-up", new_patients_allowed=False, therapists=[dana]
    )
    page = client.post(
        reverse("booking:start"), {"patient": "new", "service": follow_up.pk}
    ).content.decode()
    assert "Follow-up is for returning patients" in page
    assert "Choose a therapist" not in page
    page = client.get(start_url(patient="returning", service=follow_up.pk)).content.decode()
    assert "Choose a therapist" in page


def test_step_two_offers_any_therapist_and_those_who_offer_the_service(client, massage):
    page = client.get(start_url(patient="new", service=massage.pk)).content.decode()
    assert "Any available therapist" in page
    assert "Dana Whitfield" in page
    assert "Marcus Oyelaran" in page


def test_a_therapist_not_taking_new_patients_is_shown_but_not_offered_to_new_patients(
    client, massage, marcus
):
    marcus.accepting_new_patients = False
    marcus.save()
    page = client.get(start_url(patient="new", service=massage.pk)).content.decode()
    assert "Not taking new patients at the moment." in page
    assert "therapist=marcus-oyelaran" not in page


def test_entry_from_a_therapist_page_offers_that_therapists_services(client, massage, dana):
    ServiceFactory(name="Hot stone", slug="hot-stone")
    page = client.get(start_url(therapist="dana-whitfield")).content.decode()
    assert "Services Dana Whitfield offers" in page
    assert "Deep tissue massage" in page
    assert "Hot stone" not in page


def test_step_three_shows_days_and_times_in_clinic_time(client, massage, monday, booking_clinic):
    response = client.get(
        start_url(patient="new", service=massage.pk, therapist="any", date=monday.isoformat())
    )
    page = response.content.decode()
    times = page[page.index('id="times"') :]
    assert f"{monday:%A, %B} {monday.day}" in times
    assert "Times are Toronto time (EST)." in times or "Times are Toronto time (EDT)." in times
    # The zone is said once, not on every button.
    assert len(re.findall(r"\bE[SD]T\b", times)) == 1
    assert ">9:00 AM<" in times
    assert len(details_links(response)) > 10


def test_with_any_therapist_times_are_grouped_under_each_therapist_and_book_them(
    client, massage, dana, marcus, monday, booking_clinic
):
    # Dana is away on Monday: her group offers her first free time instead.
    TimeOffFactory(
        therapist=dana, start=at(monday, "00:00", booking_clinic.zone),
        end=at(monday, "23:59", booking_clinic.zone),
    )  # fmt: skip
    response = client.get(
        start_url(patient="new", service=massage.pk, therapist="any", date=monday.isoformat())
    )
    page = response.content.decode()
    times = page[page.index('id="times"') :]
    assert times.index("Dana Whitfield") < times.index("Marcus Oyelaran")
    dana_part = times[times.index("Dana Whitfield") : times.index("Marcus Oyelaran")]
    tuesday = monday + datetime.timedelta(days=1)
    assert "First free: " in dana_part
    assert f"{tuesday:%a, %b} {tuesday.day}, 9:00 AM" in dana_part
    assert "with Marcus Oyelaran" in times
    flows = [flow for href, flow in booking_links(page) if href.startswith("/book/details/")]
    assert {flow["therapist"] for flow in flows} == {"dana-whitfield", "marcus-oyelaran"}
    first_free = next(f for f in flows if f["therapist"] == "dana-whitfield")
    assert (
        first_free["start"]
        == at(tuesday, "09:00", booking_clinic.zone).astimezone(datetime.UTC).isoformat()
    )


def test_each_day_of_the_week_says_how_many_times_full_or_closed(
    client, massage, dana, marcus, monday, booking_clinic
):
    tuesday = monday + datetime.timedelta(days=1)
    for therapist in (dana, marcus):
        TimeOffFactory(
            therapist=therapist, start=at(tuesday, "00:00", booking_clinic.zone),
            end=at(tuesday, "23:59", booking_clinic.zone),
        )  # fmt: skip
    ClosureFactory(name="Holiday", start_date=monday + datetime.timedelta(days=2),
                   end_date=monday + datetime.timedelta(days=2))  # fmt: skip
    page = client.get(
        start_url(
            patient="new", service=massage.pk, therapist="any", **{"from": monday.isoformat()}
        )
    ).content.decode()
    days = re.findall(
        r'<span class="day-name">(\w+)</span>.*?<span class="day-count">([^<]+)</span>', page, re.S
    )
    assert [name for name, status in days] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    statuses = dict(days)
    assert re.fullmatch(r"\d+ times", statuses["Mon"])
    assert statuses["Tue"] == "full"  # everyone away: open, but nothing free
    assert statuses["Wed"] == "closed"  # the clinic's closure
    assert statuses["Sat"] == statuses["Sun"] == "closed"  # nobody works
    # Choosing a day keeps the reader at the week and its times.
    day_links = re.findall(r'<a class="day-choice[^"]*"\s+href="([^"]+)"', page)
    assert day_links
    assert all(link.endswith("#week") for link in day_links)


def test_the_whole_request_through_review_to_the_confirmation(
    client, chosen_time, dana, monday, booking_clinic
):
    assert chosen_time.status_code == 200
    assert "Your details" in chosen_time.content.decode()
    data = {**hidden_choices(chosen_time), **DETAILS}
    review = client.post(reverse("booking:details"), {**data, "action": "review"})
    page = review.content.decode()
    assert "Check and send your request" in page
    assert "+14165550101" in page  # normalized
    assert "Before your visit, please check with your doctor" in page
    assert "taking blood-thinning medication" in page
    assert not Appointment.objects.exists()
    # The review page carries everything forward in hidden fields.
    forwarded = {
        attrs["name"]: attrs.get("value", "")
        for tag, attrs in tags(page, "input")
        if attrs.get("type") == "hidden"
    }
    assert forwarded["reason"] == "Sore lower back"
    done = client.post(reverse("booking:details"), {**forwarded, "action": "submit"})
    appointment = Appointment.objects.get()
    assert done.status_code == 302
    assert done["Location"] == appointment.patient_url()
    assert appointment.patient_name == "Avery Chen"
    assert appointment.patient_phone == "+14165550101"
    assert appointment.therapist == dana
    assert appointment.start == at(monday, "10:00", booking_clinic.zone)
    assert appointment.needs_review
    confirmation = client.get(done["Location"]).content.decode()
    assert appointment.reference in confirmation
    assert "Your request is in" in confirmation
    assert "10:00 AM" in confirmation
    assert "America/Toronto" in confirmation
    assert "We are holding this time for you" in confirmation
    # No health detail shows on the patient's page.
    assert "Sore lower back" not in confirmation
    assert "blood" not in confirmation


def test_field_errors_are_shown_next_to_each_field_and_what_was_typed_is_kept(client, chosen_time):
    data = {
        **hidden_choices(chosen_time),
        "name": "Avery",
        "email": "not-an-email",
        "phone": "12",
        "reason": "Neck",
        "action": "review",
    }
    response = client.post(reverse("booking:details"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in page
    assert "This phone number does not look complete" in page
    assert "Please agree to the privacy notice" in page
    assert 'value="not-an-email"' in page
    assert 'value="Avery"' in page
    assert "Neck</textarea>" in page
    email_input = next(attrs for tag, attrs in tags(page, "input") if attrs.get("name") == "email")
    assert email_input["aria-invalid"] == "true"
    assert "id_email_error" in email_input["aria-describedby"]


def test_a_time_taken_meanwhile_offers_fresh_times_and_keeps_the_details(
    client, chosen_time, dana, monday, booking_clinic, patient
):
    data = {**hidden_choices(chosen_time), **DETAILS}
    services.request_appointment(
        service=dana.services.get(),
        therapist=dana,
        start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )
    response = client.post(reverse("booking:details"), {**data, "action": "submit"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "That time was just taken." in page
    assert 'value="avery@example.com"' in page
    fresh = [
        attrs["value"]
        for tag, attrs in tags(page, "input")
        if attrs.get("name") == "start" and attrs.get("type") == "radio"
    ]
    assert fresh
    assert (
        at(monday, "10:00", booking_clinic.zone).astimezone(datetime.UTC).isoformat() not in fresh
    )
    # Choosing a fresh time and sending again succeeds.
    again = client.post(
        reverse("booking:details"), {**data, "start": fresh[-1], "action": "submit"}
    )
    assert again.status_code == 302
    assert Appointment.objects.count() == 2


def test_details_without_a_chosen_time_go_back_to_the_steps(client, massage):
    response = client.get(reverse("booking:details") + f"?patient=new&service={massage.pk}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("booking:start"))


def test_nothing_about_health_travels_in_a_url(client, chosen_time):
    data = {**hidden_choices(chosen_time), **DETAILS, "action": "submit"}
    done = client.post(reverse("booking:details"), data)
    for url in [done["Location"], *details_links(chosen_time)]:
        assert "Sore" not in url
        assert "pregnan" not in url


# --- The patient's link ----------------------------------------------------------------------


@pytest.fixture
def booked(massage, dana, monday, booking_clinic, patient):
    return services.request_appointment(
        service=massage,
        therapist=dana,
        start=at(monday, "10:00", booking_clinic.zone),
        patient=patient,
    )


def test_opening_the_link_shows_the_appointment_and_changes_nothing(client, booked):
    before = Appointment.objects.get().updated_at
    page = client.get(booked.patient_url()).content.decode()
    assert "Status: <strong>Requested</strong>" in page
    assert "Cancel this appointment" in page
    assert reverse("booking:calendar", args=[booked.access_token]) in page
    assert Appointment.objects.get().updated_at == before
    assert Appointment.objects.get().status == "requested"


def test_cancelling_asks_once_on_its_own_page_then_takes_a_post_and_frees_the_time(client, booked):
    detail = client.get(booked.patient_url()).content.decode()
    cancel_url = reverse("booking:cancel", args=[booked.access_token])
    assert f'href="{cancel_url}"' in detail  # a link to the question, not a button that acts
    question = client.get(cancel_url)
    page = question.content.decode()
    assert "Cancel your appointment?" in page
    assert booked.reference in page
    forms = [attrs for tag, attrs in tags(page, "form") if attrs.get("action") == cancel_url]
    assert [form["method"] for form in forms] == ["post"]
    booked.refresh_from_db()
    assert booked.status == "requested"  # asking changed nothing
    response = client.post(cancel_url)
    done = client.get(response["Location"]).content.decode()
    alerts = [attrs for tag, attrs in tags(done, "p") if "alert" in attrs.get("class", "")]
    assert [(a["class"], a["role"]) for a in alerts] == [("alert success alert-success", "status")]
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    assert "Your appointment is cancelled" in done


def test_too_late_to_cancel_online_says_to_call(client, booked, booking_clinic):
    services.confirm_appointment(appointment=booked, by=None)
    booking_clinic.cancellation_notice_hours = 24 * 30
    booking_clinic.save()
    page = client.get(booked.patient_url()).content.decode()
    assert "It is too late to cancel online." in page
    assert "+1 416-555-0100" in page
    response = client.post(reverse("booking:cancel", args=[booked.access_token]), follow=True)
    alerts = [
        attrs
        for tag, attrs in tags(response.content.decode(), "p")
        if "alert" in attrs.get("class", "")
    ]
    assert [(a["class"], a["role"]) for a in alerts] == [("alert error alert-danger", "alert")]
    assert "too late to cancel online" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == "confirmed"


def test_the_calendar_download_is_generic_and_in_clinic_time(client, booked):
    response = client.get(reverse("booking:calendar", args=[booked.access_token]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "SUMMARY:Appointment at Test Clinic" in body
    assert "DTSTART;TZID=America/Toronto:" in body
    assert "Sore" not in body


@pytest.mark.parametrize("token", ["nope", "x" * 43])
def test_tampered_or_unknown_links_are_not_found(client, booked, token):
    for response in (
        client.get(reverse("booking:manage", args=[token])),
        client.post(reverse("booking:cancel", args=[token])),
    ):
        assert response.status_code == 404
        page = response.content.decode()
        assert "We could not find that page" in page
        assert booked.reference not in page
    booked.refresh_from_db()
    assert booked.status == "requested"


def test_a_link_for_another_appointment_shows_only_that_one(
    client, booked, massage, marcus, monday, booking_clinic, patient
):
    other = services.request_appointment(
        service=massage,
        therapist=marcus,
        start=at(monday, "11:00", booking_clinic.zone),
        patient=patient,
    )
    page = client.get(other.patient_url()).content.decode()
    assert other.reference in page
    assert booked.reference not in page


def test_old_links_expire_and_say_to_call(client, booked):
    later = booked.end + datetime.timedelta(days=61)
    with mock.patch("booking.views.appointment.timezone.now", return_value=later):
        response = client.get(booked.patient_url())
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_the_time_step_does_not_grow_in_queries_with_more_appointments(
    client, massage, dana, marcus, monday, booking_clinic, patient
):
    url = start_url(patient="new", service=massage.pk, therapist="any", date=monday.isoformat())
    client.get(url)
    counts = []
    for extra in (0, 6):
        for hour in range(extra):
            start = at(
                monday + datetime.timedelta(days=hour % 3),
                f"{9 + hour // 3 * 2:02}:00",
                booking_clinic.zone,
            )
            services.request_appointment(
                service=massage, therapist=None, start=start, patient=patient
            )
        # A rendering, not the kept page (a new calendar version, as any booking makes).
        page_cache.bump_calendar()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 10


@pytest.mark.parametrize(
    "params",
    [
        {"patient": "new", "therapist": "any", "from": "9999-12-31"},
        {"patient": "new", "therapist": "any", "date": "0001-01-01"},
        {"patient": "new", "therapist": "any", "start": "9999-12-31T23:59:00-14:00"},
        {"patient": "new", "therapist": "\x00", "service": "\x00"},
    ],
)
def test_extreme_or_broken_values_in_the_address_never_cause_an_error(client, massage, params):
    params = {"service": massage.pk, **params}
    start = client.get(reverse("booking:start"), params)
    assert start.status_code == 200
    assert re.search(
        r"<h1[^>]*>(Request an appointment|Choose a day and time)</h1>", start.content.decode()
    )
    details = client.get(reverse("booking:details"), params)
    # Without a usable time, the details step sends the patient back to choose one.
    assert details.status_code == 302
    assert details["Location"].startswith(reverse("booking:start"))


def test_a_nul_character_in_a_link_is_simply_not_found(client):
    response = client.get("/book/appointment/%00/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_the_calendar_file_of_an_unconfirmed_request_is_tentative(client, booked):
    body = client.get(reverse("booking:calendar", args=[booked.access_token])).content.decode()
    assert "STATUS:TENTATIVE" in body
    services.confirm_appointment(appointment=booked, by=None)
    body = client.get(reverse("booking:calendar", args=[booked.access_token])).content.decode()
    assert "STATUS:CONFIRMED" in body


def test_the_choices_travel_sealed_never_readable_in_an_address(client, massage, monday):
    response = client.get(
        start_url(patient="new", service=massage.pk, therapist="any", date=monday.isoformat())
    )
    links = [(href, flow) for href, flow in booking_links(response.content.decode()) if flow]
    assert len(links) > 10
    for href, _flow in links:
        # One opaque value; nothing of the service, therapist or day can be read from it.
        assert list(parse_qs(urlsplit(href).query)) == ["s"]
        assert "deep" not in href
        assert monday.isoformat() not in href
    assert {flow["service"] for href, flow in links if href.startswith("/book/details/")} == {
        massage.pk
    }


def test_the_service_form_posts_and_lands_on_a_sealed_address(client, massage):
    response = client.post(reverse("booking:start"), {"patient": "new", "service": massage.pk})
    assert response.status_code == 302
    assert list(parse_qs(urlsplit(response["Location"]).query)) == ["s"]
    page = client.get(response["Location"]).content.decode()
    assert "Any available therapist" in page


def test_a_tampered_or_foreign_state_is_simply_no_choice(client, massage, settings):
    sealed = Selection(patient="new", service=massage).url()
    assert "Any available therapist" in client.get(sealed).content.decode()
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    for url in (tampered, sealed):
        page = client.get(url).content.decode()
        assert "Have you been to Test Clinic before?" in page
        assert "Any available therapist" not in page


@pytest.mark.parametrize("service", ["²", "٣", "1" * 30, "-1"])
def test_a_service_number_in_another_script_or_out_of_range_is_not_a_choice(
    client, massage, service
):
    response = client.get(reverse("booking:start"), {"patient": "new", "service": service})
    assert response.status_code == 200
    assert "Have you been to Test Clinic before?" in response.content.decode()


def test_changing_the_time_from_the_review_page_keeps_everything_typed(
    client, chosen_time, monday, booking_clinic
):
    data = {**hidden_choices(chosen_time), **DETAILS}
    review = client.post(reverse("booking:details"), {**data, "action": "review"})
    change_time = re.search(
        r'<a href="([^"]+)">Change<span class="visually-hidden"> time', review.content.decode()
    ).group(1)
    times = client.get(html.unescape(change_time))
    one_pm = at(monday, "13:00", booking_clinic.zone).astimezone(datetime.UTC)
    details = client.get(details_link_at(times, one_pm)).content.decode()
    inputs = {attrs["name"]: attrs for tag, attrs in tags(details, "input") if "name" in attrs}
    assert inputs["name"]["value"] == DETAILS["name"]
    assert inputs["email"]["value"] == "avery@example.com"
    assert inputs["phone"]["value"] == DETAILS["phone"]
    assert "Sore lower back</textarea>" in details
    assert "checked" in inputs["screen_pregnancy"]
    assert "checked" in inputs["screen_blood_thinners"]
    assert "checked" not in inputs["screen_heart_condition"]
    assert "checked" in inputs["consent"]
    assert "1:00 PM" in details


def test_details_are_forgotten_once_the_request_is_sent(client, chosen_time):
    data = {**hidden_choices(chosen_time), **DETAILS}
    client.post(reverse("booking:details"), {**data, "action": "submit"})
    again = client.get(reverse("booking:details"), hidden_choices(chosen_time)).content.decode()
    assert "Avery" not in again
    assert "Sore lower back" not in again


def test_the_therapist_step_offers_the_soonest_free_times_one_tap_each(
    client, massage, dana, marcus, booking_clinic
):
    page = client.get(start_url(patient="new", service=massage.pk)).content.decode()
    section = page[page.index("First available") : page.index("Or choose a therapist")]
    flows = [flow for href, flow in booking_links(section)]
    assert len(flows) == 6
    starts = [datetime.datetime.fromisoformat(flow["start"]) for flow in flows]
    assert starts == sorted(starts)
    assert starts[0] >= timezone.now() + datetime.timedelta(hours=booking_clinic.min_notice_hours)
    names = {"dana-whitfield": "Dana Whitfield", "marcus-oyelaran": "Marcus Oyelaran"}
    for (_href, flow), label in zip(
        booking_links(section), re.findall(r"with ([\w ]+)</span>", section), strict=True
    ):
        assert names[flow["therapist"]] == label
    details = client.get(booking_links(section)[0][0]).content.decode()
    assert "Your details" in details
    assert names[flows[0]["therapist"]] in details


@pytest.mark.parametrize(
    "flag",
    ["bladder_bowel", "groin_numbness", "fever_back_pain", "fall_or_accident", "weight_loss"],
)
@pytest.mark.parametrize("action", ["review", "submit"])
def test_a_red_flag_ends_the_request_kindly_and_nothing_is_kept(
    client, chosen_time, flag, action, booking_clinic
):
    data = {**hidden_choices(chosen_time), **DETAILS, f"screen_{flag}": "on", "action": action}
    response = client.post(reverse("booking:details"), data)
    page = response.content.decode()
    assert "<h1>Please see a doctor first</h1>" in page
    assert booking_clinic.phone in page
    assert "Nothing you typed has been saved or sent." in page
    assert not Appointment.objects.exists()
    assert not Patient.objects.exists()
    # Not even the draft kept for "Change": the details step opens empty.
    again = client.get(reverse("booking:details"), {"s": hidden_choices(chosen_time)["s"]})
    assert DETAILS["email"] not in again.content.decode()


def test_a_red_flag_counts_even_when_other_fields_are_still_wrong(client, chosen_time):
    data = {**hidden_choices(chosen_time), "screen_weight_loss": "on", "action": "review"}
    page = client.post(reverse("booking:details"), data).content.decode()
    assert "<h1>Please see a doctor first</h1>" in page


def test_the_review_lists_every_health_answer_not_only_the_worrying_ones(client, chosen_time):
    data = {**hidden_choices(chosen_time), **DETAILS, "action": "review"}
    page = client.post(reverse("booking:details"), data).content.decode()
    answers = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>\s*(Yes|No)\s*</dd>", page))
    assert len(answers) == len(screening.RED_FLAGS) + len(screening.QUESTIONS)
    assert answers["Pregnant"] == "Yes"
    assert answers["Taking blood-thinning medication"] == "Yes"
    assert answers["Osteoporosis"] == "No"
    assert answers["Weight loss you cannot explain"] == "No"
    assert "Sore lower back" in page


def test_every_link_in_the_error_summary_leads_to_its_field(client, massage):
    page = client.post(reverse("booking:start")).content.decode()
    start = page.index("error-summary")
    summary = page[start : page.index("</ul>", start)]
    targets = re.findall(r'href="#([\w-]+)"', summary)
    assert len(targets) == 2
    ids = {attrs.get("id") for tag, attrs in tags(page, "input")}
    assert set(targets) <= ids


def test_a_therapist_away_all_week_shows_their_first_free_time_after_it(
    client, massage, dana, marcus, monday, booking_clinic
):
    TimeOffFactory(
        therapist=dana, start=at(monday, "00:00", booking_clinic.zone),
        end=at(monday + datetime.timedelta(days=7), "00:00", booking_clinic.zone),
    )  # fmt: skip
    page = client.get(
        start_url(
            patient="new", service=massage.pk, therapist="any", **{"from": monday.isoformat()}
        )
    ).content.decode()
    times = page[page.index('id="times"') :]
    dana_part = times[times.index("Dana Whitfield") : times.index("Marcus Oyelaran")]
    next_monday = monday + datetime.timedelta(days=7)
    assert f"{next_monday:%a, %b} {next_monday.day}, 9:00 AM" in dana_part
