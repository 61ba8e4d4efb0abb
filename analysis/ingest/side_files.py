"""The files a mapping names beside the export: the organisation lookup (org_lookup) and the names to redact
(names_file). In the browser they are uploads; on the command line they sit beside the mapping (never outside
its folder) unless given on the command line. A file that is named but cannot be used refuses the import:
names listed for redaction are never silently left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePath

import pandas as pd

from analysis.ingest import importing
from analysis.ingest.importers.base import decode
from analysis.model.errors import UserError, problem

KINDS = {"org_lookup": "organisation lookup", "names_file": "names file"}
MAX_SIDE_BYTES = 5 * 1024 * 1024  # a lookup or a list of names; far smaller than any export


@dataclass
class SideFiles:
    """What the side files hold, and why any could not be used (then nothing may be imported)."""

    lookup: pd.DataFrame | None = None
    names: list[str] | None = None
    problems: list[str] = field(default_factory=list)

    def check(self, file_bytes: bytes, file_name: str, spec: dict, directory: Path,
              target: importing.Target | None = None) -> importing.ImportReport:
        """The import's preview with these side files (into `target`), or a refusal when one cannot be used."""
        return self.refusal(file_name) or importing.preview(file_bytes, file_name, spec, directory,
                                                            self.options(target))

    def options(self, target: importing.Target | None = None) -> importing.Options:
        """An import's options with these side files, into `target` (a new dataset by default)."""
        return importing.Options(lookup=self.lookup, names=self.names, target=target or importing.Target())

    def refusal(self, file_name: str) -> importing.ImportReport | None:
        """A refused report naming the problems, or None when the side files are usable."""
        if not self.problems:
            return None
        name = PurePath(file_name).name
        return importing.ImportReport(file=name, problems=[problem(p) for p in self.problems],
                                      message=f"{name} was not imported: {self.problems[0]}")


def names_from_text(text: str) -> list[str]:
    """Names one a line; blank lines and lines starting with # are skipped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _use(found: SideFiles, key: str, name: str, data: bytes) -> None:
    """Read one side file into `found`, or add a problem that names the file but never quotes its content."""
    if len(data) > MAX_SIDE_BYTES:
        found.problems.append(f"{KINDS[key]} {name} is over {MAX_SIDE_BYTES // (1024 * 1024)} MB; it is not a "
                              "lookup or a list of names")
        return
    try:
        if key == "org_lookup":
            found.lookup = importing.read_lookup(data, name)
        else:
            found.names = names_from_text(decode(data, name))
    except UserError as exc:
        found.problems.append(str(exc))
    except Exception:  # a parser's message can quote the file: say only that it could not be read
        found.problems.append(f"{KINDS[key]} {name} could not be read as {'CSV' if key == 'org_lookup' else 'text'}")


def from_uploads(spec: dict, uploads: dict[str, tuple[str, bytes] | None]) -> SideFiles:
    """The side files uploaded in the browser (key -> (file name, bytes)); a file the mapping names but that
    was not uploaded is a problem."""
    found = SideFiles()
    settings = spec.get("import", {})
    for key, kind in KINDS.items():
        upload, named = uploads.get(key), str(settings.get(key, "")).strip()
        if upload is not None:
            _use(found, key, *upload)
        elif named:
            found.problems.append(f"the mapping names the {kind} {named!r} ({key} in [import]); upload it beside "
                                  f"the export, or remove {key} from the mapping")
    return found


def from_paths(spec: dict, mapping_path: Path, given: dict[str, str | None]) -> SideFiles:
    """The side files on the command line: given paths anywhere; named ones only inside the mapping's folder."""
    found = SideFiles()
    settings = spec.get("import", {})
    folder = mapping_path.resolve().parent
    for key, kind in KINDS.items():
        named = str(settings.get(key, "")).strip()
        if given.get(key):
            path = Path(str(given[key]))
        elif named:
            path = (folder / named).resolve()
            if PurePath(named).is_absolute() or not path.is_relative_to(folder):
                option = "--" + key.replace("_", "-")
                found.problems.append(f"{mapping_path.name} names the {kind} {named!r} outside its own folder; a "
                                      f"mapping may only name files beside it. Give the file with {option} on the "
                                      "command line instead")
                continue
        else:
            continue
        if not path.is_file():
            found.problems.append(f"the {kind} {named or path} ({key}) was not found at {path}")
            continue
        with path.open("rb") as handle:
            _use(found, key, path.name, handle.read(MAX_SIDE_BYTES + 1))
    return found
