"""The repository explains itself: no file points at documents outside it, and every relative
link in README.md and docs/*.md leads to a file the repository holds (docs/conventions.md,
"Hygiene, automated")."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parents[2]

# The team brief's files lived next to the repository, not in it. Spelled in parts so that this
# file does not match its own check (nor a grep for the same names).
OUTSIDE_NAMES = ("../" + "shared", "STYLE" + ".md", "DOMAIN" + ".md", "ARCHITECTURE" + ".md")

INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
FENCED_BLOCK = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def tracked_files() -> list[str]:
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing to walk")
    return [name for name in listing.decode().split("\0") if name]


def outside_references(path: Path) -> list[str]:
    """`line: name` for each mention of an outside document in a text file ([] for binaries)."""
    data = path.read_bytes()
    if b"\0" in data:
        return []
    text = data.decode("utf-8", errors="replace")
    return [
        f"{number}: {name}"
        for number, line in enumerate(text.splitlines(), start=1)
        for name in OUTSIDE_NAMES
        if name in line
    ]


def link_targets(markdown: str) -> list[str]:
    """Targets of the inline and reference links of a Markdown text, code left out."""
    prose = FENCED_BLOCK.sub("", markdown)
    # Inline code inside a link's text (`[`docs/x.md`](docs/x.md)`) goes, the link stays.
    prose = INLINE_CODE.sub("", prose)
    return INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)


def broken_links(document: Path, markdown: str, tracked: set[str]) -> list[str]:
    """Relative link targets of `document` that are no tracked file or folder of the repository."""
    folders = {parent.as_posix() for name in tracked for parent in Path(name).parents}
    broken = []
    for target in link_targets(markdown):
        if SCHEME.match(target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        relative = unquote(target.split("#", 1)[0].split("?", 1)[0])
        resolved = (document.parent / relative).resolve()
        try:
            inside = resolved.relative_to(REPO).as_posix()
        except ValueError:
            broken.append(f"{target} (outside the repository)")
            continue
        if inside not in tracked and inside not in folders:
            broken.append(target)
    return broken


def test_no_file_outside_docs_refers_to_documents_outside_the_repository():
    offenders = {
        name: found
        for name in tracked_files()
        if not name.startswith("docs/")
        and (REPO / name).is_file()
        and (found := outside_references(REPO / name))
    }
    assert not offenders, (
        "These files point at documents outside the repository; point them at "
        f"docs/architecture.md, docs/domain.md or docs/conventions.md instead: {offenders}"
    )


def test_every_relative_link_in_readme_and_docs_leads_to_a_tracked_file():
    tracked = set(tracked_files())
    documents = ["README.md", *sorted(n for n in tracked if re.fullmatch(r"docs/[^/]+\.md", n))]
    assert {"docs/architecture.md", "docs/domain.md", "docs/conventions.md"} <= set(documents)
    broken = {
        name: found
        for name in documents
        if (found := broken_links(REPO / name, (REPO / name).read_text("utf-8"), tracked))
    }
    assert not broken, f"Links to files the repository does not hold: {broken}"


# The checks above pass on a clean repository; these show they would catch the faults.


def test_outside_references_are_found_in_text_and_skipped_in_binaries(tmp_path):
    text = tmp_path / "views.py"
    text.write_text('"""Thin views.\n\nSee ' + "STYLE" + '.md for why."""\n', "utf-8")
    image = tmp_path / "logo.png"
    image.write_bytes(b"\x89PNG\0\0" + ("../" + "shared").encode())
    clean = tmp_path / "models.py"
    clean.write_text('"""See docs/conventions.md, "One door per object"."""\n', "utf-8")

    assert outside_references(text) == ["3: " + "STYLE" + ".md"]
    assert outside_references(image) == []
    assert outside_references(clean) == []


def test_broken_links_names_missing_and_escaping_targets_only():
    markdown = "\n".join(
        [
            "See [the map](architecture.md), [formats](formats.md#dossiers) and",
            "[`docs/gone.md`](gone.md), [up](../../elsewhere/README.md),",
            "[web](https://example.org/x.md), [anchor](#top), [folder](screenshots/).",
            "",
            "```",
            "[inside code](not-checked.md)",
            "```",
            "",
            "[ref]: missing-ref.md",
        ]
    )
    tracked = {"docs/architecture.md", "docs/formats.md", "docs/screenshots/a.png"}

    assert broken_links(REPO / "docs" / "index.md", markdown, tracked) == [
        "gone.md",
        "../../elsewhere/README.md (outside the repository)",
        "missing-ref.md",
    ]
