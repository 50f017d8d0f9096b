"""A course of visits in the admin: booked from a visit's page with its dates checked, shown as one
on the visit, moved or cancelled "this visit" or "this and the following ones"."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking.models import Appointment
from booking.rules import services
from tests.booking.conftest import at, book_someone_else
from tests.conftest import sign_in_as
from tests.factories import ClosureFactory
from tests.html import tags

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def visit(tuesday_visit):
    return tuesday_visit


@pytest.fixture
def course(weekly_course):
    return weekly_course


def course_url(visit):
    return reverse("admin:booking_appointment_course", args=[visit.pk])


def weeks_after(visit, weeks, zone):
    return visit.start.astimezone(zone) + datetime.timedelta(weeks=weeks)


def test_the_visit_offers_a_course_and_the_form_starts_from_its_day(desk, visit):
    page = desk.get(reverse("admin:booking_appointment_change", args=[visit.pk])).content.decode()
    assert f'href="{course_url(visit)}"' in page

    form = desk.get(course_url(visit)).context["form"]
    assert form.initial["weekdays"] == [1]  # the visit is on a Tuesday
    assert form.initial["visits"] == 6


def test_checking_the_dates_names_a_clash_and_offers_the_nearest_free_time(
    desk, visit, booking_clinic, massage, dana, front_desk_user
):
    zone = booking_clinic.zone
    book_someone_else(weeks_after(visit, 2, zone), massage, dana, front_desk_user)
    response = desk.get(course_url(visit), {"every_weeks": 1, "weekdays": [1], "visits": 4})

    proposals = [proposal for proposal, _group in response.context["rows"]]
    assert [proposal.free for proposal in proposals] == [True, False, True]
    page = response.content.decode()
    assert "Not free:</strong> Dana Whitfield has another visit then." in page
    # The alternative or "Skip this date", neither chosen for her: the patient agrees first.
    radios = [attrs for _tag, attrs in tags(page, "input") if attrs.get("name") == "time-1"]
    assert [(r["value"], "checked" in r) for r in radios] == [
        (proposals[1].alternative.isoformat(), False),
        ("skip", False),
    ]
    # A free date is booked unless skipped.
    free = [attrs for _tag, attrs in tags(page, "input") if attrs.get("name") == "time-0"]
    assert [(r["value"], "checked" in r) for r in free] == [
        (proposals[0].wanted.isoformat(), True),
        ("skip", False),
    ]


def test_booking_the_course_books_the_choices_and_emails_once(
    desk, visit, booking_clinic, massage, dana, front_desk_user, django_capture_on_commit_callbacks
):
    zone = booking_clinic.zone
    book_someone_else(weeks_after(visit, 2, zone), massage, dana, front_desk_user)
    planned = desk.get(course_url(visit), {"every_weeks": 1, "weekdays": [1], "visits": 4})
    alternative = planned.context["rows"][1][0].alternative
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            course_url(visit),
            {
                "every_weeks": 1, "weekdays": [1], "visits": 4,
                "time-0": weeks_after(visit, 1, zone).isoformat(),
                "time-1": alternative.isoformat(),
                "time-2": "skip",
            },
            follow=True,
        )  # fmt: skip

    visit.refresh_from_db()
    starts = list(visit.course.visits.order_by("start").values_list("start", flat=True))
    assert starts == [visit.start, weeks_after(visit, 1, zone), alternative]
    assert "Course of 3 visits booked with Dana Whitfield (1 date skipped)" in (
        response.content.decode()
    )
    assert len(mail.outbox) == 1
    # The visit's page shows it as one course now, and offers no second one.
    page = response.content.decode()
    assert "Visit 1 of a course of 3" in page
    assert f'href="{course_url(visit)}"' not in page


def test_bad_input_is_named_next_to_its_field_and_kept(desk, visit):
    response = desk.get(course_url(visit), {"every_weeks": 2, "visits": 1})
    page = response.content.decode()
    assert "Choose at least one day of the week." in page
    assert "A course has at least 2 visits, this one included." in page
    [visits] = [attrs for _tag, attrs in tags(page, "input") if attrs.get("name") == "visits"]
    assert visits["value"] == "1"  # as typed
    assert "rows" not in response.context
    assert (
        desk.get(
            course_url(visit), {"every_weeks": "x", "weekdays": [9], "visits": "a"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("crafted", ["9999-01-01T00:00", "free but not offered", "missing"])
def test_only_a_time_the_page_offered_is_booked(desk, visit, booking_clinic, crafted):
    """A free time the plan did not offer (a Friday afternoon, for a Tuesday course), a
    nonsense value or no choice at all books nothing: the row asks again."""
    friday = visit.start.astimezone(booking_clinic.zone).date() + datetime.timedelta(days=10)
    values = {
        "9999-01-01T00:00": "9999-01-01T00:00",
        "free but not offered": at(friday, "15:00", booking_clinic.zone).isoformat(),
    }
    data = {"every_weeks": 1, "weekdays": [1], "visits": 2}
    if crafted in values:
        data["time-0"] = values[crafted]
    response = desk.post(course_url(visit), data)
    assert response.status_code == 200
    assert Appointment.objects.count() == 1
    assert 'id="time-0-error"' in response.content.decode()


def test_an_unanswered_date_that_is_not_free_is_asked_again_beside_it(
    desk, visit, booking_clinic, massage, dana, front_desk_user
):
    zone = booking_clinic.zone
    book_someone_else(weeks_after(visit, 1, zone), massage, dana, front_desk_user)
    response = desk.post(course_url(visit), {"every_weeks": 1, "weekdays": [1], "visits": 2})
    page = response.content.decode()
    assert "Choose the time offered or “Skip this date”." in page
    assert Appointment.objects.filter(course__isnull=False).count() == 0


@pytest.mark.parametrize("status", ["cancelled", "declined", "no_show"])
def test_a_course_starts_only_from_a_visit_that_is_booked_or_took_place(desk, visit, status):
    Appointment.objects.filter(pk=visit.pk).update(status=status)
    page = desk.get(reverse("admin:booking_appointment_change", args=[visit.pk])).content
    assert course_url(visit).encode() not in page
    response = desk.get(course_url(visit), follow=True)
    assert "a course starts from a visit that is booked or took place" in response.content.decode()


def test_a_flagged_screening_is_reviewed_before_a_course(desk, visit):
    Appointment.objects.filter(pk=visit.pk).update(needs_review=True, screening_review="")
    response = desk.get(course_url(visit), follow=True)
    assert "health screening needs a therapist" in response.content.decode()
    Appointment.objects.filter(pk=visit.pk).update(screening_review=Appointment.Review.OK)
    assert "rows" not in desk.get(course_url(visit)).context  # the form, no refusal
    assert desk.get(course_url(visit)).status_code == 200


def test_a_therapist_cannot_book_a_course(client, visit, dana):
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    assert client.get(course_url(visit)).status_code == 403


def test_cancelling_offers_this_and_the_following_ones_and_cancels_them(
    desk, course, django_capture_on_commit_callbacks
):
    fourth = course[3]
    url = reverse("admin:booking_appointment_transition", args=[fourth.pk, "cancel"])
    page = desk.get(url).content.decode()
    assert "This and the following 2" in page

    with django_capture_on_commit_callbacks(execute=True):
        desk.post(url, {"asked_by": "clinic", "scope": "following", "message": "Dana is away."})

    statuses = [visit.status for visit in Appointment.objects.filter(course=fourth.course)]
    assert statuses == ["confirmed"] * 3 + ["cancelled"] * 3
    [email] = mail.outbox
    assert "Dana is away." in email.body


def test_cancelling_this_visit_only_leaves_the_rest(desk, course):
    url = reverse("admin:booking_appointment_transition", args=[course[3].pk, "cancel"])
    desk.post(url, {"asked_by": "patient", "scope": "this"})
    statuses = [visit.status for visit in Appointment.objects.filter(course=course[0].course)]
    assert statuses.count("cancelled") == 1


def test_moving_the_fourth_and_the_following_ones_with_one_clash(
    desk, course, booking_clinic, massage, dana, front_desk_user, django_capture_on_commit_callbacks
):
    fourth, fifth, sixth = course[3:]
    # Thursday of the same week at 2 PM, where the sixth's Thursday is someone else's.
    shift = datetime.timedelta(days=2, hours=4)
    new_start = fourth.start + shift
    book_someone_else(sixth.start + shift, massage, dana, front_desk_user)
    url = reverse("admin:booking_appointment_move", args=[fourth.pk])
    confirm = desk.get(url, {"therapist": dana.pk, "start": new_start.isoformat()})
    plan = confirm.context["following"]
    assert [(proposal.visit, proposal.free) for proposal in plan] == [(fifth, True), (sixth, False)]
    assert "This and the following 2" in confirm.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            url,
            {
                "therapist": dana.pk, "start": new_start.isoformat(), "scope": "following",
                f"visit-{fifth.pk}": plan[0].wanted.isoformat(),
                f"visit-{sixth.pk}": "skip",
            },
            follow=True,
        )  # fmt: skip

    # The fourth and the fifth; the sixth stays.
    assert "following visits: 2 visits moved to" in response.content.decode()
    starts = {visit.pk: visit.start for visit in Appointment.objects.filter(course=fourth.course)}
    assert starts[fourth.pk] == new_start
    assert starts[fifth.pk] == fifth.start + shift
    assert starts[sixth.pk] == sixth.start  # left where it was
    [email] = mail.outbox
    assert "have moved" in email.subject
    assert email.body.count("reference") == 3  # the coming visits from the fourth on


def test_the_course_page_asks_a_fixed_number_of_queries(
    desk, visit, booking_clinic, massage, dana, marcus, front_desk_user
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            desk.get(course_url(visit), {"every_weeks": 1, "weekdays": [1], "visits": 6})
        return len(captured)

    small = queries()
    day = visit.start.astimezone(booking_clinic.zone).date()
    for week in range(1, 6):
        for clock in ("13:00", "14:15", "15:30"):
            book_someone_else(
                at(day + datetime.timedelta(weeks=week), clock, booking_clinic.zone),
                massage, dana, front_desk_user,
            )  # fmt: skip
    # Two dates taken at her course's time: each is named with its alternative.
    for week in (2, 4):
        book_someone_else(weeks_after(visit, week, booking_clinic.zone), massage, dana,
                          front_desk_user)  # fmt: skip
    ClosureFactory(
        start_date=day + datetime.timedelta(days=60), end_date=day + datetime.timedelta(days=61)
    )
    assert queries() == small


def test_the_patient_record_shows_the_course_as_one(desk, course, front_desk_user):
    services.cancel_appointment(appointment=course[5], by=front_desk_user)
    page = desk.get(
        reverse("admin:booking_patient_change", args=[course[0].patient_id])
    ).content.decode()
    assert "Courses of visits" in page
    assert "6 visits with Dana Whitfield, every week" in page
    assert "0 took place · 5 coming · 1 cancelled or missed" in page


def test_a_therapist_sees_the_course_dates_that_are_hers(
    client, course, dana, marcus, front_desk_user
):
    moved = course[5]
    services.move_appointment(
        appointment=moved, therapist=marcus, start=moved.start, by=front_desk_user
    )
    sign_in_as(client, "Therapists", username="dana", therapist=dana)
    page = client.get(
        reverse("admin:booking_appointment_change", args=[course[0].pk])
    ).content.decode()
    assert "Visit 1 of a course of 6" in page
    assert reverse("admin:booking_appointment_change", args=[course[4].pk]) in page
    assert reverse("admin:booking_appointment_change", args=[moved.pk]) not in page


def test_the_move_page_can_push_the_rest_of_the_course_back_a_week(
    desk, course, dana, booking_clinic
):
    """The fifth visit's time is offered to the fourth: the fifth moves on with it."""
    fourth, fifth, sixth = course[3:]
    url = reverse("admin:booking_appointment_move", args=[fourth.pk])
    fifth_day = fifth.start.astimezone(booking_clinic.zone).date()
    week = desk.get(url, {"from": fifth_day.isoformat()})
    offered = dict(week.context["days"][fifth_day])[dana]
    assert fifth.start in offered
    confirm = desk.get(url, {"therapist": dana.pk, "start": fifth.start.isoformat()})
    plan = confirm.context["following"]
    assert [(proposal.visit, proposal.free) for proposal in plan] == [(fifth, True), (sixth, True)]
    desk.post(
        url,
        {
            "therapist": dana.pk, "start": fifth.start.isoformat(), "scope": "following",
            f"visit-{fifth.pk}": plan[0].wanted.isoformat(),
            f"visit-{sixth.pk}": plan[1].wanted.isoformat(),
        },
    )  # fmt: skip
    after = dict(Appointment.objects.filter(course=fourth.course).values_list("pk", "start"))
    assert after[fourth.pk] == fifth.start
    assert after[fifth.pk] == sixth.start


def test_this_visit_only_onto_the_next_ones_time_is_refused(desk, course, dana):
    fourth, fifth = course[3], course[4]
    url = reverse("admin:booking_appointment_move", args=[fourth.pk])
    response = desk.post(
        url, {"therapist": dana.pk, "start": fifth.start.isoformat(), "scope": "this"}, follow=True
    )
    assert "already booked" in response.content.decode()
    assert Appointment.objects.get(pk=fourth.pk).start == fourth.start


def test_the_cancel_page_keeps_the_choice_of_visits_when_it_asks_again(desk, course):
    url = reverse("admin:booking_appointment_transition", args=[course[3].pk, "cancel"])
    page = desk.post(url, {"scope": "following", "message": "Away"}).content.decode()
    [chosen] = [
        attrs["value"]
        for _tag, attrs in tags(page, "input")
        if attrs.get("name") == "scope" and "checked" in attrs
    ]
    assert chosen == "following"
    assert Appointment.objects.filter(status="cancelled").count() == 0


def test_following_asked_of_a_visit_outside_a_course_is_a_plain_cancellation(
    desk, visit, django_capture_on_commit_callbacks
):
    url = reverse("admin:booking_appointment_transition", args=[visit.pk, "cancel"])
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(url, {"asked_by": "clinic", "scope": "following"})
    [email] = mail.outbox
    assert email.subject == "Your appointment at Test Clinic is cancelled"
