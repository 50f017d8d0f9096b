"""What the booking pages (templates/booking/) show a visitor."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_service_step_shows_no_template_comment_to_a_visitor(client, massage):
    page = client.get(reverse("booking:start")).content.decode()
    assert massage.name in page
    assert "{#" not in page
    assert "#}" not in page
    assert "CSRF token" not in page
