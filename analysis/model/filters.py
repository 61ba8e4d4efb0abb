"""The view's filters: parsed from URL query parameters, described for people, applied to count tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from analysis.model import vocab


@dataclass(frozen=True)
class Filters:
    """Selected ids per filter key; an empty selection means everything."""

    org_type: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    wave: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=(), compare=False)

    def items(self) -> list[tuple[str, tuple[str, ...]]]:
        """(key, values) for each filter key, in URL order."""
        return [(key, getattr(self, key)) for key in vocab.FILTER_KEYS]

    def as_query(self) -> dict[str, list[str]]:
        """The URL query parameters for this view (keys with a selection only)."""
        return {key: list(values) for key, values in self.items() if values}


def parse(params: Mapping[str, Iterable[str] | str], waves: Iterable[str] = ()) -> Filters:
    """Filters from query parameters; unknown keys are skipped and unknown values reported in `ignored`."""
    known_waves = set(waves)
    chosen: dict[str, tuple[str, ...]] = {}
    ignored: list[str] = []
    for key in vocab.FILTER_KEYS:
        raw = params.get(key, ())
        values = [raw] if isinstance(raw, str) else list(raw)
        allowed = known_waves if key == "wave" else set(vocab.filter_options(key))
        kept = []
        for value in values:
            for part in str(value).split(","):
                part = part.strip()
                if not part:
                    continue
                if part in allowed or (key == "wave" and not known_waves):
                    if part not in kept:
                        kept.append(part)
                else:
                    ignored.append(f"{key}={part}")
        chosen[key] = tuple(sorted(kept))
    return Filters(**chosen, ignored=tuple(ignored))


def apply(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of a table that fall in the filtered view; a filter key the table has no column for does not
    apply to it (issues have no source)."""
    mask = pd.Series(True, index=frame.index)
    for key, values in filters.items():
        if values and key in frame.columns:
            mask &= frame[key].isin(values)
    return frame[mask]


def compared_waves(waves: Iterable[str], filters: Filters) -> tuple[str | None, str | None]:
    """(previous, latest): the latest wave in view (the latest chosen that the data has, else the latest in
    the data) and the wave before it; None where there is none."""
    known = sorted(set(waves))
    chosen = [w for w in filters.wave if w in known]
    latest = max(chosen) if chosen else (known[-1] if known else None)
    before = [w for w in known if latest is not None and w < latest]
    return (before[-1] if before else None), latest


def describe(filters: Filters) -> str:
    """The filters as a phrase for subtitles and exports, e.g. 'Sector: NHS; Region: London'."""
    parts = [f"{vocab.FILTER_LABELS[key]}: {', '.join(vocab.label(key, v) for v in values)}"
             for key, values in filters.items() if values]
    return "; ".join(parts) if parts else "All organisations, sources and waves"
