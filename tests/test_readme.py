"""The README is true: every ``codegraph`` command line in its ``sh`` code blocks (and every row
of its coverage-questions table) runs, in the README's order, on the bundled data and the test
fixtures, in a scratch folder laid out like the repository (its ``pages/``, the README's folder of
your own pages, holds the bundled page); the output blocks shown after the
quick start and the coverage check are what those commands print; and no link or path in it
points outside the repository.

Skipped, and said so in the test's output: lines that need a running SPARQL server (``serve``,
``push``, ``--endpoint``, the servers' own commands) and the install and test lines (``python3 -m
venv``, ``pip``, ``pytest``), which CI runs itself.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NEEDS_A_SERVER = re.compile(r"^codegraph (serve|push)\b|--endpoint\b|HOST")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(text: str) -> list[tuple[str, str, int]]:
    """(language, body, end offset) of every fenced block."""
    return [(m.group(1), m.group(2), m.end()) for m in BLOCK.finditer(text)]


def command_lines(text: str) -> tuple[list[str], list[str]]:
    """The codegraph command lines of the README's sh blocks, in order, and those skipped."""
    commands: list[str] = []
    skipped: list[str] = []
    for language, body, _end in _blocks(text):
        if language != "sh":
            continue
        body = body.replace("\\\n", " ")
        for line in body.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if not line or line.startswith("#"):
                continue
            for part in (p.strip() for p in line.split("&&")):
                if not part.startswith("codegraph "):
                    if not re.match(r"^(python3? -m venv|\. \.venv|pip install|ruff check|mypy|pytest|oxigraph serve|fuseki-server)\b", part):
                        raise AssertionError(f"README runs something this test does not know: {part!r}")
                    skipped.append(part)
                elif NEEDS_A_SERVER.search(part):
                    skipped.append(part)
                else:
                    commands.append(part)
    return commands, skipped


def table_commands(text: str) -> list[str]:
    """The example calls of the coverage-questions table, as command lines on the store."""
    section = text.split("## Coverage questions", 1)[1].split("\n## ", 1)[0]
    calls = re.findall(r"^\|[^|]+\| `([a-z0-9-]+ --param [^`]+)` \|$", section, re.MULTILINE)
    return [f"codegraph query run {call} --store .codegraph/store" for call in calls]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A folder laid out like the repository: the bundled pages and the test fixtures."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "data", folder / "data")
    shutil.copytree(ROOT / "tests" / "fixtures", folder / "tests" / "fixtures")
    shutil.copytree(ROOT / "data" / "documents", folder / "pages")  # the README's "a folder of your pages"
    return folder


def test_the_readme_has_commands_to_run():
    commands, skipped = command_lines(README.read_text(encoding="utf-8"))
    assert len(commands) >= 25 and any(c.startswith("codegraph find ") for c in commands)
    from codegraph.query import load_catalog

    coverage = [name for name, spec in load_catalog().items() if spec.topic == "coverage"]
    assert {call.split()[3] for call in table_commands(README.read_text(encoding="utf-8"))} == set(coverage)  # every one, run
    assert any(s.startswith("codegraph serve") for s in skipped) and any(s.startswith("codegraph push") for s in skipped)


def test_every_readme_command_runs_as_written(workspace, run_cli, monkeypatch, capsys):
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("COLUMNS", "100")
    text = README.read_text(encoding="utf-8")
    commands, skipped = command_lines(text)
    outputs: dict[str, str] = {}
    for command in commands + table_commands(text):
        code, out, err = run_cli(*shlex.split(command)[1:])
        expected = {0, 1} if "--fail-on warning" in command else {0}
        assert code in expected, f"{command!r} exited {code}: {err.strip()[-600:]}"
        outputs[command] = out
    with capsys.disabled():
        print(f"\nREADME: ran {len(outputs)} command lines; skipped {len(skipped)} (a server, installing or the tests): "
              + "; ".join(sorted(set(skipped))))
    quick_start = next(c for c in commands if c.startswith("codegraph build data/documents --store .codegraph/store -o"))
    assert _shown_after("Build the bundled example", text) == _no_timing(outputs[quick_start])
    check = next(c for c in commands if c.startswith("codegraph coverage check"))
    shown = _shown_after("codegraph coverage check --code J7321", text)
    printed = outputs[check].splitlines()
    for number, line in enumerate(shown.splitlines()):
        if line.endswith("..."):
            assert printed[number].startswith(line[:-3]), (line, printed[number])
        else:
            assert printed[number] == line


def _shown_after(marker: str, text: str) -> str:
    """The first plain (output) block after ``marker``."""
    start = text.index(marker)
    for language, body, end in _blocks(text):
        if end > start and language == "":
            return body
    raise AssertionError(f"no output block after {marker!r}")


def _no_timing(output: str) -> str:
    return output


def test_no_link_or_path_leaves_the_repository():
    text = README.read_text(encoding="utf-8")
    assert "../" not in re.sub(r"\.\.\./", "", text), "the README names a path outside the repository"
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"https?://", target):
            continue
        assert (ROOT / target).exists(), f"the README links {target}, which the repository does not hold"
    for path in re.findall(r"`((?:docs|data|tests|queries|ontology|examples|benchmarks|scripts)/[\w./-]+)`", text):
        if "<" not in path and "*" not in path:
            assert (ROOT / path).exists(), f"the README names {path}, which the repository does not hold"


def test_the_readme_says_what_ci_installs():
    text = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "chromium" in ci and "graphviz" in ci
    paragraph = text.split("the tests (this is what `.ci/run` runs", 1)[1].split("\n\n", 2)[:2]
    assert "chromium" in " ".join(paragraph).lower() and "graphviz" in " ".join(paragraph).lower()
    command = paragraph[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    assert ci.rstrip().splitlines()[-1] == command  # exactly the README's test command, lint and types included
    assert "ruff check" in command and "mypy" in command
