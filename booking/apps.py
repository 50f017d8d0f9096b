from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Appointments"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from booking.models import Appointment
        from clinic import page_cache

        # A booked, moved, cancelled or expired visit changes the free times the booking pages
        # show (clinic/page_cache.py keeps them under the calendar version).
        for signal in (post_save, post_delete):
            signal.connect(page_cache.bump_calendar, sender=Appointment, dispatch_uid="calendar")
        # The request flow's steps are kept with the calendar; its other pages never.
        page_cache.keep_with_calendar("booking:start")
