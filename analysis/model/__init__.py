"""The model: what the evidence is made of, with no I/O and no statistics.

Vocabularies and every label shown to people (vocab), the tables and their columns (schema), answer scales
(scales), the view's filters (filters), the errors that speak to a user (errors), and the one rule for text
that comes from data (safe_text). Imports nothing else from analysis/: every other layer may import it.
"""
