from django.urls import path

from .views import mentoring, sessions

app_name = "mentorship"

urlpatterns = [
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/calendar.ics", sessions.public_feed, name="public_feed"),
    path("sessions/my-calendar/", sessions.my_calendar, name="my_calendar"),
    path("sessions/calendar/<str:token>.ics", sessions.private_feed, name="private_feed"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/report/", sessions.report, name="report"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>.ics", sessions.session_ics, name="session_ics"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/register/", sessions.register, name="register"),
    path(
        "sessions/<int:pk>/cancel-registration/",
        sessions.cancel_registration,
        name="cancel_registration",
    ),
    path("sessions/<int:pk>/attendance/", sessions.attendance, name="attendance"),
    path(
        "sessions/<int:pk>/attendance/<int:registration>/",
        sessions.mark_attendance,
        name="mark_attendance",
    ),
    path("sessions/<int:pk>/feedback/", sessions.feedback, name="feedback"),
    path("sessions/<int:pk>/materials/", sessions.add_material, name="add_material"),
    path(
        "sessions/<int:pk>/materials/<int:material>/",
        sessions.material_download,
        name="material_download",
    ),
    path("sessions/<int:pk>/recording/", sessions.set_recording, name="set_recording"),
    path("mentoring/", mentoring.mentoring, name="mentoring"),
    path("mentoring/mentor-profile/", mentoring.mentor_profile, name="mentor_profile"),
    path("mentoring/needs/", mentoring.mentee_needs, name="mentee_needs"),
    path("mentoring/invite/", mentoring.invite_mentor, name="invite_mentor"),
    path("mentoring/mentors/<int:pk>/request/", mentoring.request_mentor, name="request_mentor"),
    path("mentoring/<int:pk>/", mentoring.mentorship_detail, name="mentorship_detail"),
    path("mentoring/<int:pk>/accept/", mentoring.accept, name="accept"),
    path("mentoring/<int:pk>/decline/", mentoring.decline, name="decline"),
    path("mentoring/<int:pk>/complete/", mentoring.complete, name="complete"),
    path("mentoring/<int:pk>/meetings/", mentoring.log_meeting, name="log_meeting"),
    path("mentoring/<int:pk>/actions/<int:item>/", mentoring.tick, name="tick"),
    path("mentoring/rounds/", mentoring.rounds, name="rounds"),
    path("mentoring/rounds/<int:pk>/", mentoring.round_detail, name="round_detail"),
    path("mentoring/rounds/<int:pk>/join/", mentoring.join_round, name="join_round"),
    path("mentoring/rounds/<int:pk>/match/", mentoring.run_matcher, name="run_matcher"),
    path("mentoring/rounds/<int:pk>/pairs/<int:pair>/", mentoring.adjust_pair, name="adjust_pair"),
    path("mentoring/rounds/<int:pk>/confirm/", mentoring.confirm_round, name="confirm_round"),
]
