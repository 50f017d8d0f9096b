import pytest
from django.core.management import CommandError, call_command

from booking.models import Appointment
from booking.services import first_clash
from clinic.models import Service, Therapist

pytestmark = pytest.mark.django_db


def test_benchmark_data_grows_the_demo_clinic_without_breaking_a_rule(capsys):
    call_command("load_demo", password="demo-pass-1")
    therapists, services = Therapist.objects.count(), Service.objects.count()
    requests = Appointment.objects.count()
    call_command("load_benchmark_data", count=6)
    assert "Added 6 therapists, 6 services, 6 requests." in capsys.readouterr().out
    assert Therapist.objects.count() == therapists + 6
    assert Service.objects.count() == services + 6
    assert Appointment.objects.count() == requests + 6
    assert all(first_clash(appointment) is None for appointment in Appointment.objects.active())
    call_command("load_benchmark_data", count=2)  # again: new names, no clash
    assert Therapist.objects.filter(slug__startswith="bench-therapist-").count() == 8


def test_benchmark_data_needs_the_demo_first():
    with pytest.raises(CommandError, match="Load the demo first"):
        call_command("load_benchmark_data", count=1)
