"""Command `datasets`: list the named datasets, rename, describe, archive and restore them, choose the default."""

from __future__ import annotations

import argparse
import json

from analysis.model.errors import UserError
from analysis.storage import store


def _list(args: argparse.Namespace, directory: store.Location) -> int:
    default = store.default_collection(directory)
    entries = [{"name": e["name"], "title": e["title"], "description": e["description"], "archived": e["archived"],
                "default": e["name"] == default, "versions": e["stored"], "current": e["current"],
                "demo": bool(e["manifest"].get("demo"))}
               for e in store.list_collections(directory, archived=True)]
    if args.json:
        print(json.dumps(entries, indent=2))
        return 0
    for e in entries:
        flags = ", ".join(f for f, on in (("default", e["default"]), ("archived", e["archived"])) if on)
        print(f"{e['name']}: {e['title']}{' (' + flags + ')' if flags else ''}; {len(e['versions'])} version(s), "
              f"current {e['current']}")
    if not entries:
        print(f"No datasets in {directory} yet.")
    return 0


def _run(args: argparse.Namespace) -> int:
    directory = store.data_dir(args.data_dir)
    if args.action == "list":
        return _list(args, directory)
    if not args.name:
        raise UserError(f"datasets {args.action} needs the name of a dataset (see: python -m analysis datasets list)")
    name = store.resolve(directory, args.name)["name"]
    try:
        if args.action == "default":
            store.set_default(directory, name)
        else:
            store.update_collection(directory, name, title=args.title, description=args.description,
                                    archived={"archive": True, "restore": False}.get(args.action))
    except store.RegistryError as exc:
        raise UserError(str(exc)) from exc
    entry = store.collection(directory, name)
    print(f"Dataset {entry['name']}: {entry['title']}"
          + {"archive": " is archived (its data are kept; restore it with: datasets restore NAME).",
             "restore": " is restored.", "default": " is now what new visitors see.",
             "rename": " saved."}[args.action])
    return 0


def add_commands(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the datasets command."""
    cmd = subparsers.add_parser("datasets", parents=[common], help="list, rename, archive, restore datasets; "
                                "choose the default")
    cmd.add_argument("action", choices=["list", "rename", "archive", "restore", "default"],
                     help="list them; rename one (--title, --description); archive or restore one (nothing is "
                          "deleted); make one the default that new visitors see")
    cmd.add_argument("name", nargs="?", help="the dataset's name or title")
    cmd.add_argument("--title", help="new title (rename)")
    cmd.add_argument("--description", help="new description (rename)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object (list)")
    cmd.set_defaults(func=_run)
