from django.urls import path
from django.views.decorators.gzip import gzip_page

from labourwatch_web.cases import selfcheck_views

# Compressed for phones on slow networks; only these public pages, which hold no secret a compression
# side channel could reveal (BREACH), unlike the staff's pages with their CSRF tokens.
app_name = "selfcheck"
urlpatterns = [
    path("", gzip_page(selfcheck_views.choose), name="choose"),
    path("<str:lang>/", gzip_page(selfcheck_views.check), name="check"),
    path("<str:lang>/help/", gzip_page(selfcheck_views.ask), name="ask"),
]
