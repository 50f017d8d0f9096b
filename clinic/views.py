import datetime

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.tasks import TaskResultStatus
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import DetailView, ListView, TemplateView
from django_tasks_db.models import DBTaskResult

from clinic.middleware import without_clinic
from clinic.models import Service, Therapist


class HomeView(TemplateView):
    template_name = "clinic/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["services"] = Service.objects.active()[:6]
        context["therapists"] = Therapist.objects.for_listing()[:4]
        return context


class AboutView(TemplateView):
    template_name = "clinic/clinic_about.html"


class PrivacyView(TemplateView):
    template_name = "clinic/clinic_privacy.html"


class TherapistListView(ListView):
    template_name = "clinic/therapist_list.html"
    context_object_name = "therapists"

    def get_queryset(self):
        return Therapist.objects.for_listing()


class TherapistDetailView(DetailView):
    template_name = "clinic/therapist_detail.html"
    context_object_name = "therapist"

    def get_queryset(self):
        return Therapist.objects.active().prefetch_related("specialties")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["services"] = self.object.services.active()
        return context


class ServiceListView(ListView):
    template_name = "clinic/service_list.html"
    context_object_name = "services"

    def get_queryset(self):
        return Service.objects.active()


class ServiceDetailView(DetailView):
    template_name = "clinic/service_detail.html"
    context_object_name = "service"

    def get_queryset(self):
        return Service.objects.active()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["therapists"] = self.object.therapists.for_listing()
        return context


@require_GET
def favicon(request):
    # Resolved per request: the hashed static name exists only once collectstatic has run.
    return redirect(static("img/favicon.svg"), permanent=True)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /book/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# Emails waiting this long past their time mean no worker is running.
WORKER_LATE = datetime.timedelta(minutes=10)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _static_ok():
    """With hashed static files (production), collectstatic's manifest must be there: without
    it every page that links a stylesheet answers 500."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return True
    try:
        staticfiles_storage.url("css/site.css")
    except ValueError:
        return False
    return True


def _worker_ok():
    """No background task (email) overdue: someone is running `manage.py worker`."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return True  # tasks run at once; there is no worker to watch
    late = timezone.now() - WORKER_LATE
    return not DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lt=late
    ).exists()


@without_clinic
@never_cache
@require_safe
def healthz(request):
    """200 when the site can serve and send, 503 otherwise: for load balancers and uptime checks.

    Checks the database, the static files' manifest and that queued emails are being sent.
    """
    if not _database_ok():
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    checks = {
        "database": "ok",
        "static": "ok" if _static_ok() else "missing manifest: run collectstatic",
        "worker": "ok" if _worker_ok() else "emails overdue: is the worker running?",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
