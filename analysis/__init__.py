"""Engagement Explorer analysis layer: plain functions, no Streamlit (except analysis.cached)."""
