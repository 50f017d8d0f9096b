from django.views.generic import TemplateView


class RequestStartView(TemplateView):
    """Until online requests open, the booking page tells patients how to reach the front desk."""

    template_name = "booking/appointment_start.html"
