"""The front desk's workplace: one module a screen (appointments, calendar, dashboard)."""

from booking.admin import appointments, note_template, patients, waitlist  # noqa: F401  (they register the admins)
