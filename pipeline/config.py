"""Configuration: one frozen dataclass per stage, loaded from YAML, validated strictly.

Defaults live in the dataclasses; ``configs/*.yaml`` override them; ``--set section.key=value``
overrides those. Unknown sections or keys are errors, so a typo never silently does nothing.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import E_CONFIG_FILE, E_CONFIG_KEY, E_CONFIG_VALUE, MazmunError


def check(ok: bool, where: str, message: str) -> None:
    """Raise a config-value error (used by the stage configs' ``__post_init__``)."""
    if not ok:
        raise MazmunError(E_CONFIG_VALUE, f"config {where}: {message}", "fix it in the config file or --set")


def _coerce(value: Any, hint: Any, where: str) -> Any:
    """Check ``value`` against a type hint (str, int, float, bool, tuple[...], Optional)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        for i, arg in enumerate(inner):
            try:
                return _coerce(value, arg, where)
            except MazmunError:
                if i == len(inner) - 1:
                    raise
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise MazmunError(E_CONFIG_VALUE, f"config {where}: expected a list, got {value!r}",
                              "write it as a YAML list, e.g. [a, b]")
        return tuple(_coerce(v, args[0], where) for v in value)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if (hint is bool and isinstance(value, bool)) or (hint is str and isinstance(value, str)) \
            or (hint is int and number and isinstance(value, int)):
        return value
    if hint is float and number:
        if not math.isfinite(value):
            raise MazmunError(E_CONFIG_VALUE, f"config {where}: expected a finite number, got {value!r}",
                              "write a number such as 0.5")
        return float(value)
    name = getattr(hint, "__name__", str(hint))
    raise MazmunError(E_CONFIG_VALUE, f"config {where}: expected {name}, got {value!r}",
                      "fix the value in the config file or --set")


def build(cls: type, data: dict[str, Any] | None, where: str) -> Any:
    """Make a frozen config dataclass from a mapping, rejecting unknown keys."""
    data = data or {}
    if not isinstance(data, dict):
        raise MazmunError(E_CONFIG_VALUE, f"config {where}: expected a mapping, got {data!r}",
                          "write the section as 'key: value' lines")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise MazmunError(E_CONFIG_KEY, f"config {where}: unknown key '{unknown[0]}'",
                          f"valid keys are: {', '.join(names)}")
    kwargs = {k: _coerce(v, hints[k], f"{where}.{k}") for k, v in data.items()}
    return cls(**kwargs)


def parse_override(text: str) -> tuple[str, str, Any]:
    """Parse ``section.key=value`` (value in YAML syntax)."""
    if "=" not in text:
        raise MazmunError(E_CONFIG_KEY, f"--set '{text}' is not section.key=value",
                          "write e.g. --set cluster.min_cluster_size=5")
    path, raw = text.split("=", 1)
    section, _, key = path.strip().partition(".")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as exc:
        raise MazmunError(E_CONFIG_VALUE, f"--set '{text}': value is not valid YAML ({exc})",
                          "quote strings, write lists as [a, b]") from exc
    return section, key, value


def read_yaml(path: Path | None) -> dict[str, Any]:
    """Read a config file (the commands' one file read for settings)."""
    if path is None:
        return {}
    if not path.is_file():
        raise MazmunError(E_CONFIG_FILE, f"config file {path} not found",
                          "pass an existing file, e.g. --config configs/default.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MazmunError(E_CONFIG_FILE, f"config file {path} is not valid YAML: {first}",
                          "fix the syntax (indentation, colons)") from exc
    if not isinstance(data, dict):
        raise MazmunError(E_CONFIG_FILE, f"config file {path} must be a mapping of sections",
                          "start with a section name such as 'cluster:'")
    return data


def merge_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    merged = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for text in overrides:
        section, key, value = parse_override(text)
        if not key:
            merged[section] = value
            continue
        current = merged.setdefault(section, {})
        if not isinstance(current, dict):
            raise MazmunError(E_CONFIG_KEY, f"--set '{text}': '{section}' is not a section",
                              "use section.key=value")
        current[key] = value
    return merged


def to_dict(cfg: Any) -> dict[str, Any]:
    """A plain, YAML/JSON-ready dict of a (nested) config dataclass."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = to_dict(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out
