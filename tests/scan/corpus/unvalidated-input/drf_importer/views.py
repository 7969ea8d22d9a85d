"""Bulk import/export API for the catalogue (Django REST framework)."""

import csv
import io
import os

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response

EXPORT_DIR = settings.EXPORT_DIR


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    delimiter = serializers.ChoiceField(choices=[",", ";", "\t"], default=",")


@api_view(["POST"])
@permission_classes([IsAdminUser])
def import_products(request):
    serializer = ImportSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    upload = serializer.validated_data["file"]
    name = default_storage.save(f"imports/{upload.name}", upload)
    with default_storage.open(name) as fh:
        rows = list(
            csv.DictReader(io.TextIOWrapper(fh), delimiter=serializer.validated_data["delimiter"])
        )
    return Response({"rows": len(rows)}, status=status.HTTP_201_CREATED)


@api_view(["POST"])
@permission_classes([IsAdminUser])
def import_products_raw(request):
    upload = request.FILES["file"]
    target = os.path.join(settings.MEDIA_ROOT, "imports", upload.name)
    with open(target, "wb") as out:  # expect: PR107
        for chunk in upload.chunks():
            out.write(chunk)
    return Response({"stored": upload.name}, status=status.HTTP_201_CREATED)


@api_view(["GET"])
@permission_classes([IsAdminUser])
def export_file(request):
    name = request.query_params.get("name", "products.csv")
    return FileResponse(open(os.path.join(EXPORT_DIR, name), "rb"))  # expect: PR107


@api_view(["GET"])
@permission_classes([IsAdminUser])
def export_latest(request):
    names = sorted(os.listdir(EXPORT_DIR))
    if not names:
        return Response(status=status.HTTP_404_NOT_FOUND)
    return FileResponse(open(os.path.join(EXPORT_DIR, names[-1]), "rb"))


@api_view(["POST"])
def done(request):
    next_url = request.data.get("next", "/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect("/")


@api_view(["GET"])
def back_to_list(request):
    query = request.GET.copy()
    query.pop("page", None)
    return redirect(f"{request.path}?{query.urlencode()}")


@api_view(["GET"])
def continue_to(request):
    return redirect(request.query_params["continue"])  # expect: PR107
