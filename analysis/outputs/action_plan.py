"""A self-assessment's action plan as files to take away: an XLSX workbook and a PDF (the plan itself is worked
out by analysis.evidence.framework)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.evidence import framework
from analysis.model import vocab


def _plan_rows(gaps: pd.DataFrame) -> list[tuple[str, str]]:
    return [(row.area_label, f"your score {_fmt(row.score)} of 3; peers' median {_fmt(row.peer_median)} "
             f"({row.peers} organisations); {row.verdict}") for row in gaps.itertuples()]


def _fmt(value: float) -> str:
    return "-" if pd.isna(value) else f"{value:.1f}"


def to_xlsx(plan: pd.DataFrame, gaps: pd.DataFrame, org_type: str) -> bytes:
    """The action plan as an XLSX workbook: the plan, the area scores against peers, and a note on the source."""
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False, "nan_inf_to_errors": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheets = (("Action plan", framework.plan_table(plan)),
              ("Areas against peers", gaps[["area_label", "score", "established_pct", "peers", "peer_median",
                                             "peer_established_pct", "verdict"]].rename(columns={
                  "area_label": "Area", "score": "Your score (0-3)", "established_pct": "Your items established+ (%)",
                  "peers": "Peers", "peer_median": "Peers' median score", "peer_established_pct":
                      "Peers established+ (%)", "verdict": "Compared with peers"}).round(1)))
    for name, table in sheets:
        sheet = book.add_worksheet(name)
        for col, header in enumerate(table.columns):
            sheet.write_string(0, col, str(header), bold)
            sheet.set_column(col, col, 50 if "item" in str(header).lower() or header == "Next step" else 18)
            for row, value in enumerate(table[header].tolist(), start=1):
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    sheet.write_blank(row, col, None)
                elif isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
                    sheet.write_number(row, col, float(value))
                else:
                    sheet.write_string(row, col, str(value), wrap)
        sheet.freeze_panes(1, 0)
    about = book.add_worksheet("About")
    about.set_column(1, 1, 110)
    for row, (label, text) in enumerate([("Organisation type", vocab.org_type_label(org_type)),
                                         ("Checklist", framework.CHECKLIST_NOTE), ("Method", framework.METHOD)]):
        about.write_string(row, 0, label, bold)
        about.write_string(row, 1, text, wrap)
    book.close()
    return out.getvalue()


def _latin1(text: str) -> str:
    # The PDF's core font covers Latin-1 only; typographic quotes and dashes become their plain forms.
    swaps = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
    return "".join(swaps.get(c, c) for c in str(text)).encode("latin-1", "replace").decode("latin-1")


def to_pdf(plan: pd.DataFrame, gaps: pd.DataFrame, org_type: str) -> bytes:
    """The action plan as a PDF: area scores against peers, then each item to work on with its next step."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title("Engagement action plan")
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 8, _latin1(f"Engagement action plan: {vocab.org_type_label(org_type)}"))
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(width, 5, _latin1(framework.CHECKLIST_NOTE))
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(width, 7, "Areas against peers of your type")
    pdf.set_font("Helvetica", "", 10)
    for label, text in _plan_rows(gaps):
        pdf.multi_cell(width, 5, _latin1(f"- {label}: {text}"))
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(width, 7, f"Items to work on ({len(plan)})")
    for row in plan.itertuples():
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(width, 5, _latin1(f"{row.area_label}: {row.item_text}"))
        pdf.set_font("Helvetica", "", 10)
        peers = "-" if pd.isna(row.peer_established_pct) else f"{row.peer_established_pct:.0f}%"
        pdf.multi_cell(width, 5, _latin1(f"Your rating: {row.your_rating}. Aim for: {row.aim_for}. Peers at "
                                         f"established or better: {peers}. Owner: ________  By when: ________"))
        pdf.ln(1)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(width, 4, _latin1(framework.METHOD))
    return bytes(pdf.output())
