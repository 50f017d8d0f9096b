from clinic.models import Clinic


def clinic(request):
    # The middleware has usually loaded the clinic; a 404 raised before any view ran has not.
    current = getattr(request, "clinic", None) or Clinic.objects.current()
    return {"clinic": current, "canonical_url": request.build_absolute_uri(request.path)}
