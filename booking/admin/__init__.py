"""The front desk's workplace: one module a screen (appointments, calendar, dashboard)."""

from booking.admin import appointments  # noqa: F401  (registers the Appointment admin)
