from django.urls import path

from booking import views

app_name = "booking"

urlpatterns = [
    path("", views.RequestStartView.as_view(), name="start"),
    path("details/", views.RequestDetailsView.as_view(), name="details"),
    path("waitlist/", views.join_waitlist, name="waitlist"),
    path("welcome-back/", views.returning_sign_in, name="sign_in"),
    path("welcome-back/<str:token>/", views.welcome_back, name="welcome_back"),
    path("waitlist/<str:token>/", views.claim_waitlist_time, name="waitlist_claim"),
    path("appointment/<str:token>/", views.manage_appointment, name="manage"),
    path("appointment/<str:token>/calendar.ics", views.appointment_calendar, name="calendar"),
    path("appointment/<str:token>/cancel/", views.cancel_appointment, name="cancel"),
    path("appointment/<str:token>/move/", views.move_appointment, name="move"),
]
