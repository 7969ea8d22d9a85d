from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View

from .. import forms
from ..models import Status


@method_decorator(login_required, name="dispatch")
class EditStatus(View):
    def post(self, request, status_id):
        status = get_object_or_404(Status, id=status_id)
        form = forms.StatusForm(request.POST, instance=status)
        if form.is_valid():
            form.save(request)  # StatusForm.save checks status.raise_not_editable(request.user)
        return redirect("status", status.id)
