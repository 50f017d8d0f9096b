from django.urls import path

from booking.views import appointment, request, sign_in, waitlist
from clinic import secret_routes  # noqa: F401 (registers the `secret` converter)

app_name = "booking"

urlpatterns = [
    path("", request.RequestStartView.as_view(), name="start"),
    path("details/", request.RequestDetailsView.as_view(), name="details"),
    path("waitlist/", waitlist.join_waitlist, name="waitlist"),
    path("welcome-back/", sign_in.returning_sign_in, name="sign_in"),
    path("welcome-back/<secret:token>/", sign_in.welcome_back, name="welcome_back"),
    path("waitlist/<secret:token>/", waitlist.claim_waitlist_time, name="waitlist_claim"),
    path("waitlist/<secret:token>/confirm/", waitlist.confirm_waitlist, name="waitlist_confirm"),
    path("appointment/<secret:token>/", appointment.manage_appointment, name="manage"),
    path(
        "appointment/<secret:token>/calendar.ics", appointment.appointment_calendar, name="calendar"
    ),
    path("appointment/<secret:token>/cancel/", appointment.cancel_appointment, name="cancel"),
    path("appointment/<secret:token>/move/", appointment.move_appointment, name="move"),
]
