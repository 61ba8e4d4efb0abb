"""Named queries over a dataset's count tables: filters in, small protected result frames out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.model import filters as flt
from analysis.model import schema, vocab
from analysis.stats import disclosure, metrics
from analysis.storage import store

ALL = schema.ALL_GROUPS
SHARE_COLS = ["positive_pct", "ci_low_pct", "ci_high_pct", "mean_score", "positive_n", "excluded_n",
              "effective_n"]


FILTER_ONLY = ["region", "source"]  # filtered on, never grouped by: a view's cells are summed over them
SUMS = ["n", "sum_w", "sum_w2"]


@dataclass(frozen=True)
class CellIndex:
    """One measure's count cells (everyone's or per group), encoded once so a view is a mask and a bincount.

    `cells` has one row per combination of the columns a query groups by (all but region, source and the
    sums); `key` gives each count cell's row in it, `sums` its n, sum_w and sum_w2 (as floats, one column
    each), and `codes` each filter column's category codes.
    """

    sums: np.ndarray
    cells: pd.DataFrame
    key: np.ndarray
    codes: dict[str, np.ndarray]
    categories: dict[str, pd.Index]

    @classmethod
    def build(cls, frame: pd.DataFrame) -> CellIndex:
        """The index of a count table whose text columns are categories."""
        dims = [c for c in frame.columns if c not in (*FILTER_ONLY, *SUMS)]
        key = frame.groupby(dims, observed=True, sort=True, dropna=False).ngroup().to_numpy() if len(frame) \
            else np.zeros(0, dtype=np.int64)
        first = np.unique(key, return_index=True)[1]
        filter_cols = [c for c in vocab.FILTER_KEYS if c in frame]
        return cls(sums=frame[SUMS].to_numpy(dtype=float), cells=frame[dims].iloc[first].reset_index(drop=True),
                   key=key,
                   codes={c: frame[c].cat.codes.to_numpy() for c in filter_cols},
                   categories={c: frame[c].cat.categories for c in filter_cols})

    def view(self, filters: flt.Filters) -> pd.DataFrame:
        """The cells in the filtered view, summed over region and source: one row per cell with answers."""
        mask = None
        for column, values in filters.items():
            if values and column in self.codes:
                wanted = self.categories[column].get_indexer(list(values))
                hit = np.isin(self.codes[column], wanted[wanted >= 0])
                mask = hit if mask is None else mask & hit
        key, values = (self.key, self.sums) if mask is None else (self.key[mask], self.sums[mask])
        size = len(self.cells)
        n, sum_w, sum_w2 = (np.bincount(key, weights=values[:, i], minlength=size) for i in range(len(SUMS)))
        present = np.bincount(key, minlength=size) > 0
        return self.cells[present].assign(n=n[present].round().astype(np.int64), sum_w=sum_w[present],
                                          sum_w2=sum_w2[present]).reset_index(drop=True)


@dataclass(frozen=True)
class Cube:
    """A dataset's count tables, loaded once per dataset and split by measure and by everyone/groups.

    `no_cells` is what a view of a measure the dataset lacks gives: the cells' columns and no rows.
    """

    no_cells: pd.DataFrame
    respondents: pd.DataFrame
    organisations: pd.DataFrame
    manifest: dict
    parts: dict[tuple[str, bool], CellIndex] = field(default_factory=dict, compare=False)
    # The dataset's questions and scale levels (small): what each measure and topic is, and level labels.
    questions: pd.DataFrame = field(default_factory=lambda: schema.empty("questions"), compare=False)
    scale_levels: pd.DataFrame = field(default_factory=lambda: schema.empty("scale_levels"), compare=False)

    @property
    def measures(self) -> list[str]:
        """The measures the dataset has answers for."""
        return sorted({measure for measure, _ in self.parts})

    def level_labels(self) -> dict[str, str]:
        """Each answer level id with the label its scale gives it (the vocabulary's when the dataset has none)."""
        labels = dict(vocab.LEVEL_LABELS)
        labels.update(zip(self.scale_levels["level_id"].astype(str), self.scale_levels["level_label"].astype(str),
                          strict=True))
        return labels

    @property
    def waves(self) -> list[str]:
        """The waves present in the dataset, oldest first."""
        return sorted(self.respondents["wave"].dropna().unique().tolist())

    def cells(self, measure: str, groups: bool, filters: flt.Filters | None = None) -> pd.DataFrame:
        """Count cells of one measure in a view, for everyone (groups False) or per seldom-heard group (True),
        summed over region and source."""
        part = self.parts.get((measure, groups))
        if part is None:
            return self.no_cells
        return part.view(filters or flt.Filters())


def _categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as categories: filters and group-bys on a large count table are then fast."""
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
    return frame.astype(dict.fromkeys(text, "category"))


def make_cube(answers: pd.DataFrame, respondents: pd.DataFrame, organisations: pd.DataFrame,
              manifest: dict, questions: pd.DataFrame | None = None,
              scale_levels: pd.DataFrame | None = None) -> Cube:
    """A Cube from a dataset's count tables (agg_answers, agg_respondents) and organisations."""
    answers = _categorical(answers)
    is_all = (answers["group_id"] == ALL).to_numpy()
    parts = {(str(measure), groups): CellIndex.build(part.reset_index(drop=True))
             for (measure, groups), part in answers.groupby(
                 [answers["measure"].astype(str), ~is_all], observed=True, sort=False)}
    return Cube(no_cells=answers.iloc[:0].drop(columns=FILTER_ONLY), respondents=respondents,
                organisations=organisations, manifest=manifest, parts=parts,
                questions=schema.empty("questions") if questions is None else questions,
                scale_levels=schema.empty("scale_levels") if scale_levels is None else scale_levels)


def load_cube(directory: store.Location, dataset_id: str | None = None) -> Cube:
    """The count tables and manifest of a dataset (the current one by default)."""
    dataset_id = dataset_id or store.current_id(directory)
    return make_cube(store.read_table(directory, "agg_answers", dataset_id),
                     store.read_table(directory, "agg_respondents", dataset_id),
                     store.read_table(directory, "organisations", dataset_id),
                     store.manifest(directory, dataset_id),
                     store.read_table(directory, "questions", dataset_id),
                     store.read_table(directory, "scale_levels", dataset_id))


def _cells(cube: Cube, filters: flt.Filters, measure: str = "influence", group: str | None = ALL) -> pd.DataFrame:
    """Count cells in the view: everyone's (group ALL), one group's, or every group's (group None)."""
    if group == ALL:
        return cube.cells(measure, groups=False, filters=filters)
    cells = cube.cells(measure, groups=True, filters=filters)
    return cells if group is None else cells[cells["group_id"] == group]


def _domain_order(frame: pd.DataFrame) -> pd.DataFrame:
    order = {d: i for i, d in enumerate(vocab.DOMAINS)}
    return frame.assign(_o=frame["domain"].map(order).fillna(len(order))).sort_values("_o").drop(columns="_o")


def influence_by_domain(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """One row per influence domain: base, % positive with 95% interval, mean score; highest first."""
    shares = metrics.positive_share(_cells(cube, filters), ["domain"])
    shares = _domain_order(shares).assign(domain_label=lambda f: f["domain"].map(vocab.DOMAINS), _all="all")
    # The domains' bases add up to the pooled base shown on the comparison charts.
    shares = disclosure.protect(shares, SHARE_COLS, partition=["_all"]).drop(columns="_all")
    return shares.sort_values("positive_pct", ascending=False, na_position="last").reset_index(drop=True)


def level_distribution(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """One row per domain and substantive answer level: answers and % of the domain's base."""
    cells = _cells(cube, filters)
    cells = cells[cells["substantive"].astype(bool)]
    counts = cells.groupby(["domain", "level_id", "level_order"], as_index=False, observed=True)[
        ["n", "sum_w"]].sum()
    totals = counts.groupby("domain")[["n", "sum_w"]].transform("sum")
    dist = counts.assign(
        base_n=totals["n"],
        pct=100 * counts["sum_w"] / totals["sum_w"],
        level_label=counts["level_id"].map(cube.level_labels()).fillna(counts["level_id"]),
        domain_label=counts["domain"].map(vocab.DOMAINS).fillna(counts["domain"]),
    ).drop(columns="sum_w")
    dist = disclosure.protect(dist, ["pct", "n"])
    return _domain_order(dist).sort_values(["level_order"], kind="stable").reset_index(drop=True)


def _against_rest(cells: pd.DataFrame, key: str, total: pd.DataFrame, subgroups: list[str],
                  exclusive: bool = False, outside: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pooled influence for each subgroup (rows of `cells` by `key`) and for everyone else, with a verdict.

    `total` holds everyone's cells; everyone else's sums are the total's less the subgroup's, so
    overlapping subgroups (a person in several groups) are handled exactly. `exclusive` subgroups
    (organisation types) add up to the total, so disclosure control also works across them. With
    `outside` (the cells of everyone outside a selection of subgroups), every subgroup is compared with those.
    """
    mine = metrics.share_sums(cells, [key]).set_index(key).reindex(subgroups, fill_value=0.0)
    mine.index = pd.Index(subgroups, dtype=object)  # plain labels, not the cells' categories: joined with text below
    everyone = metrics.share_sums(total, [])
    if outside is None:
        rest = everyone[metrics.SUM_COLS].to_numpy() - mine[metrics.SUM_COLS]
    else:
        rest = mine[metrics.SUM_COLS] * 0 + metrics.share_sums(outside, [])[metrics.SUM_COLS].to_numpy()
    frames = [metrics.shares(sums).assign(who=who) for who, sums in (("subgroup", mine), ("everyone else", rest))]
    out = pd.concat(frames).rename_axis("subgroup").reset_index()[["subgroup", "who", "base_n", *SHARE_COLS]]
    # A subgroup and everyone else add up to the total; exclusive subgroups add up to it too.
    out["_across"] = np.where(exclusive & (out["who"] == "subgroup"), "subgroups", out["who"] + out["subgroup"])
    protected = disclosure.protect(out, SHARE_COLS, partitions=[["subgroup"], ["_across"]]).drop(
        columns="_across")
    sub = protected[protected["who"] == "subgroup"].set_index("subgroup")
    other = protected[protected["who"] == "everyone else"].set_index("subgroup")
    verdict, p_value = metrics.compare_shares(sub["positive_pct"] / 100, sub["effective_n"],
                                              other["positive_pct"] / 100, other["effective_n"])
    result = sub.drop(columns="who").join(
        other[["base_n", "positive_pct", "ci_low_pct", "ci_high_pct", "suppressed"]].add_prefix("rest_"))
    overall = metrics.shares(everyone)["positive_pct"].iloc[0]
    return result.assign(verdict=verdict, p_value=p_value, overall_positive_pct=overall).reset_index()


def group_by_domain(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """One row per seldom-heard group and domain: base and % positive with interval (for a heatmap)."""
    shares = metrics.positive_share(_cells(cube, filters, group=None), ["group_id", "domain"])
    grid = pd.MultiIndex.from_product([list(vocab.SELDOM_HEARD_GROUPS), list(vocab.DOMAINS)],
                                      names=["group_id", "domain"]).to_frame(index=False)
    shares = grid.merge(shares, on=["group_id", "domain"], how="left").fillna({"base_n": 0})
    shares = shares.assign(group_label=shares["group_id"].map(vocab.SELDOM_HEARD_GROUPS),
                           domain_label=shares["domain"].map(vocab.DOMAINS))
    # A group's domains add up to its pooled base on the group-against-everyone-else chart.
    return disclosure.protect(shares, SHARE_COLS, partition=["group_id"])


def group_against_rest(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """Each seldom-heard group against everyone else: pooled % positive across domains and a verdict."""
    out = _against_rest(_cells(cube, filters, group=None), "group_id", _cells(cube, filters),
                        list(vocab.SELDOM_HEARD_GROUPS))
    return out.assign(label=out["subgroup"].map(vocab.SELDOM_HEARD_GROUPS))


def org_type_against_rest(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """Each organisation type against all others: pooled % positive across domains and a verdict.

    With types selected, "all others" are the answers about every type not selected (within the view's other
    filters), the same comparator for each selected type; without, each type is compared with every other type.
    """
    cells = _cells(cube, filters)
    present = sorted(set(cells["org_type"]), key=_type_rank)
    outside = None
    if filters.org_type:
        outside = _cells(cube, replace(filters, org_type=()))
        outside = outside[~outside["org_type"].astype(str).isin(filters.org_type)]
    out = _against_rest(cells, "org_type", cells, present, exclusive=True, outside=outside)
    return out.assign(label=out["subgroup"].map(vocab.org_type_label),
                      sector=out["subgroup"].map(lambda t: vocab.ORG_TYPES[t][1]))


def _type_rank(org_type: str) -> int:
    order = list(vocab.ORG_TYPES)
    return order.index(org_type) if org_type in order else len(order)


def group_reach(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """For each seldom-heard group: users' groups that speak for it and people who belong to it."""
    resp = flt.apply(cube.respondents, filters)
    resp = resp[resp["group_id"] != ALL]
    counts = resp.pivot_table(index="group_id", columns="source", values="respondents",
                              aggfunc="sum", fill_value=0)
    counts = counts.reindex(index=list(vocab.SELDOM_HEARD_GROUPS), columns=list(vocab.SOURCES), fill_value=0)
    out = pd.DataFrame({
        "group_id": counts.index,
        "label": counts.index.map(vocab.SELDOM_HEARD_GROUPS),
        "users_groups": counts["users_group_survey"].to_numpy(),  # groups, not people: shown exactly
        "base_n": counts["workshop"].to_numpy(),                  # people: disclosure control applies
    })
    return disclosure.protect(out, []).rename(columns={"base_n": "workshop_participants"})


def org_type_by_domain(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """One row per organisation type and domain: % positive with interval; types add up within a domain."""
    shares = metrics.positive_share(_cells(cube, filters), ["org_type", "domain"])
    shares = shares.assign(label=shares["org_type"].map(vocab.org_type_label),
                           domain_label=shares["domain"].map(vocab.DOMAINS))
    type_order = {t: i for i, t in enumerate(vocab.ORG_TYPES)}
    shares = _domain_order(shares).sort_values("org_type", key=lambda s: s.astype(str).map(type_order),
                                               kind="stable")
    # Types add up within a domain, and a type's domains add up to its pooled base.
    return disclosure.protect(shares.reset_index(drop=True), SHARE_COLS, partitions=[["domain"], ["org_type"]])


def participation_by_org_type(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """Interviewed organisations by type: how many say users take an active part (exact counts)."""
    cells = _cells(cube, filters, measure="participation")
    cells = cells[cells["substantive"].astype(bool)]
    grouped = cells.assign(pos=cells["n"].where(cells["positive"].astype(bool), 0)).groupby(
        "org_type", as_index=False)[["n", "pos"]].sum()
    low, high = metrics.exact_interval(grouped["pos"], grouped["n"])
    out = grouped.assign(
        label=grouped["org_type"].map(vocab.org_type_label),
        sector=grouped["org_type"].map(lambda t: vocab.ORG_TYPES.get(t, ("", ""))[1]),
        positive_pct=100 * grouped["pos"] / grouped["n"],
        ci_low_pct=100 * low, ci_high_pct=100 * high,
    ).rename(columns={"n": "organisations", "pos": "active_participation"})
    order = list(vocab.ORG_TYPES)
    return out.sort_values("org_type", key=lambda s: s.astype(str).map(order.index)).reset_index(drop=True)


def respondent_counts(cube: Cube, filters: flt.Filters) -> dict[str, int]:
    """Respondents in the view by source (all groups)."""
    resp = flt.apply(cube.respondents, filters)
    resp = resp[resp["group_id"] == ALL]
    by_source = resp.groupby("source")["respondents"].sum()
    return {src: int(by_source.get(src, 0)) for src in vocab.SOURCES} | {"total": int(by_source.sum())}


WAVE_LABELS = {"domain": vocab.DOMAINS, "org_type": vocab.ORG_TYPE_LABELS,
               "group_id": vocab.SELDOM_HEARD_GROUPS, "sector": vocab.SECTORS}


def compared_waves(cube: Cube, filters: flt.Filters) -> tuple[str | None, str | None]:
    """(previous, latest): the latest wave in view (latest chosen, else latest in the data) and the one before."""
    return flt.compared_waves(cube.waves, filters)


def comparable_questions(manifest: dict, previous: str | None, latest: str | None,
                         measure: str = "influence") -> tuple[list[str], list[str]]:
    """(domains, questions) that compare like with like between two waves: a domain counts only when the same
    questions of the measure were asked about it in both waves. Without a record of the questions (a dataset
    stored before it was kept), every domain counts and no questions are named."""
    record = manifest.get("questions")
    if record is None or not previous or not latest:
        return list(vocab.DOMAINS), []
    asked: dict[str, dict[str, set]] = {}
    for question_id, q in record.items():
        if q.get("measure") == measure:
            for wave in (previous, latest):
                asked.setdefault(q.get("domain", ""), {}).setdefault(wave, set())
                if wave in q.get("waves", []):
                    asked[q["domain"]][wave].add(question_id)
    domains = [d for d, by_wave in asked.items() if by_wave[previous] and by_wave[previous] == by_wave[latest]]
    return domains, sorted(q for d in domains for q in asked[d][latest])


def wave_comparison(cube: Cube, filters: flt.Filters, by: str = "domain") -> pd.DataFrame:
    """One row per `by` value (domain, org_type, group_id or sector): % positive in the latest wave against the
    previous one, both with 95% intervals, and a verdict (better / about the same / worse).

    Only domains asked with the same questions in both waves are compared (column `questions_compared`)."""
    previous, latest = compared_waves(cube, filters)
    view = replace(filters, wave=())
    cells = _cells(cube, view, group=None if by == "group_id" else ALL)
    cells = cells[cells["wave"].isin([w for w in (previous, latest) if w])]
    domains, questions = comparable_questions(cube.manifest, previous, latest)
    asked = set(cells["domain"].astype(str)) if by == "domain" else set()  # shown as not compared when left out
    cells = cells[cells["domain"].astype(str).isin(domains)]
    long = metrics.positive_share(cells, [by, "wave"]).astype({by: str, "wave": str})
    long = disclosure.protect(long, SHARE_COLS)
    labels = WAVE_LABELS.get(by, {})
    present = set(long[by]) | asked
    keys = [k for k in labels if k in present] + sorted(present - set(labels))
    cols = ["base_n", "positive_pct", "ci_low_pct", "ci_high_pct", "effective_n", "suppressed"]
    out = pd.DataFrame({by: keys})
    for name, wave in (("previous", previous), ("latest", latest)):
        part = long[long["wave"] == wave].set_index(by).reindex(keys)[cols]
        part = part.fillna({"suppressed": False}).astype({"suppressed": bool})
        out = out.join(part.add_prefix(f"{name}_").reset_index(drop=True))
        out[f"{name}_wave"] = wave or ""
    verdict, p_value = metrics.compare_shares(out["latest_positive_pct"] / 100, out["latest_effective_n"],
                                              out["previous_positive_pct"] / 100, out["previous_effective_n"])
    return out.assign(label=out[by].map(lambda k: labels.get(k, k)), verdict=verdict, p_value=p_value,
                      suppressed=out["latest_suppressed"] | out["previous_suppressed"],
                      questions_compared=", ".join(questions))


def importance_vs_influence(cube: Cube, filters: flt.Filters) -> pd.DataFrame:
    """One row per domain: % who want a say (importance) beside % who had influence, among the same waves."""
    importance = _cells(cube, filters, measure="importance")
    waves = set(importance["wave"].astype(str))
    influence = _cells(cube, filters)
    influence = influence[influence["wave"].astype(str).isin(waves)]
    frames = []
    for name, cells in (("importance", importance), ("influence", influence)):
        shares = disclosure.protect(metrics.positive_share(cells, ["domain"]).astype({"domain": str}), SHARE_COLS)
        frames.append(shares.set_index("domain")[["base_n", "positive_pct", "ci_low_pct", "ci_high_pct",
                                                  "suppressed"]].add_prefix(f"{name}_"))
    out = frames[0].join(frames[1], how="inner").reset_index()
    out = out[out["domain"].isin(list(vocab.DOMAINS))]
    return out.assign(domain_label=out["domain"].map(vocab.DOMAINS),
                      gap_pct=out["importance_positive_pct"] - out["influence_positive_pct"],
                      waves=", ".join(sorted(waves))).sort_values("gap_pct", ascending=False).reset_index(drop=True)
