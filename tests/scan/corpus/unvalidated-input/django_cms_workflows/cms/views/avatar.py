from uuid import uuid4

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


def save_user_form(request, form):
    """Called by the profile views with their bound form."""
    user = form.save(request, commit=False)
    if "avatar" in form.files:
        extension = form.files["avatar"].name.split(".")[-1]
        filename = f"{uuid4()}.{extension}"
        user.avatar.save(filename, form.files["avatar"], save=False)
    user.save()
    return user


@login_required
def import_theme(request):
    upload = request.FILES["theme"]
    with open(request.POST["target_dir"] + "/" + upload.name, "wb") as out:  # expect: PR107
        out.write(upload.read())
    return redirect("themes")
