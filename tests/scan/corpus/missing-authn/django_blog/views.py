from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import F
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from .forms import CommentForm, PostForm, SubscribeForm
from .models import Comment, Post, Subscriber


class PostListView(ListView):
    queryset = Post.objects.filter(published=True).order_by("-created")
    paginate_by = 10


class PostDetailView(DetailView):
    queryset = Post.objects.filter(published=True)


class PostCreateView(LoginRequiredMixin, CreateView):
    model = Post
    form_class = PostForm

    def form_valid(self, form):
        form.instance.author = self.request.user
        return super().form_valid(form)


class PostUpdateView(UpdateView):  # expect: PR105, PR106
    model = Post
    form_class = PostForm


class PostDeleteView(LoginRequiredMixin, DeleteView):
    model = Post
    success_url = reverse_lazy("blog:index")

    def get_queryset(self):
        return Post.objects.filter(author=self.request.user)


@login_required
@require_POST
def add_comment(request, slug):
    post = get_object_or_404(Post, slug=slug, published=True)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = form.save(commit=False)
        comment.post = post
        comment.author = request.user
        comment.save()
        messages.success(request, "Your comment is awaiting moderation")
    return redirect(post)


@require_POST
def approve_comment(request, pk):  # expect: PR105
    comment = get_object_or_404(Comment, pk=pk)  # expect: PR106
    comment.approved = True
    comment.save()
    return redirect(comment.post)


@permission_required("blog.delete_comment")
@require_POST
def delete_comment(request, pk):
    get_object_or_404(Comment, pk=pk).delete()
    return redirect("blog:moderation")


def unpublish(request, pk):  # expect: PR105
    post = get_object_or_404(Post, pk=pk)  # expect: PR106
    if request.method == "POST":
        post.published = False
        post.save(update_fields=["published"])
        return redirect("blog:index")
    return render(request, "blog/confirm_unpublish.html", {"post": post})


def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Subscriber.objects.get_or_create(email=form.cleaned_data["email"])
        return JsonResponse({"ok": True})
    return render(request, "blog/subscribe.html", {"form": form})


def like_post(request, pk):  # expect: PR105
    if request.method != "POST":
        return HttpResponseForbidden()
    Post.objects.filter(pk=pk).update(likes=F("likes") + 1)
    return JsonResponse({"ok": True})


@login_required
def my_drafts(request):
    drafts = Post.objects.filter(author=request.user, published=False)
    return render(request, "blog/drafts.html", {"drafts": drafts})


def archive(request, year):
    posts = Post.objects.filter(published=True, created__year=year)
    return render(request, "blog/archive.html", {"posts": posts, "year": year})
