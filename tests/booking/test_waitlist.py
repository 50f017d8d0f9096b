"""The waitlist (booking/waitlist.py): told when a time frees up; the first to book it wins."""

import dataclasses
import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import FRONT_DESK
from booking import waitlist
from booking.models import Appointment, WaitlistEntry, WaitlistOffer
from booking.rules import services
from tests.booking.conftest import at
from tests.booking.test_views import DETAILS, hidden_choices, start_url
from tests.conftest import sign_in_as
from tests.html import booking_links

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


@pytest.fixture
def full_monday(massage, dana, monday, booking_clinic, patient):
    """Dana's Monday, every free time taken by other patients."""
    visits = []
    for clock in ["09:00", "10:15", "13:00", "14:15", "15:30"]:
        visits.append(
            services.request_appointment(
                service=massage, therapist=dana, start=at(monday, clock, booking_clinic.zone),
                patient=dataclasses.replace(patient, email=f"{clock[:2]}@example.com"),
            )
        )  # fmt: skip
    mail.outbox.clear()
    return visits


def wait(massage, dana, monday, email, part="any", confirmed=True):
    """A waitlist entry, its address confirmed from the email unless `confirmed` is False."""
    entry = waitlist.join(
        service=massage, therapist=dana, is_new_patient=True, email=email,
        first_day=monday, last_day=monday, part_of_day=part,
    )  # fmt: skip
    return waitlist.confirm(entry) if confirmed else entry


def offers_to(email):
    return [m for m in mail.outbox if m.to == [email] and "has come free" in m.subject]


def test_a_cancelled_time_is_offered_to_everyone_waiting_whom_it_suits(
    full_monday, massage, dana, monday, booking_clinic
):
    wait(massage, dana, monday, "morning@example.com", part="morning")
    wait(massage, dana, monday, "afternoon@example.com", part="afternoon")
    wait(massage, dana, monday + datetime.timedelta(days=1), "tuesday@example.com")
    services.cancel_appointment(appointment=full_monday[1], by=None)  # 10:15 frees
    [offer] = offers_to("morning@example.com")
    assert "10:15 AM" in offer.body
    assert "Dana Whitfield" in offer.body
    assert massage.name not in offer.subject
    assert offers_to("afternoon@example.com") == []
    assert offers_to("tuesday@example.com") == []


@pytest.mark.parametrize("how", ["decline", "expire", "move"])
def test_declined_expired_and_moved_times_are_offered_too(
    full_monday, massage, dana, monday, booking_clinic, how
):
    wait(massage, dana, monday, "waiting@example.com", part="afternoon")
    freed = full_monday[3]  # 14:15
    if how == "decline":
        services.decline_appointment(appointment=freed, by=None)
    elif how == "expire":
        services.change_status(appointment=freed, transition="expire")
    else:
        services.patient_move_appointment(
            appointment=freed,
            start=at(monday + datetime.timedelta(days=1), "09:00", booking_clinic.zone),
        )
    [offer] = offers_to("waiting@example.com")
    assert "2:15 PM" in offer.body


def test_the_first_to_book_the_freed_time_gets_it_and_the_others_are_told(
    client, full_monday, massage, dana, monday, booking_clinic
):
    wait(massage, dana, monday, "first@example.com")
    wait(massage, dana, monday, "second@example.com")
    services.cancel_appointment(appointment=full_monday[0], by=None)  # 9:00 frees
    links = {
        email: re.search(r"https?://\S+/book/waitlist/\S+", offers_to(email)[0].body).group(0)
        for email in ("first@example.com", "second@example.com")
    }
    # The first patient follows the link: the details step, at that time, email filled in.
    details = client.get(links["first@example.com"].split("testserver", 1)[1], follow=True)
    page = details.content.decode()
    assert "Your details" in page
    assert 'value="first@example.com"' in page
    data = {**hidden_choices(details), **DETAILS, "email": "first@example.com", "action": "submit"}
    client.post(reverse("booking:details"), data)
    booked = Appointment.objects.get(patient_email="first@example.com")
    assert booked.start == at(monday, "09:00", booking_clinic.zone)
    taken = [m for m in mail.outbox if m.to == ["second@example.com"] and "taken" in m.subject]
    assert len(taken) == 1
    assert WaitlistOffer.objects.get(entry__email="second@example.com").outcome == "taken"
    assert WaitlistEntry.objects.get(email="first@example.com").closed_at is not None
    assert WaitlistEntry.objects.get(email="second@example.com").closed_at is None
    # The second patient's link now says so, kindly, and offers the times there are.
    other = client.get(links["second@example.com"].split("testserver", 1)[1]).content.decode()
    assert "Someone booked that time first" in other


def test_the_waitlist_form_keeps_what_was_typed_and_explains_bad_dates(
    client, massage, dana, monday, booking_clinic
):
    url = start_url(patient="new", service=massage.pk, therapist=dana.slug, date=monday.isoformat())
    times = client.get(url).content.decode()
    join = next(href for href, flow in booking_links(times) if href.startswith("/book/waitlist/"))
    form_page = client.get(join)
    sealed = re.search(r'name="s" value="([^"]+)"', form_page.content.decode()).group(1)
    bad = client.post(
        reverse("booking:waitlist"),
        {"s": sealed, "email": "me@example.com", "first_day": monday.isoformat(),
         "last_day": (monday - datetime.timedelta(days=1)).isoformat(), "part_of_day": "any"},
    ).content.decode()  # fmt: skip
    assert "Please choose a day on or after the first one." in bad
    assert 'value="me@example.com"' in bad
    assert 'aria-invalid="true"' in bad
    good = client.post(
        reverse("booking:waitlist"),
        {"s": sealed, "email": "me@example.com", "first_day": monday.isoformat(),
         "last_day": (monday + datetime.timedelta(days=3)).isoformat(), "part_of_day": "morning"},
    ).content.decode()  # fmt: skip
    assert "Please check your email" in good
    entry = WaitlistEntry.objects.get()
    assert (entry.service, entry.therapist, entry.part_of_day) == (massage, dana, "morning")


def test_one_address_cannot_fill_the_list(massage, dana, monday, booking_clinic):
    for _ in range(waitlist.OPEN_ENTRIES_PER_EMAIL):
        wait(massage, dana, monday, "me@example.com")
    with pytest.raises(waitlist.WaitlistFull):
        wait(massage, dana, monday, "ME@example.com")


def test_ended_entries_get_no_offers(full_monday, massage, dana, monday, booking_clinic):
    entry = wait(massage, dana, monday, "late@example.com")
    WaitlistEntry.objects.filter(pk=entry.pk).update(closed_at=timezone.now())
    services.cancel_appointment(appointment=full_monday[0], by=None)
    assert offers_to("late@example.com") == []


def test_ended_entries_are_removed_by_the_retention_job(massage, dana, monday, booking_clinic):
    keep = wait(massage, dana, monday, "keep@example.com")
    old = wait(massage, dana, monday, "old@example.com")
    long_ago = timezone.localdate() - datetime.timedelta(days=booking_clinic.keep_unbooked_days + 1)
    WaitlistEntry.objects.filter(pk=old.pk).update(first_day=long_ago, last_day=long_ago)
    output = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=output)
    assert "remove 1 waitlist entry(ies)" in output.getvalue()
    assert WaitlistEntry.objects.count() == 2
    call_command("purge_personal_data", stdout=io.StringIO())
    assert list(WaitlistEntry.objects.all()) == [keep]


def test_the_front_desk_sees_who_is_waiting(client, massage, dana, monday, booking_clinic):
    wait(massage, dana, monday, "waiting@example.com")
    sign_in_as(client, FRONT_DESK, username="desk")
    page = client.get("/admin/booking/waitlistentry/").content.decode()
    assert "waiting@example.com" in page


def join_by_form(client, massage, dana, monday, email, address="203.0.113.5", **extra):
    url = start_url(patient="new", service=massage.pk, therapist=dana.slug, date=monday.isoformat())
    times = client.get(url).content.decode()
    join = next(href for href, flow in booking_links(times) if href.startswith("/book/waitlist/"))
    sealed = re.search(r'name="s" value="([^"]+)"', client.get(join).content.decode()).group(1)
    data = {"s": sealed, "email": email, "first_day": monday.isoformat(),
            "last_day": monday.isoformat(), "part_of_day": "any", **extra}  # fmt: skip
    return client.post(reverse("booking:waitlist"), data, REMOTE_ADDR=address)


def test_an_address_offered_nothing_until_its_owner_confirms_from_an_email_with_nothing_typed(
    client, full_monday, massage, dana, monday, booking_clinic
):
    join_by_form(client, massage, dana, monday, "stranger@example.com")
    [confirm] = [m for m in mail.outbox if m.to == ["stranger@example.com"]]
    for text in (confirm.subject, confirm.body, confirm.alternatives[0][0]):
        assert massage.name not in text
        assert f"{monday:%B} {monday.day}" not in text  # nor the days the signer typed
    services.cancel_appointment(appointment=full_monday[0], by=None)
    assert offers_to("stranger@example.com") == []
    link = re.search(r"https?://testserver(/book/waitlist/\S+/confirm/)", confirm.body).group(1)
    assert "Yes, tell me" in client.get(link).content.decode()  # opening it confirms nothing
    assert WaitlistEntry.objects.get().confirmed_at is None
    client.post(link)
    assert WaitlistEntry.objects.get().confirmed_at is not None
    services.cancel_appointment(appointment=full_monday[1], by=None)
    assert len(offers_to("stranger@example.com")) == 1


def test_one_address_cannot_sign_up_strangers_by_the_hundred(
    client, massage, dana, monday, booking_clinic
):
    for n in range(40):
        join_by_form(client, massage, dana, monday, f"stranger{n}@example.com")
    assert WaitlistEntry.objects.count() == 5  # the limiter's hour for one internet address
    assert len(mail.outbox) == 5


def test_the_honeypot_stops_a_waitlist_script(client, massage, dana, monday, booking_clinic):
    page = join_by_form(client, massage, dana, monday, "bot@example.com", website="x")
    assert "Please call us" in page.content.decode()
    assert not WaitlistEntry.objects.exists()
    assert mail.outbox == []


def test_a_freed_time_is_offered_to_a_bounded_few_and_taken_tells_only_them(
    full_monday, massage, dana, monday, booking_clinic
):
    for n in range(waitlist.OFFERS_PER_RELEASE + 10):
        wait(massage, dana, monday, f"w{n}@example.com")
    mail.outbox.clear()
    services.cancel_appointment(appointment=full_monday[0], by=None)
    offered = [m.to[0] for m in mail.outbox if "has come free" in m.subject]
    assert offered == [f"w{n}@example.com" for n in range(waitlist.OFFERS_PER_RELEASE)]


def test_an_address_nobody_confirmed_is_forgotten_as_its_email_promises(
    massage, dana, monday, booking_clinic
):
    confirmed = wait(massage, dana, monday, "me@example.com")
    unconfirmed = wait(massage, dana, monday, "stranger@example.com", confirmed=False)
    past_promise = timezone.now() - waitlist.UNCONFIRMED_KEPT - datetime.timedelta(minutes=1)
    WaitlistEntry.objects.filter(pk__in=[confirmed.pk, unconfirmed.pk]).update(
        created_at=past_promise
    )
    call_command("purge_personal_data", stdout=io.StringIO())
    assert list(WaitlistEntry.objects.all()) == [confirmed]


def test_one_confirmation_confirms_every_open_entry_of_the_address(
    full_monday, massage, dana, monday, booking_clinic
):
    first = wait(massage, dana, monday, "me@example.com", confirmed=False)
    second = wait(massage, dana, monday, "me@example.com", part="morning", confirmed=False)
    waitlist.confirm(first)
    second.refresh_from_db()
    assert second.confirmed_at is not None


def test_a_strangers_unconfirmed_sign_ups_do_not_lock_the_owner_out(
    massage, dana, monday, booking_clinic
):
    for _ in range(waitlist.OPEN_ENTRIES_PER_EMAIL):
        wait(massage, dana, monday, "owner@example.com", confirmed=False)
    # The next day (the limiter counts an address's sign-ups per day), before they are forgotten.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        assert wait(massage, dana, monday, "owner@example.com").confirmed_at is not None


def test_an_offer_held_back_by_the_outbox_goes_to_the_next_in_line(
    full_monday, massage, dana, monday, booking_clinic
):
    for n in range(waitlist.OFFERS_PER_RELEASE + 3):
        wait(massage, dana, monday, f"w{n}@example.com")
    services.cancel_appointment(appointment=full_monday[0], by=None)  # 9:00: the first five
    mail.outbox.clear()
    services.cancel_appointment(appointment=full_monday[4], by=None)  # 15:30, the same day
    offered = sorted(m.to[0] for m in mail.outbox if "has come free" in m.subject)
    first_five = {f"w{n}@example.com" for n in range(waitlist.OFFERS_PER_RELEASE)}
    assert offered == [f"w{n}@example.com" for n in range(5, 8)]  # one offer a day each
    assert not WaitlistOffer.objects.filter(
        entry__email__in=first_five, start=full_monday[4].start
    ).exists()


def test_a_confirmation_link_of_a_forgotten_address_says_so(client, booking_clinic):
    response = client.get(reverse("booking:waitlist_confirm", args=["x" * 43]))
    assert response.status_code == 410
    assert "This link no longer works" in response.content.decode()


# A caller the front desk puts on the list by phone: no email; their offers are calls.


def caller(massage, dana, monday, *, phone="+14165550142", name="Robin Caller", therapist=True):
    entry = WaitlistEntry(
        service=massage, therapist=dana if therapist else None, name=name, phone=phone,
        first_day=monday, last_day=monday,
    )  # fmt: skip
    return waitlist.add_caller(entry, by=None)


def caller_form(massage, dana, monday, **changes):
    return {
        "name": "Robin Caller", "phone": "(416) 555-0142", "email": "", "service": massage.pk,
        "therapist": dana.pk, "first_day": monday.isoformat(), "last_day": monday.isoformat(),
        "part_of_day": "any", **changes,
    }  # fmt: skip


def test_the_desk_adds_a_phone_only_caller_confirmed_at_once(
    client, massage, dana, monday, booking_clinic
):
    desk = sign_in_as(client, FRONT_DESK, username="desk")
    response = client.post(
        reverse("admin:booking_waitlistentry_add"), caller_form(massage, dana, monday), follow=True
    )
    assert "Robin Caller is on the waitlist" in response.content.decode()
    entry = WaitlistEntry.objects.get()
    assert (entry.name, entry.phone, entry.email, entry.added_by) == (
        "Robin Caller", "+14165550142", "", desk,
    )  # fmt: skip
    assert entry.confirmed_at is not None
    assert mail.outbox == []  # nothing to confirm: the desk spoke to them
    listing = client.get(reverse("admin:booking_waitlistentry_changelist"), {"q": "416-555-0142"})
    assert "Robin Caller" in listing.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"phone": "12"}, "phone", "does not look complete"),
        ({"name": ""}, "name", "This field is required."),
        ({"last_day": "2000-01-01"}, "last_day", "cannot be before the first day"),
    ],
)
def test_a_caller_form_with_a_mistake_says_where_and_saves_nothing(
    client, massage, dana, monday, booking_clinic, changes, field, error
):
    sign_in_as(client, FRONT_DESK, username="desk")
    data = caller_form(massage, dana, monday, **changes)
    response = client.post(reverse("admin:booking_waitlistentry_add"), data)
    assert response.status_code == 200
    assert error in " ".join(response.context["adminform"].form.errors[field])
    assert not WaitlistEntry.objects.exists()


def test_a_freed_time_becomes_a_call_for_the_desk_not_an_email(
    client, full_monday, massage, dana, monday, booking_clinic
):
    entry = caller(massage, dana, monday)
    services.cancel_appointment(appointment=full_monday[1], by=None)  # 10:15 frees
    assert [m for m in mail.outbox if "has come free" in m.subject] == []
    desk = sign_in_as(client, FRONT_DESK, username="desk")
    [call] = waitlist.calls_to_make(desk, now=timezone.now())
    assert (call.entry, call.therapist, call.start) == (entry, dana, full_monday[1].start)
    with timezone.override(booking_clinic.zone):  # as the clinic's middleware sets it
        html = render_to_string(
            "admin/booking/_waitlist_calls.html",
            {"calls": [call]},
            request=RequestFactory().get("/"),
        )
    for shown in ["Robin Caller", "+14165550142", massage.name, dana.name, "10:15 AM"]:
        assert shown in html
    # The desk called: the patient does not want it. The call leaves the list.
    response = client.post(
        reverse("admin:booking_waitlistentry_call_declined", args=[call.pk]), follow=True
    )
    assert "Robin Caller declined that time" in response.content.decode()
    call.refresh_from_db()
    assert call.outcome == WaitlistOffer.Outcome.DECLINED
    assert call.handled_at is not None
    assert waitlist.calls_to_make(desk, now=timezone.now()) == []
    again = client.post(reverse("admin:booking_waitlistentry_call_declined", args=[call.pk]), follow=True)  # fmt: skip
    assert "already handled" in again.content.decode()
    assert client.get(reverse("admin:booking_waitlistentry_call_declined", args=[call.pk])).status_code == 405  # fmt: skip


def test_booked_opens_the_add_form_at_the_offered_time_with_the_callers_record(
    full_monday, massage, dana, monday, booking_clinic, front_desk_user
):
    from booking.models import Patient

    record = Patient.objects.create(name="Robin Caller", phone="+14165550142")
    caller(massage, dana, monday)
    services.cancel_appointment(appointment=full_monday[1], by=None)
    [call] = waitlist.calls_to_make(front_desk_user, now=timezone.now())
    assert call.book_url.startswith(reverse("admin:booking_appointment_add") + "?")
    assert f"waitlist_offer={call.pk}" in call.book_url
    assert f"patient={record.pk}" in call.book_url


def test_booked_opens_the_add_form_filled_for_a_new_caller_with_no_personal_data_in_the_link(
    client, full_monday, massage, dana, monday, booking_clinic, front_desk_user
):
    caller(massage, dana, monday)  # no record has their phone: a new caller
    services.cancel_appointment(appointment=full_monday[1], by=None)
    [call] = waitlist.calls_to_make(front_desk_user, now=timezone.now())
    assert "patient=" not in call.book_url
    for private in ["Robin", "Caller", "555", "0142"]:
        assert private not in call.book_url
    client.force_login(front_desk_user)
    response = client.get(call.book_url)
    form = response.context["adminform"].form
    assert (form.initial["patient_name"], form.initial["patient_phone"]) == (
        "Robin Caller", "+14165550142",
    )  # fmt: skip
    assert (form.initial["therapist"], form.initial["service"], form.initial["start"]) == (
        dana.pk, massage, full_monday[1].start,
    )  # fmt: skip
    assert 'value="Robin Caller"' in response.content.decode()


def test_an_offer_the_account_may_not_see_fills_nothing(
    client, full_monday, massage, dana, marcus, monday, booking_clinic
):
    from django.http import QueryDict

    from booking.admin.forms import initial_from_calendar
    from booking.models import Patient

    caller(massage, dana, monday)
    services.cancel_appointment(appointment=full_monday[1], by=None)
    [offer] = WaitlistOffer.objects.all()
    marcus_user = sign_in_as(client, "Therapists", username="marcus", therapist=marcus)
    initial = initial_from_calendar(
        QueryDict(f"waitlist_offer={offer.pk}"),
        patients=Patient.objects.none(),
        offers=waitlist.offers_visible_to(marcus_user),
    )
    assert initial == {}


def test_the_caller_booked_by_the_desk_leaves_the_list_by_their_phone(
    full_monday, massage, dana, monday, booking_clinic, front_desk_user
):
    entry = caller(massage, dana, monday)
    services.cancel_appointment(appointment=full_monday[1], by=None)
    booked = Appointment(
        service=massage, therapist=dana, start=full_monday[1].start, patient_name="Robin Caller",
        patient_email="", patient_phone="+14165550142", is_new_patient=True,
    )  # fmt: skip
    services.book_by_staff(appointment=booked, by=front_desk_user)
    offer = WaitlistOffer.objects.get(entry=entry)
    assert offer.outcome == WaitlistOffer.Outcome.BOOKED
    entry.refresh_from_db()
    assert entry.closed_at is not None


def test_a_therapist_sees_only_calls_for_her_own_times(
    client, full_monday, massage, dana, marcus, monday, booking_clinic
):
    caller(massage, dana, monday, therapist=False)
    services.cancel_appointment(appointment=full_monday[1], by=None)
    dana_user = sign_in_as(client, "Therapists", username="dana", therapist=dana)
    marcus_user = sign_in_as(client, "Therapists", username="marcus", therapist=marcus)
    assert len(waitlist.calls_to_make(dana_user, now=timezone.now())) == 1
    assert waitlist.calls_to_make(marcus_user, now=timezone.now()) == []
    [call] = WaitlistOffer.objects.all()
    # Marcus's account (signed in last) cannot record another's call.
    response = client.post(reverse("admin:booking_waitlistentry_call_declined", args=[call.pk]))
    assert response.status_code in (403, 404)
    call.refresh_from_db()
    assert call.outcome == WaitlistOffer.Outcome.OFFERED


def test_the_calls_take_the_same_queries_whatever_their_number(
    full_monday, massage, dana, monday, booking_clinic, front_desk_user, django_assert_num_queries
):
    caller(massage, dana, monday)
    services.cancel_appointment(appointment=full_monday[1], by=None)
    waitlist.calls_to_make(front_desk_user, now=timezone.now())  # the user's permissions, read once
    with django_assert_num_queries(CALLS_QUERIES):
        assert len(waitlist.calls_to_make(front_desk_user, now=timezone.now())) == 1
    for n in range(4):
        caller(massage, dana, monday, phone=f"+1416555020{n}", name=f"Caller {n}")
    services.cancel_appointment(appointment=full_monday[3], by=None)
    with django_assert_num_queries(CALLS_QUERIES):
        assert len(waitlist.calls_to_make(front_desk_user, now=timezone.now())) == 6


CALLS_QUERIES = 2  # the offers, and the records with their phones


def test_a_callers_entry_is_exported_and_erased_with_the_patient_found_by_phone(
    client, massage, dana, monday, booking_clinic
):
    from booking.models import Patient
    from booking.personal_data import person
    from clinic import personal_data

    record = Patient.objects.create(name="Robin Caller", phone="+14165550142")
    caller(massage, dana, monday)
    exported = personal_data.export(person(record))
    [held] = exported["waitlist"]
    assert (held["name"], held["phone"]) == ("Robin Caller", "+14165550142")
    personal_data.erase(person(record))
    assert not WaitlistEntry.objects.exists()


def test_a_therapist_sees_her_calls_without_buttons_she_may_not_use(
    client, full_monday, massage, dana, monday, booking_clinic
):
    caller(massage, dana, monday)
    services.cancel_appointment(appointment=full_monday[1], by=None)
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Robin Caller" in page  # her own time's call, to know about
    assert "Booked…" not in page  # booking and recording are the desk's: both would be 403
    assert "/declined/" not in page
    client.logout()
    sign_in_as(client, FRONT_DESK, username="desk")
    page = client.get(reverse("admin:index")).content.decode()
    assert "Booked…" in page
    assert "Declined" in page


def test_a_call_names_only_a_record_the_user_may_see(
    client, full_monday, massage, dana, marcus, monday, booking_clinic
):
    from booking.models import Patient

    # A record with the caller's phone, from a visit with Marcus only: not Dana's to see.
    record = Patient.objects.create(name="Robin Caller", phone="+14165550142")
    Appointment.objects.filter(pk=full_monday[0].pk).update(patient=record, therapist=marcus)
    caller(massage, dana, monday)
    services.cancel_appointment(appointment=full_monday[1], by=None)
    dana_user = sign_in_as(client, "Therapists", username="dana", therapist=dana)
    [call] = waitlist.calls_to_make(dana_user, now=timezone.now())
    assert call.patient_record is None
    assert "patient=" not in call.book_url
    desk = sign_in_as(client, FRONT_DESK, username="desk")
    [call] = waitlist.calls_to_make(desk, now=timezone.now())
    assert call.patient_record == record
