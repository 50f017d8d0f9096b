"""The clinic's part of /sitemap.xml: therapist and service pages."""

from django.contrib.sitemaps import Sitemap

from clinic.models import Service, Therapist


class TherapistSitemap(Sitemap):
    def items(self):
        return Therapist.objects.active()

    def lastmod(self, therapist):
        return therapist.modified_at


class ServiceSitemap(Sitemap):
    def items(self):
        return Service.objects.active()

    def lastmod(self, service):
        return service.modified_at
