"""Files people take away: chart images and data files (export), briefing packs (briefing) and the native
slide charts in them (slide_charts). Imports views and the layers below.
"""
