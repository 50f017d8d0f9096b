from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import DetailView, ListView, TemplateView

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


@without_clinic
@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers and uptime checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
