"""Every finding code the tool can emit, with what it means and what to do (docs/codes.md is generated from this)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeDoc:
    code: str
    title: str
    meaning: str
    fix: str


def _table(*docs: CodeDoc) -> dict[str, CodeDoc]:
    return {doc.code: doc for doc in docs}


CODES: dict[str, CodeDoc] = _table(
    # -- SSOT0xx: files --------------------------------------------------------------------
    CodeDoc(
        "SSOT001", "A candidate file does not parse",
        "The file matched the prefilter but libcst cannot parse it. Nothing in it was planned; every other file was.",
        "Fix the syntax error at the reported line and column (or exclude the file with `exclude` in the spec or "
        "`[tool.ssot-migrate]`), then plan again.",
    ),
    # -- SSOT1xx: rename-import --------------------------------------------------------------
    CodeDoc(
        "SSOT101", "`from module import *` may bring in the moved symbol",
        "The old name is a symbol of a module that the file star-imports and the file uses that name. A star import "
        "cannot be split safely.",
        "Replace the star import by explicit imports, then plan again; the explicit import of the old name is rewritten.",
    ),
    CodeDoc(
        "SSOT102", "The new path cannot be imported",
        "`new` is neither a module (or an attribute of a module) of this repository nor locatable in the running "
        "environment. Edits are planned anyway: the move may not have landed yet, or it lives in a package that is not "
        "installed here.",
        "Check the spelling of `new`, or install the package that provides it. The gate of `apply --branch` will fail "
        "if the path really does not exist.",
    ),
    CodeDoc(
        "SSOT103", "A string concatenation could build the old name",
        "A target argument of mock.patch-like calls (or any string with `strings = \"all\"`) is built by concatenation "
        "and starts like the old name. Only whole literals are rewritten.",
        "Write the target as one literal (then it is rewritten), or update the concatenation by hand.",
    ),
    CodeDoc(
        "SSOT104", "A caller reaches the old name through an unchanged re-export",
        "The import goes through a module that re-exports the old name; that re-export keeps working after the "
        "migration, so the caller was left alone.",
        "Nothing is required. Set `follow_reexports = true` on the codemod to import the new path directly.",
    ),
    CodeDoc(
        "SSOT105", "An import cannot express the new path",
        "An `import a.b` (or `from a.b import x`) names a module that became an attribute (`new = \"pkg.mod:Name\"`), "
        "which an import statement of that form cannot name.",
        "Rewrite this import by hand (for example `from pkg.mod import Name`), then plan again.",
    ),
    CodeDoc(
        "SSOT106", "The new name would collide with a name already bound",
        "Binding the new name (or the root package of the new module) here would shadow or be shadowed by another "
        "binding, and no `as` alias can keep the old meaning.",
        "Rename the local binding that collides, or use `local_names = \"keep\"`, then plan again.",
    ),
    CodeDoc(
        "SSOT107", "A moved module's relative import was made absolute",
        "The file lives under the new module path, and one of its relative imports only resolved from the old place. "
        "It was rewritten to the absolute path it meant before the move.",
        "Nothing is required; review the edit. Make it relative again by hand if the imported module moves too.",
    ),
    # -- SSOT2xx: call-args ---------------------------------------------------------------------
    # -- SSOT3xx: error-code-message ------------------------------------------------------------
    # -- SSOT4xx: collapse-class ----------------------------------------------------------------
    # -- SSOT5xx: audit --------------------------------------------------------------------------
)


def code_doc(code: str) -> CodeDoc:
    return CODES[code]
