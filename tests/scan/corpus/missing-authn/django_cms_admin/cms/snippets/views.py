"""The admin's own generic views: they look like Django's and DRF's by name only."""
from django.utils.translation import gettext_lazy as _

from cms.admin.views.generic import CreateView, DeleteView
from cms.admin.viewsets import ModelViewSet

from ..models import Comment, Page


class PageCreateView(CreateView):
    model = Page
    permission_policy = "pages"


class CommentDeleteView(DeleteView):
    model = Comment


class PageViewSet(ModelViewSet):
    model = Page
    add_view_class = PageCreateView
    menu_label = _("Pages")
