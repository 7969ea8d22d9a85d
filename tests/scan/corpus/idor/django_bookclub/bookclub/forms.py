from django import forms

from .models import Status


class StatusForm(forms.ModelForm):
    class Meta:
        model = Status
        fields = ["content"]

    def save(self, request, *args, **kwargs):
        self.instance.raise_not_editable(request.user)
        return super().save(*args, **kwargs)
