from django import forms

from .models import InviteRequest, Page


class PageForm(forms.ModelForm):
    class Meta:
        model = Page
        fields = ["title"]

    def save(self, request=None, commit=True):
        if request is not None and self.instance.owner_id != request.user.id:
            raise PermissionError("not yours")
        return super().save(commit=commit)


class InviteRequestForm(forms.ModelForm):
    class Meta:
        model = InviteRequest
        fields = ["email"]


class SearchForm(forms.Form):
    q = forms.CharField()


class LinkForm(forms.Form):
    url = forms.URLField()
