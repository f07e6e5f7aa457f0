from django.urls import path

from labourwatch_web.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/answers/", views.case_answers, name="answers"),
    path("<int:pk>/close/", views.case_close, name="close"),
]
