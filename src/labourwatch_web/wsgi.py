import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labourwatch_web.settings")
application = get_wsgi_application()

from labourwatch_web.cases import services  # noqa: E402 (the models load once Django is set up)

services.warm()
