"""The project's fork of DRF's mixins."""


class CreateModelMixin:
    def create(self, request, *args, **kwargs):
        raise NotImplementedError


class DestroyModelMixin:
    def destroy(self, request, *args, **kwargs):
        raise NotImplementedError
