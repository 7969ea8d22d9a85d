from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View

from ...models import Report


@method_decorator(login_required, name="dispatch")
@method_decorator(
    permission_required("bookclub.moderate_user", raise_exception=True), name="dispatch"
)
class ReportAdmin(View):
    def post(self, request, report_id):
        report = get_object_or_404(Report, id=report_id)
        report.resolved = True
        report.save()
        return redirect("settings-reports")
