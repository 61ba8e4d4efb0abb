"""Getting data in: survey-platform importers (importers/), mapping an export's columns and answer labels
(mapping, mapping_table), building and writing the tidy tables of an import (importing, side_files),
actions imports (actions_import), redaction of free text (redact, person_names, person_words) and the
review queue of stories the redaction was unsure of (review). Imports model, stats and storage.
"""
