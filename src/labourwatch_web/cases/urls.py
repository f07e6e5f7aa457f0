from django.urls import path

from labourwatch_web.cases import claim_views, referral_views, supervision_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/answers/", views.case_answers, name="answers"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/closure/", views.case_closure, name="closure"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/claim/", views.case_claim, name="claim"),
    path("<int:pk>/services/", views.service_add, name="service_add"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/services/<int:service>/done/", views.service_done, name="service_done"),
    path("<int:pk>/consents/", referral_views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent>/withdraw/", referral_views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/consents/<int:consent>/file/", referral_views.consent_file, name="consent_file"),
    path("<int:pk>/refer/", referral_views.refer, name="refer"),
    path("<int:pk>/plan/approve/", supervision_views.plan_approve, name="plan_approve"),
    path("<int:pk>/legal-claim/", claim_views.claim_build, name="claim_build"),
    path("<int:pk>/legal-claim/stages/", claim_views.stage_add, name="stage_add"),
    path("<int:pk>/legal-claim/stages/<int:stage>/document/", claim_views.stage_document, name="stage_document"),
    path("<int:pk>/legal-claim/recovered/", claim_views.recovered, name="recovered"),
]
