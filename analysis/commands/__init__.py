"""The command line, `python -m analysis <command>` (cli: build and summary, the dispatcher), and the
commands of each area: import (import_cli), briefing packs (briefing_cli), datasets (datasets_cli),
redaction of text (voices_cli), the dataset summary (summary_cli). The top layer but for analysis.cached.
"""
