"""Build the emulator's compact Bot API spec from the official machine-readable reference.

Run ``python -m tests.emulator.make_spec ../shared/botapi/api.json`` from the project root (or
``make spec``). It writes ``tests/emulator/botapi_spec.json``: for every method and type its fields
with their types, the required flag, a constant value where the reference fixes one ("Scope type,
must be default") and the numeric limits stated in prose ("1-4096 characters after entities
parsing", "1-64 bytes", "Values between 1-100 are accepted"). Keys are sorted, so running it again
on the same reference produces the same file byte for byte.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("botapi_spec.json")

_TEXT_RANGE = re.compile(r"\b(\d+)-(\d+) (characters|bytes)\b", re.IGNORECASE)
_TEXT_UP_TO = re.compile(r"\bup to (\d+) (characters|bytes)\b", re.IGNORECASE)
_AFTER_PARSING = re.compile(r"after entit(?:y|ies) parsing")
_NUMBER_RANGE = re.compile(r"(?<![\d.+-])(\d+)-(\d+)(?![\d-])")
_NUMBER_BETWEEN = re.compile(r"\bbetween (\d+) and (\d+)(?!\d|, or)")
_ITEMS_RANGE = re.compile(r"\b(?:list of|include) (\d+)-(\d+)\b")
_ITEMS_UP_TO = re.compile(r"\bup to (\d+) items\b")
_CONSTANT = re.compile(r'(?:must be|always) "?([a-z_]+)"?\.?$')


def _limit(types: list[str], description: str) -> dict[str, Any]:
    """Numeric limits a field's prose states, in a form the emulator checks directly."""
    if types == ["String"]:
        match = _TEXT_RANGE.search(description)
        if match is not None:
            low, high, unit = int(match.group(1)), int(match.group(2)), match.group(3).lower()
        else:
            match = _TEXT_UP_TO.search(description)
            if match is None:
                return {}
            low, high, unit = 0, int(match.group(1)), match.group(2).lower()
        limit: dict[str, Any] = {"min": low, "max": high, "unit": unit}
        if _AFTER_PARSING.search(description):
            limit["after_parsing"] = True
        return limit
    if types in (["Integer"], ["Float"]):
        ranges = {(int(a), int(b)) for a, b in _NUMBER_RANGE.findall(description)}
        ranges |= {(int(a), int(b)) for a, b in _NUMBER_BETWEEN.findall(description)}
        # Several ranges (dice values per emoji) describe alternatives, not one bound.
        if len(ranges) != 1:
            return {}
        low, high = ranges.pop()
        return {"min": low, "max": high, "unit": "value"} if low <= high else {}
    if len(types) == 1 and types[0].startswith("Array of "):
        match = _ITEMS_RANGE.search(description)
        if match is not None:
            return {"min": int(match.group(1)), "max": int(match.group(2)), "unit": "items"}
        match = _ITEMS_UP_TO.search(description)
        if match is not None:
            return {"min": 0, "max": int(match.group(1)), "unit": "items"}
    return {}


def _field(raw: dict[str, Any]) -> dict[str, Any]:
    types = list(raw["types"])
    description = " ".join(str(raw.get("description", "")).split())
    compact: dict[str, Any] = {"types": types}
    if raw.get("required"):
        compact["required"] = True
    compact.update(_limit(types, description))
    if types == ["String"]:
        constant = _CONSTANT.search(description)
        if constant is not None:
            compact["const"] = constant.group(1)
    return compact


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"fields": {f["name"]: _field(f) for f in raw.get("fields", [])}}
    if raw.get("subtypes"):
        entry["subtypes"] = list(raw["subtypes"])
    if raw.get("returns"):
        entry["returns"] = list(raw["returns"])
    return entry


def build(api: dict[str, Any]) -> dict[str, Any]:
    """The compact spec for the official reference ``api``."""
    return {
        "source": "Telegram Bot API reference (api.json), condensed by make_spec.py",
        "version": api.get("version", ""),
        "release_date": api.get("release_date", ""),
        "methods": {name: _entry(raw) for name, raw in api["methods"].items()},
        "types": {name: _entry(raw) for name, raw in api["types"].items()},
    }


def render(spec: dict[str, Any]) -> str:
    """Serialise deterministically: sorted keys, one field per line, trailing newline."""
    return json.dumps(spec, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Read the official api.json and write the compact spec next to this module."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("api_json", type=Path, help="path to the official api.json")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    api = json.loads(args.api_json.read_text(encoding="utf-8"))
    args.output.write_text(render(build(api)), encoding="utf-8")


if __name__ == "__main__":
    main()
