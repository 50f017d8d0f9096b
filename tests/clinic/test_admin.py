import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinic.models import Clinic, Therapist, TimeOff
from tests.clinic.test_settings import production_settings
from tests.factories import (
    PDF_BYTES,
    ClosureFactory,
    ServiceFactory,
    SpecialtyFactory,
    TherapistFactory,
    TimeOffFactory,
    UserFactory,
    WorkingHoursFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["therapist", "service", "specialty", "timeoff", "closure"]


@pytest.fixture
def schedule(clinic):
    therapist = TherapistFactory(name="Dana Whitfield", photo=image_upload(), photo_alt="Dana")
    WorkingHoursFactory(therapist=therapist)
    ServiceFactory(name="Deep tissue massage", therapists=[therapist])
    TimeOffFactory(therapist=therapist, note="Conference")
    ClosureFactory(name="New Year's Day")
    SpecialtyFactory(name="Low back pain")
    return therapist


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_staff_see_useful_lists_and_forms_for_every_model(admin_client, schedule, model):
    changelist = admin_client.get(reverse(f"admin:clinic_{model}_changelist"))
    assert changelist.context["cl"].result_count == 1
    add = admin_client.get(reverse(f"admin:clinic_{model}_add"))
    assert add.context["adminform"].form.fields  # a form to fill in
    searched = admin_client.get(reverse(f"admin:clinic_{model}_changelist") + "?q=zzzz-nothing")
    assert searched.context["cl"].result_count == 0


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_front_desk_can_manage_the_schedule(client, front_desk_user, schedule, model):
    client.force_login(front_desk_user)
    changelist = client.get(reverse(f"admin:clinic_{model}_changelist"))
    assert changelist.context["cl"].result_count == 1
    assert changelist.context["has_add_permission"]
    add = client.get(reverse(f"admin:clinic_{model}_add"))
    assert add.context["adminform"].form.fields


def test_therapist_list_shows_photo_credentials_and_status(admin_client, schedule):
    page = admin_client.get(reverse("admin:clinic_therapist_changelist")).content.decode()
    assert "Dana Whitfield" in page
    assert "RMT" in page
    assert ".webp" in page


def test_clinic_details_open_directly_and_cannot_be_added_or_deleted(admin_client, clinic):
    response = admin_client.get(reverse("admin:clinic_clinic_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:clinic_clinic_change", args=[clinic.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert "Booking policy" in page
    assert admin_client.get(reverse("admin:clinic_clinic_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:clinic_clinic_delete", args=[clinic.pk])).status_code == 403
    )


def _therapist_form(**overrides):
    data = {
        "name": "Sofia Reyes",
        "slug": "sofia-reyes",
        "title": "Registered Massage Therapist",
        "credentials": "RMT",
        "short_bio": "Prenatal massage.",
        "bio": "",
        "languages": "English, Spanish",
        "years_in_practice": "7",
        "accepting_new_patients": "on",
        "is_active": "on",
        "display_order": "10",
        "photo_alt": "",
        "working_hours-TOTAL_FORMS": "0",
        "working_hours-INITIAL_FORMS": "0",
        "working_hours-MIN_NUM_FORMS": "0",
        "working_hours-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def _hours(data, rows):
    data["working_hours-TOTAL_FORMS"] = str(len(rows))
    for index, (weekday, start, end) in enumerate(rows):
        data[f"working_hours-{index}-weekday"] = str(weekday)
        data[f"working_hours-{index}-start_time"] = start
        data[f"working_hours-{index}-end_time"] = end
    return data


def test_staff_add_a_therapist_with_photo_and_split_working_day(admin_client, clinic):
    data = _hours(_therapist_form(), [(0, "09:00", "12:30"), (0, "13:30", "18:00")])
    data["photo"] = image_upload("sofia.png", "PNG", size=(400, 500))
    data["photo_alt"] = "Sofia in the treatment room"
    response = admin_client.post(reverse("admin:clinic_therapist_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sofia = Therapist.objects.get(slug="sofia-reyes")
    assert sofia.photo.name.endswith("sofia.png")
    assert (sofia.photo_320.width, sofia.photo_320.height) == (320, 400)
    assert [str(block) for block in sofia.working_hours.all()] == [
        "Monday 09:00–12:30",
        "Monday 13:30–18:00",
    ]


def test_overlapping_blocks_on_one_day_are_refused_and_the_form_keeps_the_input(
    admin_client, clinic
):
    data = _hours(_therapist_form(), [(2, "09:00", "13:00"), (2, "12:00", "17:00")])
    response = admin_client.post(reverse("admin:clinic_therapist_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wednesday 09:00–13:00 overlaps Wednesday 12:00–17:00" in page
    assert 'value="Sofia Reyes"' in page
    assert not Therapist.objects.filter(slug="sofia-reyes").exists()


def test_the_same_hours_on_different_days_are_fine(admin_client, clinic):
    data = _hours(_therapist_form(), [(1, "09:00", "17:00"), (3, "09:00", "17:00")])
    assert admin_client.post(reverse("admin:clinic_therapist_add"), data).status_code == 302
    therapist = Therapist.objects.get()
    assert list(therapist.working_hours.values_list("weekday", flat=True)) == [1, 3]


def test_a_block_that_ends_before_it_starts_gets_a_message_next_to_the_field(admin_client, clinic):
    data = _hours(_therapist_form(), [(4, "17:00", "09:00")])
    page = admin_client.post(reverse("admin:clinic_therapist_add"), data).content.decode()
    assert "A block must end after it starts." in page


def test_a_renamed_pdf_is_refused_next_to_the_photo_field(admin_client, clinic):
    data = _therapist_form(
        photo=SimpleUploadedFile("me.jpg", PDF_BYTES, "image/jpeg"), photo_alt="x"
    )
    response = admin_client.post(reverse("admin:clinic_therapist_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["photo"] == [
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ]
    assert not Therapist.objects.exists()


def _post_time_off(client, therapist, start, end):
    return client.post(
        reverse("admin:clinic_timeoff_add"),
        {
            "therapist": therapist.pk,
            "start_0": "2030-07-02",
            "start_1": start,
            "end_0": "2030-07-02",
            "end_1": end,
            "note": "Dentist",
        },
    )


def test_time_off_is_entered_in_clinic_time_and_stored_in_utc(admin_client, clinic):
    response = _post_time_off(admin_client, TherapistFactory(), "09:00", "12:00")
    assert response.status_code == 302
    time_off = TimeOff.objects.get()
    # Toronto is UTC-4 in July.
    assert time_off.start == datetime.datetime(2030, 7, 2, 13, tzinfo=datetime.UTC)


def test_time_off_ending_before_it_starts_is_refused(admin_client, clinic):
    response = _post_time_off(admin_client, TherapistFactory(), "12:00", "09:00")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end"] == [
        "Time off must end after it starts."
    ]
    assert not TimeOff.objects.exists()


def test_clinic_time_zone_change_is_saved(admin_client, clinic):
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["time_zone"] = "Europe/London"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert Clinic.objects.current().time_zone == "Europe/London"


def test_the_time_zone_is_offered_as_a_list_of_places_and_checked(admin_client, clinic):
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    form = admin_client.get(url).context["adminform"].form
    offered = [value for value, _ in form.fields["time_zone"].widget.choices]
    assert "America/Toronto" in offered
    assert "Europe/London" in offered
    assert "Factory" not in offered
    assert "localtime" not in offered
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["time_zone"] = "Factory"
    response = admin_client.post(url, data)
    assert response.context["adminform"].form.errors["time_zone"] == [
        "Factory is not a place. Choose the zone of the clinic’s city."
    ]
    assert Clinic.objects.current().time_zone == "America/Toronto"


def test_no_migration_state_freezes_the_machines_time_zone_list():
    assert not Clinic._meta.get_field("time_zone").choices


def test_repeated_wrong_passwords_pause_sign_in_for_that_account(client, front_desk_user):
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": "desk", "password": "wrong guess"})
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert client.post(url, {"username": "desk", "password": "wrong guess"}).status_code == 429
    # Locked out now, even with the right password.
    locked = client.post(url, {"username": "desk", "password": "correct horse battery"})
    assert locked.status_code == 429
    assert "Sign-in paused for this account" in locked.content.decode()
    # Another account from the same address is not affected.
    UserFactory(username="owner", is_superuser=True)
    assert (
        client.post(url, {"username": "owner", "password": "correct horse battery"}).status_code
        == 302
    )


@pytest.fixture
def behind_the_production_proxy(monkeypatch, settings):
    """Sign-in throttling configured exactly as production configures it behind Caddy."""
    production = production_settings(monkeypatch)
    for name in ("AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_META_PRECEDENCE_ORDER", "IPWARE_STRICT"):
        setattr(settings, name, getattr(production, name))


def test_behind_the_proxy_a_stranger_cannot_lock_staff_out_at_their_own_address(
    client, front_desk_user, behind_the_production_proxy
):
    url = reverse("admin:login")
    stranger = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(6):
        client.post(url, {"username": "desk", "password": "wrong guess"}, **stranger)
    assert client.post(url, {"username": "desk", "password": "x"}, **stranger).status_code == 429
    # Pretending to be the front desk's address does not help: the proxy's own entry counts.
    forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    assert client.post(url, {"username": "desk", "password": "x"}, **forged).status_code == 429

    desk = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = client.post(url, {"username": "desk", "password": "correct horse battery"}, **desk)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(front_desk_user.pk)


def test_a_therapist_edits_her_own_profile_but_not_what_the_clinic_sets_nor_anyone_elses(client):
    from django.contrib.auth.models import Group

    dana = TherapistFactory(name="Dana Whitfield", slug="dana", short_bio="Old bio.")
    marcus = TherapistFactory(name="Marcus Oyelaran", slug="marcus")
    user = UserFactory(username="dana")
    user.groups.add(Group.objects.get(name="Therapists"))
    dana.user = user
    dana.save()
    client.force_login(user)
    url = reverse("admin:clinic_therapist_change", args=[dana.pk])
    form = client.get(url).context["adminform"].form
    assert "short_bio" in form.fields
    assert "is_active" not in form.fields  # read-only for her
    assert "display_order" not in form.fields
    data = {
        k: v for k, v in form.initial.items() if k in form.fields and v is not None and k != "photo"
    }
    data.update({"short_bio": "Deep tissue and sports massage.", "specialties": [],
                 "working_hours-TOTAL_FORMS": 0, "working_hours-INITIAL_FORMS": 0})  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    dana.refresh_from_db()
    assert dana.short_bio == "Deep tissue and sports massage."
    other = reverse("admin:clinic_therapist_change", args=[marcus.pk])
    assert "adminform" in client.get(other).context  # she may look
    assert client.post(other, {"short_bio": "Hacked."}).status_code == 403
    marcus.refresh_from_db()
    assert marcus.short_bio != "Hacked."
