"""Signing up from an article, the library or any footer: double opt-in, the consent kept, one
answer whatever the address, errors beside the field, and the form working on kept pages."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.mailing import consent, services
from articles.mailing.models import Subscriber
from clinic import limiter
from emails.models import Email
from tests.articles.mailing.conftest import SIGNUP, link_in, signup_fields
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
CHECK_EMAIL = reverse("mailing:check_email")


@pytest.fixture
def article(clinic):
    return ArticleFactory(title="Does massage help low back pain?", slug="back-pain")


def test_an_article_shows_one_sign_up_form_and_the_library_and_other_pages_theirs(
    client, clinic, article
):
    assert [form["place"] for form in signup_fields(client.get("/articles/back-pain/").text)] == [
        "article"
    ]  # the footer's is left out where the page has one
    assert [form["place"] for form in signup_fields(client.get("/articles/").text)] == ["library"]
    assert [form["place"] for form in signup_fields(client.get("/services/").text)] == ["footer"]
    page = client.get("/articles/back-pain/").text
    assert escape(consent.wording(clinic)) in page
    assert 'for="id_signup_article_email"' in page  # a visible label


def test_a_sign_up_emails_a_link_to_confirm_and_keeps_the_consent(sign_up, clinic, article):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)):
        response = sign_up("Reader@Example.com", place="article", path="/articles/back-pain/")
    assert response.status_code == 302
    assert response.url == CHECK_EMAIL
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.com"
    assert subscriber.confirmed_at is None  # nothing but the confirmation until they say yes
    assert (subscriber.place, subscriber.path) == ("article", "/articles/back-pain/")
    assert subscriber.asked_at == datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
    assert subscriber.wording == consent.wording(clinic)
    assert "Test Clinic" in subscriber.wording
    assert "once a week" in subscriber.wording

    [email] = mail.outbox
    assert email.to == ["reader@example.com"]
    assert email.subject == "Please confirm: Test Clinic's new articles by email"
    assert "1 Main Street" in email.body
    assert "Test Clinic" in email.body
    assert link_in(email, "confirm") == reverse("mailing:confirm", args=[subscriber.confirm_token])


def test_the_answer_never_says_whether_an_address_was_on_the_list(
    client, sign_up, clinic, subscriber
):
    new = sign_up("new@example.com")
    known = sign_up("reader@example.com")
    assert (new.status_code, new.url) == (known.status_code, known.url) == (302, CHECK_EMAIL)
    # The one already on the list is sent nothing, and its consent record stands.
    assert [email.to for email in mail.outbox] == [["new@example.com"]]
    subscriber.refresh_from_db()
    assert subscriber.place == "article"
    page = client.get(CHECK_EMAIL).text
    assert "Unless this address is on our list already" in page
    assert "reader@example.com" not in page


def test_signing_up_again_before_confirming_sends_a_new_link(client, sign_up, clinic):
    sign_up()
    first = Subscriber.objects.get().confirm_token
    sign_up(place="footer", path="/services/")
    subscriber = Subscriber.objects.get()
    assert subscriber.confirm_token != first
    assert (subscriber.place, subscriber.path) == ("footer", "/services/")
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please give the email address the articles should go to."),
        ("reader@", "This does not look like an email address."),
    ],
)
def test_a_bad_address_is_named_next_to_the_field_as_typed(sign_up, clinic, typed, message):
    response = sign_up(typed, place="footer", path="/services/")
    assert response.status_code == 200
    page = response.text
    assert message in page
    assert f'value="{typed}"' in page or not typed
    [form] = signup_fields(page)
    assert (form["place"], form["path"]) == ("footer", "/services/")  # where it was, kept
    assert 'aria-invalid="true"' in page or "is-invalid" in page
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_a_filled_honeypot_stores_and_sends_nothing(client, sign_up, clinic):
    response = sign_up(website="https://spam.example")
    assert "We could not sign up this address" in response.text
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_the_limiter_stops_a_third_sign_up_of_one_address_a_day(sign_up, clinic):
    sign_up("target@example.com")
    sign_up("target@example.com")
    third = sign_up("target@example.com")
    assert third.status_code == 200
    assert "several of these for this email address" in third.text
    assert 'value="target@example.com"' in third.text
    assert len(mail.outbox) == 2


def test_the_limiter_stops_one_connection_signing_up_many_addresses(client, sign_up, clinic):
    for number in range(5):
        assert sign_up(f"reader{number}@example.com").status_code == 302
    sixth = sign_up("reader6@example.com")
    assert "from your internet connection in the last hour" in sixth.text
    assert Subscriber.objects.count() == 5


def test_the_outbox_caps_confirmations_to_one_address_a_day(clinic, monkeypatch):
    # Even with the limiter's figure raised, a stranger cannot flood someone's inbox.
    monkeypatch.setitem(limiter.RULES, "subscribe", limiter.Rule(50, 50))
    for number in range(4):
        services.subscribe(
            email="target@example.com", place="footer", path="/", wording="w",
            client_key=f"connection-{number}",
        )  # fmt: skip
    sent = Email.objects.filter(kind="mailing_confirm")
    assert sent.exclude(status=Email.Status.HELD).count() == 2


def test_a_kept_article_page_signs_up_two_different_visitors(
    sign_up, article, django_assert_num_queries
):
    """The page is kept whole for anonymous readers: its form has no CSRF token (a token is one
    visitor's), and its post, exempt from the token, works for anyone it is served to."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get("/articles/back-pain/")
    with django_assert_num_queries(0):  # the second is served the kept page
        page_two = second.get("/articles/back-pain/")
    assert page_one.content == page_two.content
    assert "csrfmiddlewaretoken" not in page_one.text
    assert not page_one.cookies
    for visitor, page, email in [
        (first, page_one, "one@example.com"),
        (second, page_two, "two@example.com"),
    ]:
        [fields] = signup_fields(page.text)
        fields = {**fields, "email": email, "visitor": visitor}
        response = sign_up(**fields, HTTP_ORIGIN="http://testserver")
        assert response.status_code == 302
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "one@example.com", "two@example.com",
    ]  # fmt: skip


def test_a_post_from_another_site_is_shown_our_form_to_send_from_here(client, sign_up, clinic):
    response = sign_up(HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 200
    assert "Please press Subscribe to send this from our own page." in response.text
    assert 'value="reader@example.com"' in response.text
    assert not Subscriber.objects.exists()
    assert sign_up(HTTP_ORIGIN="http://testserver").status_code == 302


def test_the_list_page_shows_the_form_alone(client, clinic):
    page = client.get(SIGNUP).text
    assert [form["place"] for form in signup_fields(page)] == ["newsletter"]


def test_an_unconfirmed_sign_up_expires_after_a_week(client, sign_up, clinic):
    sign_up()
    link = link_in(mail.outbox[0], "confirm")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert client.get(link).status_code == 410
        assert client.post(link).status_code == 410
    assert Subscriber.objects.get().confirmed_at is None


def test_no_sign_up_on_a_patients_appointment_page_or_in_the_booking_flow(client, clinic):
    """A patient managing a visit (a page its secret link opens) or booking one is doing
    something else: no second email field beside theirs, no offer to subscribe, and so no form
    that would carry the page's token (a posted token is dropped anyway: the test below)."""
    from booking.models import Appointment
    from tests.factories import ServiceFactory, TherapistFactory

    start = timezone.now() + datetime.timedelta(days=2)
    visit = Appointment.objects.create(
        service=ServiceFactory(), therapist=TherapistFactory(), start=start,
        end=start + datetime.timedelta(hours=1), hold_until=start + datetime.timedelta(hours=1),
        patient_name="Avery Chen", patient_email="avery@example.com",
    )  # fmt: skip
    page = client.get(visit.patient_url())
    assert page.status_code == 200
    assert signup_fields(page.text) == []
    booking = client.get("/book/")
    assert booking.status_code == 200
    assert signup_fields(booking.text) == []
    assert [form["place"] for form in signup_fields(client.get("/services/").text)] == ["footer"]


@pytest.mark.parametrize(
    ("posted", "kept"),
    [
        ("/book/appointment/tok3n-abc/cancel/", "/book/appointment//cancel/"),
        ("/book/welcome-back/tok3n-abc/", "/book/welcome-back//"),
        ("/book/waitlist/tok3n-abc/", "/book/waitlist//"),
        ("/comments/delete/tok3n-abc/", "/comments/delete//"),
    ],
)
def test_a_posted_secret_path_is_kept_without_its_token(sign_up, clinic, posted, kept):
    # A page served before the fix, or a post made by hand, still keeps no token.
    assert sign_up(place="footer", path=posted).status_code == 302
    assert Subscriber.objects.get().path == kept


@pytest.mark.parametrize("kind", ["article", "missing page"])
def test_a_sign_up_from_a_page_with_a_long_address_is_kept_cut(client, sign_up, clinic, kind):
    # An article's slug may be 200 characters, a missing page's path anything: the record keeps
    # the first 200, and the reader is signed up (the hidden field's error was never shown).
    if kind == "article":
        address = ArticleFactory(slug="a" * 200).get_absolute_url()
    else:
        address = "/" + "no-such-page/" * 20
    assert len(address) > 200
    page = client.get(address)
    [fields] = signup_fields(page.text)
    assert fields["path"] == address[:200]
    assert sign_up(**{**fields, "email": "reader@example.com"}).status_code == 302
    assert sign_up("other@example.com", path=address).status_code == 302  # a post of the whole
    assert [subscriber.path for subscriber in Subscriber.objects.order_by("pk")] == [
        address[:200],
        address[:200],
    ]
