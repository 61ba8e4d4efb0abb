"""Files people take away: chart images and data files (export), briefing packs (briefing), the native
slide charts in them (slide_charts, from the format-neutral chart_specs) and the same charts drawn into the PDF
pack (pdf_charts, with its font parsed once per process: pdf_fonts), and
a self-assessment's action plan as XLSX and PDF (action_plan).
Imports views and the layers below.
"""
