"""Files people take away: chart images and data files (export), briefing packs (briefing), the native
slide charts in them (slide_charts) and the same charts drawn into the PDF pack (pdf_charts, issue 17), and
a self-assessment's action plan as XLSX and PDF (action_plan).
Imports views and the layers below.
"""
