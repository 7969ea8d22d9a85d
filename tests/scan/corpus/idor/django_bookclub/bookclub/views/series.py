from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from ..models import Series


@login_required
def series_page(request, series_id):
    series = get_object_or_404(Series, id=series_id)
    return TemplateResponse(request, "book/series.html", {"series": series})
