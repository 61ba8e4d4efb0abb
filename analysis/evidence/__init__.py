"""Named queries over what is stored: the count tables (queries: filters in, small protected frames out),
actions and self-assessments (actions, framework) and stories (voices). Imports model, stats, storage
and ingest (the review decisions).
"""
