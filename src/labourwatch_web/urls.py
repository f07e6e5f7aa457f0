from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from labourwatch_web.cases.api import api
from labourwatch_web.cases.views import LoginView, two_factor

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list")),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor, name="two_factor"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/", include("labourwatch_web.cases.urls")),
    path("api/", api.urls),
]
