"""No data reaches Streamlit's Markdown unescaped: every text element gets a literal or escape_markdown(...).

Streamlit renders st.markdown, st.caption, st.info and friends as Markdown, so a value from a file or
a dataset could otherwise add links, images (which fetch from anywhere) or formatting. Data has to pass
through analysis.model.safe_text.escape_markdown on its way in; text written in our own code may be used as is.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))]
MARKDOWN_ELEMENTS = {"markdown", "caption", "write", "info", "warning", "error", "success", "toast", "title",
                     "header", "subheader"}
ESCAPERS = {"escape_markdown"}
NUMBERS = {"len", "int", "round", "float"}
# Text that analysis/ escapes before it returns it (the page cannot show that to this scan).
ESCAPED_UPSTREAM = {
    "facts.contrast": "analysis/views/overview.py headline_facts() passes it through escape_markdown",
    "facts.provenance": "analysis/views/overview.py headline_facts() passes it through escape_markdown",
    "finding": "analysis/views/overview.py data_findings() passes each through escape_markdown",
    "page_text.intro(page)": "analysis/views/page_text.py: our own words, no data",
    "findings": "pages/_ui.py intro(): analysis/page_text.study_findings(), our own words, no data",
}


def _is_markdown_element(func: ast.expr) -> bool:
    if isinstance(func, ast.IfExp):  # (st.success if ok else st.warning)(message)
        return _is_markdown_element(func.body) or _is_markdown_element(func.orelse)
    return isinstance(func, ast.Attribute) and func.attr in MARKDOWN_ELEMENTS


def _is_safe(node: ast.expr) -> bool:
    """A literal, an escaped value, a constant written in code (UPPER_CASE), or text built only from those."""
    if ast.unparse(node) in ESCAPED_UPSTREAM:
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | int | float)
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name in ESCAPERS | NUMBERS
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or _is_safe(v) for v in node.values)
    if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
        spec = "".join(str(v.value) for v in node.format_spec.values if isinstance(v, ast.Constant))
        if (spec and spec[-1] in "dfeg%") or spec == ",":  # a number format: only a number gets through
            return True
    if isinstance(node, ast.FormattedValue):
        return _is_safe(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_safe(node.left) and _is_safe(node.right)
    if isinstance(node, ast.IfExp):
        return _is_safe(node.body) and _is_safe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(_is_safe(v) for v in node.values)
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.Name):
        return node.id.isupper()
    return False


def unescaped_text(source: str) -> list[str]:
    """Where a Markdown-rendering element is given text that is neither literal nor escaped."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _is_markdown_element(node.func):
            args = node.args[:1] + [kw.value for kw in node.keywords if kw.arg in {"body", "label"}]
            found += [f"line {node.lineno}: {ast.unparse(node)[:100]}" for arg in args if not _is_safe(arg)]
    return found


@pytest.mark.parametrize("source", [
    "st.markdown(text)", "st.caption(f'{row.name} said')", "col.info(report.message)",
    "(st.success if ok else st.error)(result.message)", "st.write('Hi ' + name)",
])
def test_the_scan_catches_data_in_markdown(source: str) -> None:
    assert unescaped_text(source)


@pytest.mark.parametrize("source", [
    "st.markdown('**Bold** words')", "st.caption(escape_markdown(panel.method))",
    "st.info(f'**In use:** {escape_markdown(label)}')", "st.markdown(page_text.HEADLINE_FINDINGS)",
    "st.caption(f'{len(rows):,} quotes match, {share:.0f}% of them')",
    "(st.success if ok else st.error)(escape_markdown(result.message))",
])
def test_the_scan_passes_literal_and_escaped_text(source: str) -> None:
    assert not unescaped_text(source)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_data_reaches_markdown_unescaped(path: Path) -> None:
    found = unescaped_text(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: wrap data in escape_markdown(...): {found}"
