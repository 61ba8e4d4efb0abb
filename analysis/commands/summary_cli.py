"""The dataset summary behind `python -m analysis summary`: counts, identity and headline influence."""

from __future__ import annotations

from analysis.evidence import queries
from analysis.model import filters as flt
from analysis.model import vocab
from analysis.stats import disclosure
from analysis.storage import store


def dataset_summary(directory: store.Location) -> dict:
    """Counts, schema version, hash, demo flag and % positive by domain for the current dataset."""
    manifest = store.manifest(directory)
    dataset_id = manifest["dataset_id"]
    orgs = store.read_table(directory, "organisations", dataset_id)
    resp = store.read_columns(directory, "respondents", ["source", "unit", "workshop_id"], dataset_id)  # not all
    cube = queries.load_cube(directory)
    by_domain = queries.influence_by_domain(cube, flt.Filters())
    workshop = resp[resp["source"] == "workshop"]
    return {
        "schema_version": manifest["schema_version"],
        "dataset_hash": manifest["dataset_hash"],
        "demo": bool(manifest["demo"]),
        "organisations": {
            "nhs": int((orgs["sector"] == "nhs").sum()),
            "independent": int((orgs["sector"] == "independent").sum()),
            "by_type": {t: int(n) for t, n in orgs["org_type"].value_counts().sort_index().items()},
        },
        "users_groups": int((resp["unit"] == "users_group").sum()),
        "workshops": int(workshop["workshop_id"].nunique()),
        "workshop_participants": len(workshop),
        "respondents": len(resp),
        "answers": len(store.read_columns(directory, "answers", [], dataset_id)),
        "influence_positive_pct_by_domain": _by_domain(by_domain),
        "waves": cube.waves,
        "influence_positive_pct_by_wave": {
            wave: _by_domain(queries.influence_by_domain(cube, flt.Filters(wave=(wave,)))) for wave in cube.waves},
    }


def _by_domain(frame) -> dict[str, float | None]:
    return {row.domain: (None if row.suppressed else round(float(row.positive_pct), 1))
            for row in frame.itertuples() if row.domain in vocab.DOMAINS}


def summary_text(summary: dict) -> str:
    """The summary as lines for people."""
    orgs = summary["organisations"]
    lines = [
        f"Dataset {summary['dataset_hash'][:16]} (schema {summary['schema_version']})"
        + (" - illustrative demo data" if summary["demo"] else ""),
        f"Organisations: {orgs['nhs']} NHS, {orgs['independent']} independent",
        *(f"  {vocab.org_type_label(t)}: {n}" for t, n in orgs["by_type"].items()),
        f"Users' groups: {summary['users_groups']}",
        f"Workshops: {summary['workshops']} with {summary['workshop_participants']} participants",
        f"Respondents: {summary['respondents']}; answers: {summary['answers']}",
        "Positive influence (some or a lot) by domain:",
    ]
    for domain, pct in summary["influence_positive_pct_by_domain"].items():
        shown = f"hidden ({disclosure.FEWER_THAN_MIN} answers)" if pct is None else f"{pct}%"
        lines.append(f"  {vocab.DOMAINS[domain]}: {shown}")
    return "\n".join(lines)
