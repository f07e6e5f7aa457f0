from django.contrib.auth import views as auth_views
from django.urls import include, path

from labourwatch_web.cases import claim_views, org_views, supervision_views
from labourwatch_web.cases.api import api
from labourwatch_web.cases.views import LoginView, home, two_factor

urlpatterns = [
    path("", home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor, name="two_factor"),
    path("welcome/<uidb64>/<token>/", org_views.WelcomeView.as_view(), name="welcome"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cases/export.csv", org_views.export, name="export"),
    path("cases/evidence.csv", org_views.evidence, name="evidence"),
    path("cases/htcds/", org_views.htcds_check, name="htcds"),
    path("cases/htcds.csv", org_views.htcds_file, name="htcds_file"),
    path("cases/import/", org_views.case_import, name="case_import"),
    path("cases/", include("labourwatch_web.cases.urls")),
    path("people/", include("labourwatch_web.cases.org_urls")),
    path("referrals/", include("labourwatch_web.cases.referral_urls")),
    path("claims/", claim_views.claim_list, name="claims"),
    path("tasks/", supervision_views.tasks, name="tasks"),
    path("dashboard/", supervision_views.dashboard, name="dashboard"),
    path("counts/", org_views.counts, name="counts"),
    path("api/", api.urls),
    path("check/", include("labourwatch_web.cases.selfcheck_urls")),  # public: the worker's own check
]
