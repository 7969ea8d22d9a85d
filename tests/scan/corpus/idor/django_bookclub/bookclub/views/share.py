from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.template.response import TemplateResponse
from django.views import View

from ..models import ShareLink


class SharedShelf(LoginRequiredMixin, View):
    """Any member holding the link's random slug may see the shelf."""

    def get(self, request, slug):
        link = ShareLink.objects.filter(slug=slug).first()
        if link is None:
            raise Http404()
        return TemplateResponse(request, "shelf/shared.html", {"link": link})
