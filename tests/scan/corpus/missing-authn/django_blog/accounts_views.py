from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, LogoutView, PasswordResetView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.generic import CreateView


class SignInView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    next_page = reverse_lazy("blog:index")


class ResetView(PasswordResetView):
    template_name = "accounts/password_reset.html"


class RegisterView(CreateView):
    form_class = UserCreationForm
    template_name = "accounts/register.html"
    success_url = reverse_lazy("blog:index")

    def form_valid(self, form):
        response = super().form_valid(form)
        login(self.request, self.object)
        return response


def activate_account(request, uidb64, token):
    user = check_activation_token(uidb64, token)  # noqa: F821 - accounts.tokens
    if user is None:
        return render(request, "accounts/activation_invalid.html", status=400)
    user.is_active = True
    user.save()
    login(request, user)
    return redirect("blog:index")
