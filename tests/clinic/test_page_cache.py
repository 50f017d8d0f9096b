"""The anonymous page cache (clinic/page_cache.py): fast, and never stale."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITORS
from articles.models import Article
from clinic import page_cache
from clinic.models import LimitedAction, Service
from tests.conftest import sign_in_as
from tests.factories import (
    ArticleFactory,
    ServiceFactory,
    TherapistFactory,
    TopicFactory,
    WorkingHoursFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(clinic):
    dana = TherapistFactory(name="Dana Whitfield", slug="dana")
    service = ServiceFactory(name="Deep tissue massage", slug="deep-tissue", therapists=[dana])
    topic = TopicFactory(name="Back pain", slug="back-pain")
    article = ArticleFactory(title="Heat at home", slug="heat-at-home", author_therapist=dana)
    article.topics.add(topic)
    return {"dana": dana, "service": service, "topic": topic, "article": article}


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_public_page_is_rendered_once_then_served_without_queries(client, site):
    paths = ["/", "/articles/", "/therapists/", "/services/", site["article"].get_absolute_url()]
    for path in paths:
        first = page(client, path)
        with CaptureQueriesContext(connection) as queries:
            again = page(client, path)
        assert again == first
        assert len(queries) == 0, path


def rename(obj, field, value):
    setattr(obj, field, value)
    obj.save()


def test_a_changed_article_shows_at_once(client, site):
    path = site["article"].get_absolute_url()
    page(client, path)
    rename(site["article"], "title", "Warmth at home")
    assert "Warmth at home" in page(client, path)


def test_a_changed_topic_shows_at_once(client, site):
    page(client, "/articles/")
    rename(site["topic"], "name", "Low back")
    assert "Low back" in page(client, "/articles/")


def test_a_changed_therapist_shows_at_once(client, site):
    page(client, "/therapists/")
    rename(site["dana"], "name", "Dana W. Whitfield")
    assert "Dana W. Whitfield" in page(client, "/therapists/")


def test_a_changed_service_shows_at_once(client, site):
    page(client, "/services/")
    rename(site["service"], "name", "Deep tissue work")
    assert "Deep tissue work" in page(client, "/services/")


def test_changed_clinic_details_show_at_once(client, site, clinic):
    page(client, "/about/")
    rename(clinic, "phone", "+1 416-555-0199")
    assert "416-555-0199" in page(client, "/about/")


def test_a_changed_schedule_renders_pages_afresh(client, site):
    # No public page prints the hours yet; any that does will never show old ones.
    path = site["dana"].get_absolute_url()
    page(client, path)
    WorkingHoursFactory(
        therapist=site["dana"], weekday=5, start_time=datetime.time(7), end_time=datetime.time(8)
    )
    with CaptureQueriesContext(connection) as queries:
        page(client, path)
    assert len(queries) > 0


def test_a_new_link_between_records_shows_at_once(client, site):
    other = TopicFactory(name="Sleep", slug="sleep")
    page(client, site["article"].get_absolute_url())
    site["article"].topics.add(other)  # many-to-many: no save of either record
    assert "Sleep" in page(client, site["article"].get_absolute_url())


def test_a_scheduled_article_appears_at_its_publish_time_without_any_save(client, site):
    at = timezone.now() + datetime.timedelta(minutes=3)
    ArticleFactory(
        title="Coming soon", slug="coming-soon", status=Article.Status.SCHEDULED, published_at=at
    )
    assert "Coming soon" not in page(client, "/articles/")
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert "Coming soon" in page(client, "/articles/")


def test_staff_never_get_or_fill_the_anonymous_cache(client, site):
    path = site["article"].get_absolute_url()
    anonymous = page(client, path)
    sign_in_as(client, EDITORS, username="editor")
    Article.objects.filter(pk=site["article"].pk).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=1)
    )  # an update() sends no signal: only a fresh render can show the marker
    staff = page(client, path)
    assert "Review due" in staff
    assert staff != anonymous
    client.logout()
    client.cookies.clear()
    assert "Review due" not in page(client, path)


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, site):
    page(client, "/")
    client.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as queries:
        page(client, "/")
    assert len(queries) > 0


def test_the_booking_flows_forms_and_errors_are_never_cached(client, site):
    # The steps before the details are kept on their own terms (tests/booking/test_kept_pages).
    sign_in = reverse("booking:sign_in")
    assert client.get(sign_in).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(sign_in)
    assert len(queries) > 0
    assert client.get("/no-such-page/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        client.get("/no-such-page/")
    assert len(queries) > 0


def test_a_kept_page_is_sent_in_one_piece(client, site):
    # The feed writes itself in many pieces; sent one by one, each went out in its own packet.
    client.get("/articles/feed/")
    kept = client.get("/articles/feed/")
    assert len(list(kept)) == 1
    assert b"Heat at home" in kept.content


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        page(client, path)
    return len(queries)


def test_a_session_cookie_naming_no_session_gets_the_kept_page(client, site):
    kept = page(client, "/")
    client.cookies["sessionid"] = "k" * 32  # the form of a session key, but no such session
    with CaptureQueriesContext(connection) as queries:
        assert page(client, "/") == kept
    assert len(queries) == 1  # only the look-up of the session
    client.cookies["sessionid"] = "not a key; at all"
    assert queries_for(client, "/") == 0


def test_a_made_up_session_cookie_fills_the_kept_page_for_everyone(client, site):
    client.cookies["sessionid"] = "k" * 32
    page(client, "/therapists/")
    assert queries_for(Client(), "/therapists/") == 0


def test_a_live_session_still_gets_a_fresh_page(client, site):
    page(client, "/")
    session = client.session
    session["draft"] = "typed"
    session.save()
    assert queries_for(client, "/") > 1


@pytest.mark.parametrize("junk", ["utm_source=news", "x=1&y=2", "page=2", "q=heat"])
def test_made_up_parameters_share_the_plain_pages_entry(client, site, junk):
    path = site["article"].get_absolute_url()
    for plain in ("/", "/therapists/", path):
        kept = page(client, plain)
        with CaptureQueriesContext(connection) as queries:
            assert page(client, f"{plain}?{junk}") == kept
        assert len(queries) == 0, plain


def test_the_library_keeps_apart_what_it_reads_and_nothing_else(client, site):
    plain = page(client, "/articles/")
    search = page(client, "/articles/?q=heat")
    assert search != plain
    assert "found for" in search
    assert queries_for(client, "/articles/?utm_source=news") == 0
    assert page(client, "/articles/?utm_source=news") == plain
    # One page, however its number is spelled: made-up spellings make no new entries.
    for spelling in ("page=1", "page=01", "page=0001"):
        assert queries_for(client, f"/articles/?{spelling}") == 0, spelling


def test_searches_are_never_kept_so_made_up_words_cannot_fill_the_cache(client, site):
    page(client, "/articles/?q=heat")
    assert queries_for(client, "/articles/?q=heat") > 0
    assert "found for" in page(client, "/articles/?q=heat")


MISSING_TABLE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "no_such_cache_table",
    }
}


@pytest.fixture
def failing_cache(settings):
    settings.CACHES = MISSING_TABLE


@pytest.fixture
def registered_when_shown():
    """LimitedAction (which clinic leaves out) registered with a condition: rows whose action
    starts with "shown" are on a page. Unregistered afterwards."""
    page_cache.bump_on_change([LimitedAction], when=lambda row: row.action.startswith("shown"))
    yield
    for signal in (post_save, post_delete):
        signal.disconnect(sender=LimitedAction, dispatch_uid="page-clinic.LimitedAction")


def test_a_condition_bumps_only_for_the_rows_a_page_shows(client, site, registered_when_shown):
    def changes(act):
        cache.set(page_cache.VERSION_KEY, "before", timeout=None)
        act()
        return cache.get(page_cache.VERSION_KEY) != "before"

    unseen = LimitedAction(action="unseen", at=timezone.now())
    assert not changes(unseen.save)
    assert not changes(unseen.delete)
    shown = LimitedAction(action="shown", at=timezone.now())
    assert changes(shown.save)
    assert changes(shown.delete)


def test_a_failing_cache_means_uncached_pages_not_errors(client, site, caplog, failing_cache):
    paths = ["/", "/articles/", "/therapists/", "/services/", site["article"].get_absolute_url()]
    for path in [*paths, "/book/"]:
        assert client.get(path).status_code == 200, path
    assert "Page cache unavailable" in caplog.text
    assert "no_such_cache_table" not in caplog.text


def test_a_change_saved_while_the_cache_fails_is_saved(site, failing_cache):
    with transaction.atomic():  # as the admin saves: the cache's failure must not abort it
        rename(site["service"], "name", "Deep tissue work")
        assert Service.objects.filter(name="Deep tissue work").exists()
    assert Service.objects.get(pk=site["service"].pk).name == "Deep tissue work"


def test_every_migrate_creates_the_database_caches_table(client, site, failing_cache):
    assert client.get("/").status_code == 200
    # What `migrate` sends at its end, whether or not it applied anything.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert "no_such_cache_table" in connection.introspection.table_names()
    page(client, "/")
    with CaptureQueriesContext(connection) as queries:
        page(client, "/")  # kept now: read from the cache's table alone
    reads = [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]]
    assert reads
    assert all("no_such_cache_table" in sql for sql in reads)


def test_a_failing_cache_does_not_take_down_a_page_with_a_photo(client, clinic, failing_cache):
    # A name of its own: a rendition URL known from another test would not ask the cache.
    photo = image_upload(name="failing-cache.jpg", size=(800, 1000))
    therapist = TherapistFactory(photo=photo, photo_alt="Dana smiling")
    assert client.get(therapist.get_absolute_url()).status_code == 200


def test_an_expired_session_is_no_session(client, site):
    from django.contrib.sessions.models import Session

    session = client.session
    session["draft"] = "typed"
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )
    page(Client(), "/therapists/")
    assert queries_for(client, "/therapists/") == 1  # the session looked up, then the kept page
