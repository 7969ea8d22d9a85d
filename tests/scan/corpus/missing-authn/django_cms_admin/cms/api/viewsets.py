"""Base viewsets of the project's API framework, extended by the apps' viewsets."""
from rest_framework import generics

from . import mixins


class GenericViewSet(generics.GenericAPIView):
    """No actions of its own."""


class ModelCrudViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, GenericViewSet):
    pass
