from django.urls import path

from labourwatch_web.cases import referral_views

app_name = "referrals"
urlpatterns = [
    path("", referral_views.referral_list, name="list"),
    path("<int:referral>/", referral_views.referral_detail, name="detail"),
    path("<int:referral>/answer/", referral_views.referral_answer, name="answer"),
    path("<int:referral>/revoke/", referral_views.referral_revoke, name="revoke"),
]
