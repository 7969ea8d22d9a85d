from django.views.generic import CreateView
from rest_framework import viewsets

from cms.models import Page


class TestCreateView(CreateView):
    model = Page
    fields = ["title"]


class PageTestViewSet(viewsets.ModelViewSet):
    queryset = Page.objects.all()
