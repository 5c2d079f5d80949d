"""Load and validate spec TOML into typed codemods, before any target file is read."""

from __future__ import annotations

import difflib
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from .config import parse_toml, pattern_problem, read_toml_bytes
from .errors import SpecError
from .names import DottedName, DottedNameError
from .types import CodemodSpec, Option

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CATALOG_PREFIX = "catalog:"
BOM = b"\xef\xbb\xbf"
MIGRATION_KEYS = ("name", "description", "paths", "exclude")
COMMAND_LINE = "<command line>"


@dataclass(frozen=True)
class Migration:
    """Every spec of a run, merged: codemods run in order on one tree."""

    name: str
    description: str
    specs: tuple[str, ...]
    spec_hash: str
    paths: tuple[str, ...]
    exclude: tuple[str, ...]
    codemods: tuple[CodemodSpec, ...]


@dataclass
class _Located:
    """Line numbers of the tables and keys of a TOML text (tomllib gives none)."""

    migration_line: int = 0
    migration_keys: dict[str, int] = field(default_factory=dict)
    codemod_lines: list[int] = field(default_factory=list)
    codemod_keys: list[dict[str, int]] = field(default_factory=list)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*(?:\.|=)""")


def locate_tables(text: str, table: str, array: str) -> _Located:
    """Lines of `[table]`, of each `[[array]]` and of their keys, for messages about other TOML files (batch)."""
    return _locate(text, table, array)


def _locate(text: str, table: str = "migration", array: str = "codemod") -> _Located:
    located = _Located()
    section: str | None = None
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if depth == 0:
            header = _HEADER.match(line)
            if header and line.lstrip().startswith("["):
                name = header.group(2).strip()
                if header.group(1) == "[[" and name == array:
                    section = "codemod"
                    located.codemod_lines.append(number)
                    located.codemod_keys.append({})
                elif header.group(1) == "[" and name == table:
                    section = "migration"
                    located.migration_line = number
                elif name.startswith(array + ".") and located.codemod_keys:
                    # A sub-table such as [[codemod.add]]: its keys belong to that option.
                    located.codemod_keys[-1].setdefault(name.split(".", 1)[1], number)
                    section = "sub"
                else:
                    section = "other"
                continue
            key = _KEY.match(line)
            if key:
                name = next(g for g in key.groups() if g)
                if section == "codemod":
                    located.codemod_keys[-1].setdefault(name, number)
                elif section == "migration":
                    located.migration_keys.setdefault(name, number)
        depth += line.count("[") + line.count("{") - line.count("]") - line.count("}")
        depth = max(depth, 0)
    return located


def _strip_comment(line: str) -> str:
    """The line without a trailing comment or string contents (enough to count brackets)."""
    out = []
    quote: str | None = None
    for char in line:
        if quote:
            if char == quote:
                quote = None
                out.append(char)
            continue
        if char in "\"'":
            quote = char
            out.append(char)
            continue
        if char == "#":
            break
        out.append(char)
    return "".join(out)


def catalog_dir() -> Path:
    """Where recipes live: `ssot_migrate/catalog` in a wheel, `codemods/` in a source checkout."""
    packaged = Path(__file__).parent / "catalog"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "codemods"


@dataclass(frozen=True)
class CatalogRecipe:
    """A recipe that ships with the tool: `--spec catalog:NAME` runs it."""

    name: str
    path: Path
    description: str


def catalog_recipes() -> list[CatalogRecipe]:
    """Every catalog recipe, by name, with the one-line description of its `[migration]` table."""
    recipes = []
    for path in sorted(catalog_dir().rglob("*.toml"), key=_natural_key):
        try:
            migration = tomllib.loads(path.read_text(encoding="utf-8")).get("migration", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            migration = {}
        description = migration.get("description", "") if isinstance(migration, dict) else ""
        recipes.append(CatalogRecipe(path.stem, path, description if isinstance(description, str) else ""))
    return recipes


def _natural_key(path: Path) -> tuple:
    """py38 before py310: digit runs compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.stem)), path.as_posix()


def resolve_spec_source(source: str, base: Path) -> Path:
    """A `--spec` value as a file: a path, or `catalog:NAME` for a recipe that ships with the tool."""
    if source.startswith(CATALOG_PREFIX):
        name = source[len(CATALOG_PREFIX) :]
        recipes = {p.stem: p for p in sorted(catalog_dir().rglob("*.toml"))}
        # Only an exact recipe name: no glob (`*`), no path (`../elsewhere/evil`).
        matches = [recipes[name]] if name in recipes else []
        if not matches:
            known = sorted(recipes)
            hint = difflib.get_close_matches(name, known, n=1)
            extra = f"; did you mean 'catalog:{hint[0]}'?" if hint else ""
            raise SpecError(f"{source}: no such catalog recipe (run `ssot-migrate codemods` to list them){extra}")
        return matches[0]
    path = Path(source)
    return path if path.is_absolute() else (base / path)


def load_migration(
    sources: Sequence[str],
    renames: Sequence[str] = (),
    *,
    base: Path | None = None,
    display_base: Path | None = None,
) -> Migration:
    """Read, validate and merge specs (and `--rename OLD=NEW` pairs); raise SpecError listing every problem."""
    from .transforms import kind_registry

    base = base or Path.cwd()
    registry = kind_registry()
    errors: list[str] = []
    codemods: list[CodemodSpec] = []
    hasher = hashlib.sha256()
    name = description = ""
    paths: list[str] = []
    exclude: list[str] = []
    displays: list[str] = []

    for source in sources:
        path = resolve_spec_source(source, base)
        display = source if source.startswith(CATALOG_PREFIX) else _display(path, display_base or base)
        displays.append(display)
        data = read_toml_bytes(path, display, "--spec", SpecError)
        hasher.update(display.encode() + b"\0" + data + b"\0")
        try:
            text = data[len(BOM):].decode("utf-8") if data.startswith(BOM) else data.decode("utf-8")
            document = parse_toml(text, display, SpecError)
        except UnicodeDecodeError:
            errors.append(f"{display}: a spec must be UTF-8 TOML")
            continue
        except tomllib.TOMLDecodeError as exc:
            errors.append(f"{display}:{_toml_error_line(exc)}: TOML syntax error: {_toml_error_text(exc)}")
            continue
        located = _locate(text)
        spec_errors, spec_codemods, migration = _validate_document(
            document, located, display, len(codemods), registry
        )
        errors.extend(spec_errors)
        codemods.extend(spec_codemods)
        if migration:
            name = name or migration.get("name", "")
            description = description or migration.get("description", "")
            paths.extend(migration.get("paths", ()))
            exclude.extend(migration.get("exclude", ()))
        if not name:
            name = path.stem

    for position, pair in enumerate(renames, start=1):
        hasher.update(b"rename\0" + pair.encode() + b"\0")
        codemod, error = _rename_option(pair, len(codemods), position)
        if error:
            errors.append(error)
        elif codemod is not None:
            codemods.append(codemod)
    if renames:
        displays.append(COMMAND_LINE)

    if errors:
        raise SpecError("\n".join(errors))
    if not codemods:
        raise SpecError(
            "no codemods to run: pass --spec FILE or --rename OLD=NEW, or list specs under "
            "[tool.ssot-migrate] specs in the project's pyproject.toml"
        )
    if not name:
        name = "rename" if renames else "migration"
    return Migration(
        name=_slug(name),
        description=description,
        specs=tuple(displays),
        spec_hash="sha256:" + hasher.hexdigest(),
        paths=tuple(paths),
        exclude=tuple(exclude),
        codemods=tuple(codemods),
    )


def _display(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._/-]+", "-", name.strip()).strip("-./")
    return slug or "migration"


def _toml_error_line(exc: Exception) -> int | str:
    line = getattr(exc, "lineno", None)
    if line:
        return line
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else "?"


def _toml_error_text(exc: Exception) -> str:
    message = getattr(exc, "msg", None) or str(exc)
    return re.sub(r"\s*\(at line \d+, column \d+\)$", "", message)


def _validate_document(
    document: dict[str, Any],
    located: _Located,
    display: str,
    first_index: int,
    registry: Mapping[str, Any],
) -> tuple[list[str], list[CodemodSpec], dict[str, Any]]:
    errors: list[str] = []
    migration: dict[str, Any] = {}
    for key in document:
        if key not in ("migration", "codemod"):
            errors.append(f"{display}:1: unknown top-level table {key!r} (expected [migration] and [[codemod]])")
    raw_migration = document.get("migration", {})
    if not isinstance(raw_migration, dict):
        errors.append(f"{display}:1: 'migration' must be a table: [migration]")
        raw_migration = {}
    for key, value in raw_migration.items():
        line = located.migration_keys.get(key, located.migration_line or 1)
        if key not in MIGRATION_KEYS:
            errors.append(
                f"{display}:{line}: [migration]: unknown key {key!r} (known keys: {', '.join(MIGRATION_KEYS)})"
            )
        elif key in ("name", "description") and not isinstance(value, str):
            errors.append(f"{display}:{line}: [migration]: key {key!r}: expected a string")
        elif key in ("paths", "exclude") and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            errors.append(f"{display}:{line}: [migration]: key {key!r}: expected a list of strings")
        elif key in ("paths", "exclude") and any(pattern_problem(v) for v in value):
            problem = next(pattern_problem(v) for v in value if pattern_problem(v))
            errors.append(f"{display}:{line}: [migration]: key {key!r}: {problem}")
        else:
            migration[key] = value

    raw_codemods = document.get("codemod", [])
    if not isinstance(raw_codemods, list):
        errors.append(f"{display}:1: 'codemod' must be an array of tables: [[codemod]]")
        raw_codemods = []
    codemods: list[CodemodSpec] = []
    for position, table in enumerate(raw_codemods):
        index = first_index + position
        header = located.codemod_lines[position] if position < len(located.codemod_lines) else 1
        key_lines = located.codemod_keys[position] if position < len(located.codemod_keys) else {}
        spec, spec_errors = validate_codemod(table, index, display, header, key_lines, registry)
        errors.extend(spec_errors)
        if spec is not None:
            codemods.append(spec)
    return errors, codemods, migration


def validate_codemod(
    table: Mapping[str, Any],
    index: int,
    display: str,
    header: int,
    key_lines: Mapping[str, int],
    registry: Mapping[str, Any],
) -> tuple[CodemodSpec | None, list[str]]:
    """One `[[codemod]]` table checked against its kind's declared options."""
    number = index + 1

    def where(key: str | None) -> int:
        return key_lines.get(key, header) if key else header

    kind_name = table.get("kind")
    if kind_name is None:
        return None, [f"{display}:{header}: codemod {number}: missing required key 'kind' (one of: {', '.join(sorted(registry))})"]
    if not isinstance(kind_name, str) or kind_name not in registry:
        hint = difflib.get_close_matches(str(kind_name), list(registry), n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        return None, [
            f"{display}:{where('kind')}: codemod {number}: key 'kind': unknown kind {kind_name!r} "
            f"(known kinds: {', '.join(sorted(registry))}){extra}"
        ]
    kind = registry[kind_name]
    label = f"codemod {number} ({kind_name})"
    errors: list[str] = []
    known = {option.name: option for option in kind.options}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "kind":
            continue
        if key not in known:
            hint = difflib.get_close_matches(key, list(known), n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            errors.append(
                f"{display}:{where(key)}: {label}: unknown key {key!r} (known keys: {', '.join(known)}){extra}"
            )
            continue
        converted, error = coerce_option(known[key], value)
        if error:
            errors.append(f"{display}:{where(key)}: {label}: key {key!r}: {error}")
        else:
            values[key] = converted
    for option in kind.options:
        if option.name not in table:
            if option.required:
                errors.append(f"{display}:{header}: {label}: missing required key {option.name!r} ({option.doc})")
            else:
                values[option.name] = option.default
    # Semantic checks need every required key; run them even when an optional key was bad,
    # so one run lists every problem.
    if all(option.name in values for option in kind.options if option.required):
        for option in kind.options:
            values.setdefault(option.name, option.default)
        for key, message in kind.check(values):
            errors.append(f"{display}:{where(key)}: {label}: key {key!r}: {message}")
    if errors:
        return None, errors
    return CodemodSpec(index, kind_name, values, display, header, dict(key_lines)), []


def _rename_option(pair: str, index: int, position: int) -> tuple[CodemodSpec | None, str | None]:
    from .transforms import kind_registry

    if "=" not in pair:
        return None, f"--rename {pair!r}: expected OLD=NEW, e.g. --rename pkg.old_mod=pkg.new_mod"
    old, new = (part.strip() for part in pair.split("=", 1))
    for value in (old, new):
        try:
            DottedName.parse(value)
        except DottedNameError as exc:
            return None, f"--rename {pair!r}: {exc}"
    spec, errors = validate_codemod(
        {"kind": "rename-import", "old": old, "new": new}, index, COMMAND_LINE, position, {}, kind_registry()
    )
    if errors:
        return None, "; ".join(e.replace(f"{COMMAND_LINE}:{position}: ", f"--rename {pair!r}: ") for e in errors)
    return spec, None


def coerce_option(option: Option, value: Any) -> tuple[Any, str | None]:
    """(converted value, error message or None) for a raw TOML value."""
    kind = option.type
    if kind == "str":
        if not isinstance(value, str):
            return None, f"expected a string, got {_type_name(value)}"
        if option.choices and value not in option.choices:
            return None, f"expected one of {', '.join(repr(c) for c in option.choices)}, got {value!r}"
        return value, None
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, f"expected true or false, got {_type_name(value)}")
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"expected an integer, got {_type_name(value)}"
        return value, None
    if kind == "dotted":
        if not isinstance(value, str):
            return None, f"expected a dotted name string, got {_type_name(value)}"
        try:
            return DottedName.parse(value), None
        except DottedNameError as exc:
            return None, str(exc)
    if kind in ("str-list", "dotted-list"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, f"expected a list of strings, got {_type_name(value)}"
        if kind == "str-list":
            return tuple(value), None
        try:
            return tuple(DottedName.parse(v) for v in value), None
        except DottedNameError as exc:
            return None, str(exc)
    if kind in ("str-map", "int-map"):
        if not isinstance(value, dict):
            return None, f"expected a table such as {{ key = value }}, got {_type_name(value)}"
        for key, item in value.items():
            if kind == "str-map" and not isinstance(item, str):
                return None, f"expected string values, got {_type_name(item)} for {key!r}"
            if kind == "int-map" and (isinstance(item, bool) or not isinstance(item, int) or item < 0):
                return None, f"expected non-negative integer values, got {item!r} for {key!r}"
        return dict(value), None
    if kind == "table-list":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return None, f"expected a list of tables such as [{{ name = ... }}], got {_type_name(value)}"
        converted = []
        known = {f.name: f for f in option.fields}
        for position, table in enumerate(value, start=1):
            row: dict[str, Any] = {}
            for key, item in table.items():
                if key not in known:
                    return None, f"entry {position}: unknown key {key!r} (known: {', '.join(known)})"
                coerced, error = coerce_option(known[key], item)
                if error:
                    return None, f"entry {position}, key {key!r}: {error}"
                row[key] = coerced
            for field_option in option.fields:
                if field_option.name not in row:
                    if field_option.required:
                        return None, f"entry {position}: missing required key {field_option.name!r}"
                    row[field_option.name] = field_option.default
            converted.append(row)
        return tuple(converted), None
    raise AssertionError(f"unknown option type {kind}")


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array", dict: "a table",
    }.get(type(value), type(value).__name__)


def option_type_label(option: Option) -> str:
    """How docs and error messages name an option's type."""
    return {
        "str": "string", "bool": "boolean", "int": "integer", "dotted": "dotted name",
        "dotted-list": "list of dotted names", "str-list": "list of strings", "str-map": "table of strings",
        "int-map": "table of integers", "table-list": "list of tables",
    }[option.type]
