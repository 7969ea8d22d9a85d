"""Serve a document from the storage directory; views call this with a path they built."""
import os
import stat

from django.http import FileResponse, HttpResponseNotModified
from django.utils.http import http_date


def sendfile(request, filename, **kwargs):
    statobj = os.stat(filename)
    if request.headers.get("if-modified-since") == http_date(statobj[stat.ST_MTIME]):
        return HttpResponseNotModified()
    response = FileResponse(open(filename, "rb"))
    response["Last-Modified"] = http_date(statobj[stat.ST_MTIME])
    return response
