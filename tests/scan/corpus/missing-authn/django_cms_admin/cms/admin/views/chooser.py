"""Link choosers of the admin. The admin URLconf wraps every one of these views in
require_admin_access (see cms/admin/urls.py)."""
from django.shortcuts import render
from django.views import View

from ...forms import LinkForm
from ...models import ChosenLink


class ExternalLinkView(View):
    def get(self, request):
        return render(request, "cms/admin/chooser.html", {"form": LinkForm()})

    def post(self, request):
        form = LinkForm(request.POST)
        if form.is_valid():
            ChosenLink.objects.create(url=form.cleaned_data["url"])
        return render(request, "cms/admin/chooser.html", {"form": form})


def chooser_upload(request):
    if request.method == "POST":
        form = LinkForm(request.POST, request.FILES)
        if form.is_valid():
            form.save()
    return render(request, "cms/admin/upload.html")
