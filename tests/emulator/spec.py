"""The compact Bot API spec, pre-indexed, and the checks the emulator runs on every request.

``BotApiSpec.load()`` reads ``botapi_spec.json`` (written by ``make_spec.py``) once per process.
``BotApiSpec.read_params`` turns the raw parameters of one request (strings from a form, native
values from a JSON body, uploaded files) into typed values and lists every ``SpecViolation``:
an unknown parameter, a missing required one, a wrong type (objects are checked field by field
against the types section, recursively), or a value outside the limits stated in the reference.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("botapi_spec.json")
_INTEGER = re.compile(r"-?\d+")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_PRIMITIVES = frozenset({"Integer", "Float", "Boolean", "String", "InputFile"})
# Parameters Telegram still tolerates but the reference dropped; aiogram sends the first one when
# DefaultBotProperties(link_preview_is_disabled=...) is used instead of link_preview=.
_RETIRED = {
    "disable_web_page_preview": "link_preview_options",
    "reply_to_message_id": "reply_parameters",
    "allow_sending_without_reply": "reply_parameters",
}


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One parameter of a method or one field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    min: int | None
    max: int | None
    unit: str | None
    after_parsing: bool
    const: str | None


@dataclass(frozen=True, slots=True)
class EntrySpec:
    """A method or a type: its fields, the required ones, its subtypes and return types."""

    name: str
    fields: dict[str, FieldSpec]
    required: tuple[str, ...]
    subtypes: tuple[str, ...]
    returns: tuple[str, ...]
    consts: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class SpecViolation:
    """Why a request breaks the spec; ``owner``/``field`` locate the innermost offending field."""

    path: str
    message: str
    kind: str
    owner: str
    field: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _entry(name: str, raw: dict[str, Any]) -> EntrySpec:
    fields = {
        field_name: FieldSpec(
            name=field_name,
            types=tuple(f["types"]),
            required=bool(f.get("required", False)),
            min=f.get("min"),
            max=f.get("max"),
            unit=f.get("unit"),
            after_parsing=bool(f.get("after_parsing", False)),
            const=f.get("const"),
        )
        for field_name, f in raw["fields"].items()
    }
    return EntrySpec(
        name=name,
        fields=fields,
        required=tuple(n for n, f in fields.items() if f.required),
        subtypes=tuple(raw.get("subtypes", ())),
        returns=tuple(raw.get("returns", ())),
        consts=tuple((n, f.const) for n, f in fields.items() if f.const is not None),
    )


def _size(value: str, unit: str) -> int:
    if unit == "bytes":
        return len(value.encode("utf-8"))
    return len(value)


class BotApiSpec:
    """Methods (looked up case-insensitively, as Telegram does) and types of the Bot API."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw.get("version", "")
        self.methods = {name: _entry(name, m) for name, m in raw["methods"].items()}
        self.types = {name: _entry(name, t) for name, t in raw["types"].items()}
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}
        self._flat: dict[tuple[str, ...], list[str]] = {}

    @classmethod
    @cache
    def load(cls, path: Path = SPEC_PATH) -> BotApiSpec:
        """The spec from the committed compact JSON, parsed once per process."""
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def method(self, name: str) -> EntrySpec | None:
        """The method called ``name`` in any letter case, or ``None``."""
        return self._by_lower.get(name.lower())

    def read_params(
        self, method: EntrySpec, params: dict[str, Any], uploads: dict[str, Upload], *, deep: bool
    ) -> tuple[dict[str, Any], list[SpecViolation]]:
        """Typed values for ``params`` and the violations found.

        With ``deep=False`` (the emulator's ``checks`` off) only what is needed to act on the
        request is done: values are converted, unknown parameters ignored, nested objects and
        limits not checked.
        """
        values: dict[str, Any] = {}
        violations: list[SpecViolation] = []
        for name, raw in params.items():
            spec = method.fields.get(name)
            path = f"{method.name}.{name}"
            if spec is None:
                if deep:
                    message = "unknown parameter"
                    if name in _RETIRED:
                        message += f" (dropped from the Bot API; use {_RETIRED[name]})"
                    violations.append(SpecViolation(path, message, "unknown", method.name, name))
                continue
            value, found = self._top_level(raw, spec, uploads, path, method.name, deep)
            violations.extend(found)
            values[name] = value
        for name in method.required:
            if name not in values and not any(p.field == name for p in violations):
                violations.append(
                    SpecViolation(
                        f"{method.name}.{name}",
                        "required parameter is missing",
                        "missing",
                        method.name,
                        name,
                    )
                )
        return values, violations

    def _top_level(
        self,
        raw: Any,
        spec: FieldSpec,
        uploads: dict[str, Upload],
        path: str,
        owner: str,
        deep: bool,
    ) -> tuple[Any, list[SpecViolation]]:
        """Convert one request parameter: forms carry strings, JSON bodies native values."""
        if isinstance(raw, Upload):
            if "InputFile" in spec.types:
                return raw, []
            return None, [
                SpecViolation(path, "a file was uploaded here", "type", owner, spec.name)
            ]
        if not isinstance(raw, str):
            return raw, self.check(raw, spec, path, owner) if deep else []
        for kind in spec.types:
            if kind == "InputFile" and raw.startswith("attach://"):
                upload = uploads.get(raw[len("attach://") :])
                if upload is not None:
                    return upload, []
            elif kind == "Integer" and _INTEGER.fullmatch(raw):
                value: Any = int(raw)
                break
            elif kind == "Float":
                try:
                    value = float(raw)
                except ValueError:
                    continue
                break
            elif kind == "Boolean" and raw.lower() in _BOOLEANS:
                value = _BOOLEANS[raw.lower()]
                break
            elif kind == "String":
                value = raw
                break
            elif kind not in _PRIMITIVES:
                try:
                    value = json.loads(raw)
                except ValueError:
                    continue
                break
        else:
            expected = " or ".join(spec.types)
            return None, [
                SpecViolation(path, f"expected {expected}, got {raw!r}", "type", owner, spec.name)
            ]
        return value, self.check(value, spec, path, owner) if deep else []

    def check(self, value: Any, spec: FieldSpec, path: str, owner: str) -> list[SpecViolation]:
        """Violations of a native ``value`` for the field ``spec`` (empty when it conforms)."""
        best: list[SpecViolation] | None = None
        for kind in self._candidates(spec.types, value):
            found = self._check_kind(value, kind, spec, path, owner)
            if not found:
                return []
            if best is None or len(found) < len(best):
                best = found
        return best or []

    def _candidates(self, kinds: tuple[str, ...], value: Any) -> list[str]:
        """Flatten union types into concrete ones, keeping those a dict's constants select."""
        flat = self._flat.get(kinds)
        if flat is None:
            flat = []
            stack = list(reversed(kinds))
            while stack:
                kind = stack.pop()
                entry = self.types.get(kind)
                if entry is not None and entry.subtypes:
                    stack.extend(reversed(entry.subtypes))
                else:
                    flat.append(kind)
            self._flat[kinds] = flat
        if isinstance(value, dict) and len(flat) > 1:
            selected = [
                kind
                for kind in flat
                if (entry := self.types.get(kind)) is not None
                and entry.consts
                and all(value.get(name) == const for name, const in entry.consts)
            ]
            if selected:
                return selected
        return flat

    def _check_kind(
        self, value: Any, kind: str, spec: FieldSpec, path: str, owner: str
    ) -> list[SpecViolation]:
        def wrong(expected: str) -> list[SpecViolation]:
            got = type(value).__name__
            return [
                SpecViolation(path, f"expected {expected}, got {got}", "type", owner, spec.name)
            ]

        if kind.startswith("Array of "):
            if not isinstance(value, list):
                return wrong(kind)
            inner = FieldSpec(
                spec.name, (kind[len("Array of ") :],), True, None, None, None, False, None
            )
            found: list[SpecViolation] = []
            for index, item in enumerate(value):
                found.extend(self.check(item, inner, f"{path}[{index}]", owner))
            if spec.unit == "items":
                found.extend(self._limit(len(value), spec, path, owner, "items"))
            return found
        if kind == "Integer":
            if not isinstance(value, int) or isinstance(value, bool):
                return wrong(kind)
            return self._limit(value, spec, path, owner, "")
        if kind == "Float":
            if not isinstance(value, int | float) or isinstance(value, bool):
                return wrong(kind)
            return self._limit(value, spec, path, owner, "")
        if kind == "Boolean":
            return [] if isinstance(value, bool) else wrong(kind)
        if kind in ("String", "InputFile"):
            if not isinstance(value, str):
                return wrong(kind)
            if spec.const is not None and value != spec.const:
                message = f'must be "{spec.const}", got {value!r}'
                return [SpecViolation(path, message, "type", owner, spec.name)]
            if spec.unit in ("characters", "bytes") and not spec.after_parsing:
                return self._limit(_size(value, spec.unit), spec, path, owner, spec.unit)
            return []
        entry = self.types.get(kind)
        if entry is None:
            return wrong(kind)
        if not isinstance(value, dict):
            return wrong(kind)
        return self.check_object(value, entry, path)

    def check_object(
        self, value: dict[str, Any], entry: EntrySpec, path: str
    ) -> list[SpecViolation]:
        """Violations of a JSON object against the type ``entry``."""
        found: list[SpecViolation] = []
        for name, item in value.items():
            field = entry.fields.get(name)
            if field is None:
                found.append(
                    SpecViolation(f"{path}.{name}", "unknown field", "unknown", entry.name, name)
                )
            else:
                found.extend(self.check(item, field, f"{path}.{name}", entry.name))
        for name in entry.required:
            if name not in value:
                found.append(
                    SpecViolation(
                        f"{path}.{name}", "required field is missing", "missing", entry.name, name
                    )
                )
        return found

    @staticmethod
    def _limit(
        size: float, spec: FieldSpec, path: str, owner: str, unit: str
    ) -> list[SpecViolation]:
        if spec.min is None or spec.max is None or spec.min <= size <= spec.max:
            return []
        shown = f"{size:g} {unit}".strip()
        allowed = f"{spec.min}-{spec.max} {unit}".strip()
        return [SpecViolation(path, f"{shown}, allowed {allowed}", "limit", owner, spec.name)]
