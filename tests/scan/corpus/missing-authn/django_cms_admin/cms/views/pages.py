from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.http import require_POST

from ..forms import InviteRequestForm, PageForm, SearchForm
from ..models import Comment, Page


@login_required
@require_POST
def publish_page(request, pk):
    page = get_object_or_404(Page, pk=pk, owner=request.user)
    page.live = True
    page.save()
    return redirect("cms:page", pk=pk)


@login_required
def edit_page(request, pk):
    page = get_object_or_404(Page, pk=pk, owner=request.user)
    form = PageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        form.save()
    return render(request, "cms/edit.html", {"form": form})


@require_POST
def delete_comment(request, pk):  # expect: PR105
    Comment.objects.filter(pk=pk).delete()
    return redirect("cms:pages")


class EditPageTitle(View):
    def post(self, request, pk):  # the project's save(request) checks the editor
        page = get_object_or_404(Page, pk=pk)
        form = PageForm(request.POST, instance=page)
        if form.is_valid():
            form.save(request)
        return redirect("cms:page", pk=pk)


class InviteRequestView(View):
    """Prospective users ask for an account here."""

    def post(self, request):
        form = InviteRequestForm(request.POST)
        if form.is_valid():
            form.save()
        return render(request, "cms/landing.html", {"form": form})


class PageList(View):
    def post(self, request):  # the search form on the list page only reads
        form = SearchForm(request.POST)
        pages = Page.objects.filter(live=True)
        if form.is_valid():
            pages = pages.filter(title__icontains=form.cleaned_data["q"])
        return render(request, "cms/pages.html", {"pages": pages, "form": form})


def permission_denied(request, exception):
    """handler403: answers API clients without a page."""
    if request.method == "POST":
        return HttpResponse(status=403)
    return render(request, "403.html")


def server_status(request):
    return JsonResponse({"ok": True})
