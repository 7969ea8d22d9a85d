import os

import yaml
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from jinja2 import Environment, select_autoescape

from .forms import ExportForm, ImportForm
from .models import Page

jinja = Environment(autoescape=select_autoescape())
THEMES_DIR = os.path.join(settings.BASE_DIR, "themes")


@staff_member_required
@require_POST
def preview_template(request):
    template = jinja.from_string(request.POST["source"])  # expect: PR107
    return HttpResponse(template.render(page=Page.objects.first()))


@staff_member_required
@require_POST
def render_page(request, pk):
    page = Page.objects.get(pk=pk)
    template = jinja.from_string(page.template_source)
    return HttpResponse(template.render(page=page, query=request.POST.get("q", "")))


@staff_member_required
@require_POST
def import_pages(request):
    data = yaml.load(request.FILES["file"].read(), Loader=yaml.FullLoader)  # expect: PR107
    for item in data.get("pages", []):
        Page.objects.update_or_create(slug=item["slug"], defaults={"title": item["title"]})
    return redirect("cms:pages")


@staff_member_required
@require_POST
def import_pages_safe(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "cms/import.html", {"form": form}, status=400)
    data = yaml.safe_load(form.cleaned_data["file"].read())
    for item in data.get("pages", []):
        Page.objects.update_or_create(slug=item["slug"], defaults={"title": item["title"]})
    return redirect("cms:pages")


def theme_css(request, theme):
    path = os.path.join(THEMES_DIR, theme, "style.css")
    if not os.path.exists(path):
        raise Http404("no such theme")
    return FileResponse(open(path, "rb"), content_type="text/css")  # expect: PR107


def theme_asset(request, theme, asset):
    if theme not in settings.CMS_THEMES:
        raise Http404("no such theme")
    safe_asset = os.path.basename(asset)
    return FileResponse(open(os.path.join(THEMES_DIR, theme, safe_asset), "rb"))


def set_language(request):
    next_url = request.GET.get("next", "/")
    response = HttpResponseRedirect(next_url)  # expect: PR107
    response.set_cookie("lang", request.GET.get("lang", "en")[:5])
    return response


def switch_site(request):
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)


@login_required
def export(request):
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "cms/export.html", {"form": form})
    fmt = form.cleaned_data["format"]
    path = os.path.join(settings.EXPORT_DIR, f"pages.{fmt}")
    return FileResponse(open(path, "rb"), as_attachment=True)


@login_required
def page_by_slug(request, slug):
    return redirect(f"/pages/{slug}/")


@login_required
def legacy_redirect(request):
    return redirect(request.GET.get("to", "/"))  # expect: PR107
