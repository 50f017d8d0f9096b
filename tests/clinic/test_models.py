import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from clinic.models import Clinic, Closure, Service, Therapist, TimeOff, WorkingHours
from tests.factories import (
    ClosureFactory,
    ServiceFactory,
    TherapistFactory,
    TimeOffFactory,
    WorkingHoursFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db


def test_there_is_only_ever_one_clinic_record():
    first = Clinic.objects.current()
    assert Clinic.objects.current().pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Clinic.objects.create(pk=2, name="A second clinic")


def test_clinic_shows_its_address_and_hours_line_by_line(clinic):
    clinic.region = "ON"
    clinic.postal_code = "M4S 2B5"
    clinic.country = "Canada"
    clinic.opening_hours = "Mon: 9–5\n\n  Tue: 10–6  \n"
    assert clinic.address_lines == ["1 Main Street", "Toronto ON M4S 2B5", "Canada"]
    assert clinic.opening_hours_lines == ["Mon: 9–5", "Tue: 10–6"]
    assert clinic.phone_href == "tel:+14165550100"
    assert str(clinic.zone) == "America/Toronto"


def test_an_unknown_time_zone_is_refused(clinic):
    clinic.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError) as error:
        clinic.full_clean()
    assert "time_zone" in error.value.message_dict


def test_working_hours_that_end_before_they_start_are_refused_with_a_field_message():
    block = WorkingHours(
        therapist=TherapistFactory(),
        weekday=0,
        start_time=datetime.time(14),
        end_time=datetime.time(9),
    )
    with pytest.raises(ValidationError) as error:
        block.full_clean()
    assert error.value.message_dict["end_time"] == ["A block must end after it starts."]


def test_the_database_refuses_working_hours_that_end_before_they_start():
    therapist = TherapistFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHours.objects.create(
            therapist=therapist,
            weekday=2,
            start_time=datetime.time(12),
            end_time=datetime.time(12),
        )


def test_time_off_must_end_after_it_starts():
    start = datetime.datetime(2030, 5, 1, 12, tzinfo=datetime.UTC)
    time_off = TimeOff(therapist=TherapistFactory(), start=start, end=start)
    with pytest.raises(ValidationError) as error:
        time_off.full_clean()
    assert error.value.message_dict["end"] == ["Time off must end after it starts."]
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeOffFactory(start=start, end=start - datetime.timedelta(hours=1))


def test_a_closure_cannot_end_before_it_starts_but_may_be_a_single_day():
    ClosureFactory(start_date=datetime.date(2030, 12, 25), end_date=datetime.date(2030, 12, 25))
    closure = Closure(
        name="Backwards",
        start_date=datetime.date(2030, 12, 26),
        end_date=datetime.date(2030, 12, 24),
    )
    with pytest.raises(ValidationError) as error:
        closure.full_clean()
    assert "end_date" in error.value.message_dict


def test_services_need_a_real_length_and_a_price_that_is_not_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory(duration_minutes=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory(price=-5)


def test_a_photo_needs_a_description_for_screen_reader_users():
    therapist = TherapistFactory.build(photo=image_upload(), photo_alt=" ")
    with pytest.raises(ValidationError) as error:
        therapist.clean()
    assert "photo_alt" in error.value.message_dict


def test_only_active_therapists_and_services_are_listed():
    visible = TherapistFactory(name="Visible")
    TherapistFactory(name="Hidden", is_active=False)
    ServiceFactory(name="Shown")
    ServiceFactory(name="Retired", is_active=False)
    assert list(Therapist.objects.active()) == [visible]
    assert [s.name for s in Service.objects.active()] == ["Shown"]


def test_therapists_are_ordered_by_display_order_then_name():
    TherapistFactory(name="Zoe", display_order=1)
    TherapistFactory(name="Adam", display_order=2)
    TherapistFactory(name="Beth", display_order=2)
    assert [t.name for t in Therapist.objects.all()] == ["Zoe", "Adam", "Beth"]


def test_name_with_credentials_and_languages_read_naturally():
    therapist = TherapistFactory.build(
        name="Marcus", credentials="MS, ATC", languages="English, ,Yoruba"
    )
    assert therapist.name_with_credentials == "Marcus, MS, ATC"
    assert therapist.language_list == ["English", "Yoruba"]
    assert TherapistFactory.build(name="Ann", credentials="").name_with_credentials == "Ann"


minutes = st.integers(min_value=0, max_value=24 * 60 - 1)


def _time(minute):
    return datetime.time(minute // 60, minute % 60)


@given(
    day_a=st.integers(0, 6),
    day_b=st.integers(0, 6),
    a=st.tuples(minutes, minutes).filter(lambda p: p[0] < p[1]),
    b=st.tuples(minutes, minutes).filter(lambda p: p[0] < p[1]),
)
def test_two_blocks_overlap_exactly_when_they_share_a_minute_of_the_same_day(day_a, day_b, a, b):
    first = WorkingHours(weekday=day_a, start_time=_time(a[0]), end_time=_time(a[1]))
    second = WorkingHours(weekday=day_b, start_time=_time(b[0]), end_time=_time(b[1]))
    shared_minutes = set(range(*a)) & set(range(*b))
    expected = day_a == day_b and bool(shared_minutes)
    assert first.overlaps(second) is expected
    assert second.overlaps(first) is expected


def test_back_to_back_blocks_do_not_overlap():
    morning = WorkingHoursFactory.build(start_time=datetime.time(9), end_time=datetime.time(12))
    afternoon = WorkingHoursFactory.build(start_time=datetime.time(12), end_time=datetime.time(17))
    assert not morning.overlaps(afternoon)
