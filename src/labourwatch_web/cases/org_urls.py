from django.urls import path

from labourwatch_web.cases import org_views

app_name = "people"
urlpatterns = [
    path("", org_views.people, name="list"),
    path("self-check/", org_views.self_check, name="self_check"),
    path("<int:member>/", org_views.person_change, name="change"),
    path("<int:member>/second-factor/", org_views.second_factor_reset, name="second_factor"),
    path("<int:member>/password-link/", org_views.new_password_link, name="password_link"),
]
