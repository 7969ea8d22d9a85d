from django.urls import path

from ..auth import require_admin_access
from ..urlpatterns import decorate_urlpatterns
from .views import chooser

urlpatterns = [
    path("choose-external-link/", chooser.ExternalLinkView.as_view()),
    path("upload/", chooser.chooser_upload),
]
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
