"""The one registry of pages and their panels: the pages, the briefing packs, the command line and the tests
all read it, so a page's pack holds exactly that page's charts.

A panel builder takes its source (a dataset's count cube, its actions and self-assessments, or its stories)
and the view's filters, and returns a Panel. Sources are loaded when a page first needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from analysis.evidence import actions, queries, voices
from analysis.model.filters import Filters
from analysis.storage import store
from analysis.views import acting_panels, measures, panels, voice_panels
from analysis.views.panels import Panel

CUBE, ACTIONS, VOICES = "cube", "actions", "voices"
Sources = Mapping[str, Callable[[], Any]]  # source name -> loader (called once per use; the caller caches)


@dataclass(frozen=True)
class Entry:
    """One chart of a page: its builder and the source it reads."""

    build: Callable[[Any, Filters], Any]
    source: str = CUBE
    many: bool = False  # the builder returns a list of panels (one per measure and scale of the dataset)

    @property
    def name(self) -> str:
        """The builder's name (the chart id of every panel but the wave comparisons' shared builder)."""
        return self.build.__name__


@dataclass(frozen=True)
class Page:
    """A page of the app as packs and tests see it: its title and its charts, top to bottom."""

    title: str
    entries: tuple[Entry, ...]

    @property
    def sources(self) -> set[str]:
        """The sources this page's charts read."""
        return {e.source for e in self.entries}


def _page(title: str, *builders: Callable[[Any, Filters], Panel], source: str = CUBE) -> Page:
    return Page(title, tuple(Entry(b, source) for b in builders))


PAGES: dict[str, Page] = {
    "overview": _page("Overview", panels.domains_positive),
    "domains": _page("Influence by domain", panels.domains_positive, panels.domains_distribution,
                     panels.domains_by_wave, panels.importance_vs_influence),
    "groups": _page("Seldom-heard groups", panels.groups_heatmap, panels.groups_against_rest, panels.groups_reach,
                    panels.groups_by_wave),
    "trust_types": _page("Trust types", panels.org_types_heatmap, panels.org_types_against_rest,
                         panels.org_types_participation, panels.org_types_by_wave),
    "framework": _page("Engagement framework", acting_panels.framework_by_type, acting_panels.framework_by_sector,
                       acting_panels.framework_by_wave, source=ACTIONS),
    "actions": _page("You said, we did", acting_panels.actions_by_domain, acting_panels.actions_by_org_type,
                     acting_panels.actions_by_group, acting_panels.actions_by_wave, source=ACTIONS),
    "voices": _page("Voices", voice_panels.themes_by_domain, voice_panels.themes_by_group, source=VOICES),
    "questions": Page("Results by question", (Entry(measures.page_panels, CUBE, many=True),)),
}


def pages_reading(*sources: str) -> list[str]:
    """The pages whose charts read only these sources (e.g. the evidence pages: only the cube)."""
    return [name for name, page in PAGES.items() if page.sources <= set(sources)]


def entries() -> list[Entry]:
    """Every chart of every page, each once, in page order."""
    return list(dict.fromkeys(e for page in PAGES.values() for e in page.entries))


def page_panels(page: str, sources: Sources, filters: Filters) -> list[Panel]:
    """The panels of a page for a view."""
    found: list[Panel] = []
    for e in PAGES[page].entries:
        built = e.build(sources[e.source](), filters)
        found.extend(built if e.many else [built])
    return found


def store_sources(directory: store.Location, dataset_id: str | None = None) -> dict[str, Callable[[], Any]]:
    """Loaders for a stored dataset's sources, each read once (the command line and benchmarks)."""
    return {CUBE: cache(lambda: queries.load_cube(directory, dataset_id)),
            ACTIONS: cache(lambda: actions.load(directory, dataset_id)),
            VOICES: cache(lambda: voices.load_voices(directory, dataset_id))}


def fixed_sources(**loaded: Any) -> dict[str, Callable[[], Any]]:
    """Loaders that hand back sources already loaded (tests: fixed_sources(cube=c, actions=a))."""
    return {name: (lambda value=value: value) for name, value in loaded.items()}
