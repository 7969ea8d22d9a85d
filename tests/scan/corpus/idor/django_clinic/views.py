from django.contrib.auth.decorators import login_required, user_passes_test
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, UpdateView

from .forms import AppointmentForm, MedicalRecordForm
from .models import Appointment, Clinic, MedicalRecord, Prescription


@login_required
def appointment_detail(request, pk):
    appointment = get_object_or_404(Appointment, pk=pk)  # expect: PR106
    return render(request, "clinic/appointment.html", {"appointment": appointment})


@login_required
@require_POST
def appointment_cancel(request, pk):
    appointment = get_object_or_404(Appointment, pk=pk, patient__user=request.user)
    appointment.cancelled = True
    appointment.save(update_fields=["cancelled"])
    return redirect("clinic:appointments")


@login_required
def appointment_reschedule(request, pk):
    mine = Appointment.objects.filter(patient__user=request.user, cancelled=False)
    appointment = mine.get(pk=pk)
    form = AppointmentForm(request.POST or None, instance=appointment)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("clinic:appointments")
    return render(request, "clinic/reschedule.html", {"form": form})


@login_required
def appointment_notes(request, pk):
    appointment = Appointment.objects.get(pk=pk)  # expect: PR106
    if request.method == "POST":
        appointment.reason = request.POST.get("reason", "")
        appointment.save()
    return JsonResponse({"reason": appointment.reason})


@login_required
def prescription_pdf(request, pk):
    prescription = get_object_or_404(Prescription, pk=pk)
    if prescription.patient.user != request.user and not request.user.is_staff:
        raise PermissionDenied
    return FileResponse(prescription.pdf.open("rb"), content_type="application/pdf")


@login_required
def prescription_json(request):
    prescription = get_object_or_404(Prescription, pk=request.GET["id"])  # expect: PR106
    return JsonResponse({"medication": prescription.medication, "dosage": prescription.dosage})


@user_passes_test(lambda u: u.is_staff)
def doctor_record(request, pk):
    record = get_object_or_404(MedicalRecord, pk=pk)
    return render(request, "clinic/record.html", {"record": record})


def clinic_info(request, pk):
    clinic = get_object_or_404(Clinic, pk=pk)
    return render(request, "clinic/clinic.html", {"clinic": clinic})


class AppointmentDetailView(LoginRequiredMixin, DetailView):  # expect: PR106
    model = Appointment
    template_name = "clinic/appointment.html"


class PrescriptionList(LoginRequiredMixin, ListView):
    template_name = "clinic/prescriptions.html"

    def get_queryset(self):
        return Prescription.objects.filter(patient__user=self.request.user)


class MedicalRecordUpdate(LoginRequiredMixin, UpdateView):
    model = MedicalRecord
    form_class = MedicalRecordForm

    def get_queryset(self):
        return MedicalRecord.objects.filter(patient__user=self.request.user)


class ClinicDetail(DetailView):
    model = Clinic
    template_name = "clinic/clinic.html"


class PrescriptionDetail(LoginRequiredMixin, DetailView):
    model = Prescription

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.patient.user_id != self.request.user.id:
            raise PermissionDenied
        return obj
