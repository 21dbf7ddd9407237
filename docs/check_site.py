"""Check a built copy of the documentation; build nothing.

Run after the Sphinx build, from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python docs/check_site.py docs/_build/html

It reads every HTML page of the site and fails (exit status 1, one line per
problem) when

- a link or an image points at a local file that does not exist;
- a link's ``#anchor`` names no element of the page it points at;
- a page loads a script or a style sheet from another site (the pages must
  work offline: no CDN);
- a public name of the package (each module's ``__all__``) has no entry in
  the API reference, under its documented import path.

Links to other sites are not followed (the check needs no network).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Every name in the __all__ of the package and of its public modules must
# have an entry; a name the package re-exports may have it at the short path
# (``sklearn_charcnn.augment_dataset``).
NOT_DOCUMENTED = {"__version__"}


class _Page(HTMLParser):
    """Collect a page's element ids, links and loaded resources."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag.attribute, url)
        self.resources: list[str] = []  # scripts and style sheets

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(("a.href", attrs["href"]))
        elif tag in ("img", "iframe") and attrs.get("src"):
            self.links.append((f"{tag}.src", attrs["src"]))
        elif tag == "script" and attrs.get("src"):
            self.links.append(("script.src", attrs["src"]))
            self.resources.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if "stylesheet" in rel or rel in {"icon", "preload"}:
                self.links.append(("link.href", attrs["href"]))
                self.resources.append(attrs["href"])


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _pages(root: Path) -> list[Path]:
    """The site's pages; _static holds theme templates, not pages."""
    return sorted(
        path
        for path in root.rglob("*.html")
        if "_static" not in path.relative_to(root).parts
    )


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def check_links(root: Path) -> list[str]:
    """Return one message per broken local link, anchor or remote resource."""
    pages = {path: _parse(path) for path in _pages(root)}
    problems = []
    for path, page in pages.items():
        where = path.relative_to(root)
        for url in page.resources:
            if _is_external(url):
                problems.append(f"{where}: loads {url} from another site")
        for kind, url in page.links:
            if _is_external(url) or url.startswith(("mailto:", "javascript:")):
                continue
            parts = urlsplit(url)
            target = path if not parts.path else (path.parent / unquote(parts.path))
            target = Path(*target.parts).resolve()
            if parts.path and target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{where}: {kind} {url}: no such file")
                continue
            anchor = unquote(parts.fragment)
            if not anchor or kind != "a.href" or target.suffix != ".html":
                continue
            target_page = pages.get(target) or _parse(target)
            if anchor not in target_page.ids:
                problems.append(f"{where}: {kind} {url}: no #{anchor} in that page")
    return problems


def check_api(root: Path) -> list[str]:
    """Return one message per public name without an API entry."""
    ids = set()
    for path in (root / "generated").glob("*.html"):
        ids |= _parse(path).ids
    import pkgutil

    package = importlib.import_module("sklearn_charcnn")
    public_modules = ["sklearn_charcnn"] + [
        f"sklearn_charcnn.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]
    problems = []
    for module_name in public_modules:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            if name in NOT_DOCUMENTED:
                continue
            documented = {f"{module_name}.{name}"}
            # A name the package re-exports is documented at the short path.
            if name in package.__all__:
                documented.add(f"sklearn_charcnn.{name}")
            if not documented & ids:
                problems.append(
                    f"API reference: no entry for {module_name}.{name} "
                    "(the reference lists each module's __all__: rebuild the docs)"
                )
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "html",
        nargs="?",
        default="docs/_build/html",
        type=Path,
        help="the built site (default: docs/_build/html)",
    )
    args = parser.parse_args(argv)
    root = args.html.resolve()
    if not (root / "index.html").exists():
        print(f"{root} holds no built site (no index.html); build it first.")
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    problems = check_links(root) + check_api(root)
    n_pages = len(_pages(root))
    for problem in problems:
        print(problem)
    print(f"{n_pages} pages checked: {len(problems)} problem(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
