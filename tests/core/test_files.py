from __future__ import annotations

import os
from pathlib import Path

from prodready.repo.files import is_production_path, is_test_path, walk_repository
from tests.conftest import write_tree


def test_walk_honours_gitignore_including_nested_and_skips_tool_dirs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "*.log\nbuild/\n",
            "app/.gitignore": "local_*.py\n",
            "app/main.py": "x = 1\n",
            "app/local_settings.py": "x = 2\n",
            "app/debug.log": "log\n",
            "build/out.py": "x = 3\n",
            ".venv/lib/site.py": "x = 4\n",
            "node_modules/a/index.js": "1\n",
        },
    )
    repo = walk_repository(tmp_path)
    assert repo.files == (".gitignore", "app/.gitignore", "app/main.py")
    assert repo.exists("app") and repo.exists("app/main.py") and not repo.exists("build")
    assert repo.errors == ()


def test_symlink_loop_and_broken_link_are_reported_not_followed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/x.py": "x = 1\n"})
    os.symlink(tmp_path / "a", tmp_path / "a" / "again")  # directory loop: not followed
    os.symlink(tmp_path / "loop1", tmp_path / "loop2")
    os.symlink(tmp_path / "loop2", tmp_path / "loop1")
    os.symlink(tmp_path / "missing", tmp_path / "dangling.py")
    repo = walk_repository(tmp_path)
    assert repo.files == ("a/x.py",)
    assert [(e.path, e.reason.split(":")[0]) for e in repo.errors] == [
        ("dangling.py", "broken symlink"),
        ("loop1", "symlink loop"),
        ("loop2", "symlink loop"),
    ]


def test_a_symlinked_file_is_an_alias_of_the_file_it_points_to(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/real.py": "x = 1\n", "outside/x.py": "y = 2\n"})
    os.symlink("src/real.py", tmp_path / "copy.py")
    os.symlink("../copy.py", tmp_path / "src" / "chained.py")  # a chain ends at the file
    os.symlink("../outside/x.py", tmp_path / "src" / "linked_in.py")
    repo = walk_repository(tmp_path / "src")
    assert repo.files == ("chained.py", "linked_in.py", "real.py")
    # the link out of the walked tree is the only copy it has: not an alias
    assert repo.aliases == {"chained.py": "real.py"}
    assert walk_repository(tmp_path).aliases == {
        "copy.py": "src/real.py",
        "src/chained.py": "src/real.py",
        "src/linked_in.py": "outside/x.py",
    }


def test_read_text_refuses_binary_and_non_utf8(tmp_path: Path) -> None:
    write_tree(tmp_path, {"bin.py": b"\x00\x01", "latin.md": b"caf\xe9\n", "ok.md": "caf\u00e9\n"})
    repo = walk_repository(tmp_path)
    assert repo.read_text("bin.py") is None
    assert repo.read_text("latin.md") is None
    assert repo.read_text("ok.md") == "caf\u00e9\n"
    assert repo.read_text("absent.md") is None


def test_test_and_production_paths() -> None:
    assert is_test_path("tests/unit/helpers.py")
    assert (
        is_test_path("pkg/test_x.py")
        and is_test_path("pkg/x_test.py")
        and is_test_path("conftest.py")
    )
    assert not is_test_path("pkg/testing_utils.py")
    assert is_test_path("test/unit/helpers.py")
    assert is_test_path("netbox/utilities/testing/api.py")
    # a folder named for a kind of tests (Heat's `heat_integrationtests/`)
    assert is_test_path("heat_integrationtests/common/test.py")
    assert is_test_path("app/integration_tests/helpers.py")
    assert is_test_path("functional-tests/client.py")
    assert not is_test_path("app/ab_tests/assign.py")  # an A/B testing feature
    assert not is_test_path("app/contests/views.py")
    assert is_test_path("pytest_pootle/fixtures/site.py")  # a pytest plugin package
    assert is_test_path("server/pytest_devpi_server/__init__.py")
    assert not is_test_path("src/prodready/mutate/_support/prodready_mutate_plugin.py")
    assert not is_test_path("app/pytestish/views.py")
    assert not is_test_path("django/test/runner.py")  # a package's testing framework ships
    assert not is_production_path("examples/app.py") and not is_production_path("docs/conf.py")
    assert is_production_path("src/pkg/examples.py")
    assert not is_production_path("evaluation/core/__init__.py")  # Skyvern's eval harness
    assert not is_production_path("evals/simple_evals/run.py")
    assert is_production_path("app/evaluation/scores.py")  # a feature of the app
    assert not is_production_path("benchmark/deepplanning/agent.py")  # Qwen-Agent's harness
    assert is_production_path("app/benchmark.py")
    # a top-level folder whose name starts with such a word (AI-Researcher's crawler that
    # builds its benchmark); `doc_` and `eval_` may start the name of the product's package
    assert not is_production_path("benchmark_collection/0_crawl_paper.py")
    assert not is_production_path("docs-site/build.py")
    assert not is_production_path("example_data/load.py")
    assert not is_production_path("openai_api_demo/api_server.py")  # ChatGLM3's demos
    assert not is_production_path("dev-docs/conf.py")
    assert is_production_path("doc_loader/pdf.py") and is_production_path("eval_service/api.py")
    assert is_production_path("word_doc/parse.py")
    assert is_production_path("docs.py") and is_production_path("examples_app.py")
    assert is_production_path("benchmarking/run.py")  # not the word, only its letters


def test_walking_a_subdirectory_honours_the_repository_gitignores_above_it(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    write_tree(
        repo,
        {
            ".gitignore": "/benchmarks/.work/\n*.log\n",
            "benchmarks/.gitignore": "scratch/\n",
            "benchmarks/run.py": "x = 1\n",
            "benchmarks/.work/corpus/big.py": "y = 2\n",
            "benchmarks/scratch/tmp.py": "z = 3\n",
            "benchmarks/out.log": "log\n",
            "benchmarks/keep/work.py": "w = 4\n",
        },
    )
    (repo / ".git").mkdir()  # the top of the work tree
    sub = walk_repository(repo / "benchmarks")
    assert sub.files == (".gitignore", "keep/work.py", "run.py")
    # outside a git work tree nothing above the walked directory applies
    (repo / ".git").rmdir()
    assert "out.log" in walk_repository(repo / "benchmarks").files


def test_walking_an_ignored_directory_by_name_walks_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_tree(
        repo,
        {
            ".gitignore": "/benchmarks/.work/\n",
            "benchmarks/.work/src/app/views.py": "x = 1\n",
        },
    )
    (repo / ".git").mkdir()
    assert walk_repository(repo / "benchmarks/.work/src").files == ("app/views.py",)
    assert walk_repository(repo / "benchmarks").files == ()
