import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from booking.models import Appointment
from booking.rules.services import first_clash
from clinic.models import Therapist

pytestmark = pytest.mark.django_db


def test_a_busy_clinic_is_grown_from_the_demo_without_breaking_a_rule(capsys):
    call_command("load_demo", password="demo-pass-1")
    call_command("load_benchmark_data", therapists=6, articles=14, appointments=600)
    assert "6 therapists, 14 articles and 600 appointments" in capsys.readouterr().out
    assert Therapist.objects.count() == 6
    assert Article.objects.count() == 14
    assert all(first_clash(appointment) is None for appointment in Appointment.objects.active())
    now = timezone.now()
    past = Appointment.objects.filter(start__lt=now)
    future = Appointment.objects.filter(start__gt=now)
    assert past.exists()  # two years behind
    assert future.exists()  # and a month ahead
    assert set(future.values_list("status", flat=True)) <= {"requested", "confirmed"}
    newcomer = Therapist.objects.get(slug="bench-therapist-5")
    assert newcomer.working_hours.count() == 10
    assert newcomer.services.exists()
    oldest = past.order_by("start").first().start
    assert (now - oldest).days > 600
    call_command("load_benchmark_data", therapists=6, articles=14, appointments=600)
    assert Appointment.objects.count() == 600  # a second run finds the clinic busy enough


def test_benchmark_data_needs_the_demo_first():
    with pytest.raises(CommandError, match="Load the demo first"):
        call_command("load_benchmark_data", appointments=1)
