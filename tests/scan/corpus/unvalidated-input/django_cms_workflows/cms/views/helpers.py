from django.shortcuts import redirect


def maybe_redirect_local_path(request, model):
    """Send the visitor to the object's canonical path, keeping the query string."""
    if request.path == model.local_path:
        return False
    new_path = model.local_path
    if len(request.GET) > 0:
        new_path = f"{model.local_path}?{request.GET.urlencode()}"
    return redirect(new_path, permanent=True)
