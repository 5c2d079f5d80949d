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
        "The file matched the prefilter but libcst cannot parse it. Nothing in it was planned; every other file was. "
        "(`audit` reads every file, so it reports every file that does not parse; nothing in it was audited.)",
        "Fix the syntax error at the reported line and column (or exclude the file with `exclude` in the spec or "
        "`[tool.ssot-migrate]`), then plan again.",
    ),
    CodeDoc(
        "SSOT002", "ssot-migrate failed on a file; nothing in it was planned",
        "Planning this file raised an error inside ssot-migrate (the message names it and where). The file was "
        "refused and every other file was planned: one file never aborts a run. This is a bug in ssot-migrate.",
        "Edit this file by hand, and report the file and the spec. `--strict` turns this finding into exit code 3.",
    ),
    CodeDoc(
        "SSOT003", "A rewritten file failed verification; nothing in it was planned",
        "Before a rewritten file counts, ssot-migrate resolves every name in it again (with Python's own parser and "
        "a resolver independent of the one that planned the edits) and compares it with the original: each "
        "reference must mean what it meant, with the migration's renames applied; no name may become undefined; "
        "no import may be left unused or bound twice; the text must parse. This file failed one of those checks, "
        "so none of its edits were planned (the message names the line in the rewritten text and what failed). "
        "Every other file's plan stands. This is a bug in ssot-migrate, never in your code.",
        "Edit this file by hand (the rest of the plan is sound), and report the file and the spec so the rewrite can "
        "be fixed. `--strict` turns this finding into exit code 3.",
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
        "SSOT103", "A string that names the old path cannot be rewritten safely",
        "A string names the old path in a way ssot-migrate does not rewrite: a target argument of a mock.patch-like "
        "call built by concatenation, text that builds code or a module path at run time (`\"from pkg.old import \" + "
        "name`, an f-string), or a literal naming it with escape sequences. A literal is rewritten only when its "
        "value is exactly a dotted name (or `module:attr`) and it is written without escapes, so that the new text "
        "means exactly the new name.",
        "Update the string by hand (or write the target as one plain literal, then plan again: it is rewritten).",
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
    CodeDoc(
        "SSOT110", "A string names the old path outside the calls that are followed",
        "Under the default `strings = \"calls\"`, only dotted strings that are targets of mock.patch-like calls, "
        "`importlib.import_module` and the like, `__all__` entries and string annotations are rewritten. This string's "
        "whole value is a dotted name under the old path elsewhere (a setting such as "
        "`DEFAULT_AUTO_FIELD = \"pkg.old.AutoField\"`, a plugin or entry-point list, `setup.py`'s `packages`): the "
        "program may load it at run time, so it is reported.",
        "Set `strings = \"all\"` on the codemod to rewrite every whole-value dotted string under the old path, or "
        "edit this one by hand.",
    ),
    CodeDoc(
        "SSOT111", "A patch of the old module's attribute stays where the module looks it up",
        "The definition moved, but its old module still uses the name and so imports it back from the new module: "
        "that module's own code reads its own global. A `mock.patch(\"old_module.name\")`, "
        "`monkeypatch.setattr`, `patch.object(old_module, \"name\")` or `old_module.name = ...` must keep patching "
        "the old module to reach that code (patching the new module would not), so it is left as is.",
        "Nothing to do while the old module keeps its import. Once nothing there uses the name, plan again: the "
        "patch then follows the name to its new module.",
    ),
    CodeDoc(
        "SSOT108", "The old name is still defined in its module, which the spec moves elsewhere",
        "`old` is a module attribute and `new` lives in another module, but the definition (a def, a class, an "
        "assignment) still stands in `old`'s module: the move has not happened yet. Callers elsewhere are rewritten; "
        "uses inside this module are left as they are, and no import of `new` is added there (it would shadow the "
        "definition).",
        "Move the definition to `new`'s module (cut and paste, as you meant to), then plan again: the uses left in "
        "this module then import it from its new home.",
    ),
    CodeDoc(
        "SSOT109", "A moved definition cannot be imported back at module level (import cycle)",
        "The definition moved to a module that imports this one when it is imported. Uses inside functions get a "
        "function-local import; a use at module level would need a top-level import that closes the cycle, so this "
        "module's uses were left as they are.",
        "Move the module-level use into a function, or break the cycle between the two modules, then plan again.",
    ),
    # -- SSOT2xx: call-args ---------------------------------------------------------------------
    CodeDoc(
        "SSOT201", "*args/**kwargs could hide the argument",
        "The call passes `*args` or `**kwargs`, and what the codemod would change (a keyword to rename, move or "
        "remove, a position, an argument to add) could be inside them. The call was left unchanged.",
        "Look at what the unpacked arguments carry and edit the call by hand (or pass the argument explicitly, then "
        "plan again).",
    ),
    CodeDoc(
        "SSOT202", "The rewritten call would not bind to the signature",
        "After the edit the call would still raise TypeError against a definition of the function in this repository "
        "(a required argument missing, an unknown keyword, too many positionals) - the static check "
        "`inspect.Signature.bind` would do. The call was left unchanged: the tool never writes a call it knows to fail.",
        "Fix the call by hand (the message names the problem and the signature), or extend the spec (`add`, "
        "`remove`, `rename_keywords`) so the rewritten call binds.",
    ),
    CodeDoc(
        "SSOT203", "The function reaches definitions with different signatures",
        "The function (or a re-export of it) is bound differently depending on whether an import succeeds - typically "
        "a `try/except ImportError` fallback in a package `__init__.py` whose signature differs from the real one. "
        "Calls written for one raise TypeError with the other: the trap behind `create_error_message() missing 1 "
        "required positional argument`. Reported once, at the fallback; every rewritten call is checked against all "
        "definitions.",
        "Make the fallback's signature match the real one (or remove the fallback), so every caller sees one "
        "signature.",
    ),
    CodeDoc(
        "SSOT204", "The function is not defined where the spec says",
        "`function` names a module of this repository, but that module defines (or re-exports) no such name, or the "
        "class defines no such method in its own body: calls are still matched by their qualified name, but no "
        "rewritten call can be checked against a signature. Or `function` is neither in the repository nor "
        "importable in the running environment, so probably misspelt.",
        "Check the spelling of `function` (the definition's path or any re-export path works).",
    ),
    CodeDoc(
        "SSOT205", "A method call whose receiver's class is unknown",
        "The spec names `module.Class.method`, and this call uses that method name on a receiver whose class is not "
        "known from a constructor call (`x = Class(...)`, `Class(...).method()`, `with Class(...) as x`) or an "
        "annotation (`x: Class`, a parameter `x: Class`) in the same scope. It was left unchanged.",
        "If the receiver is an instance of the class, edit the call by hand or annotate the variable, then plan again.",
    ),
    CodeDoc(
        "SSOT206", "An instance method called through its class",
        "`Class.method(instance, ...)` passes the instance as the first argument, so argument positions differ from "
        "the spec's, which count from the first argument after `self`. It was left unchanged.",
        "Edit the call by hand, or call the method on the instance (`instance.method(...)`) and plan again.",
    ),
    CodeDoc(
        "SSOT207", "A name that may or may not be the function",
        "The called name is bound to the function on one path and to something else on another (for example a local "
        "`def` in a `try/except ImportError`). The call was left unchanged.",
        "Make the name mean one thing (import the function unconditionally), or edit the call by hand.",
    ),
    CodeDoc(
        "SSOT208", "The edit cannot be written here without moving a comment or breaking an f-string",
        "Reordering arguments that share one line with a comment would move the comment to another argument, or a "
        "value with quotes or backslashes would have to go inside an f-string that uses those quotes. The call was "
        "left unchanged.",
        "Edit the call by hand (or put each argument on its own line, then plan again).",
    ),
    CodeDoc(
        "SSOT209", "The argument is not where the spec expects it",
        "`keyword_to_positional` moves `name=` to position N only when exactly N positional arguments precede it; "
        "`positional_to_keyword` converts a positional argument only when no unconverted positional follows it; `add` "
        "inserts at position N only when the call has exactly N positionals; `rename_keywords` renames only when the "
        "call does not pass the new keyword already. This call does not fit, and guessing would change its meaning "
        "(or repeat a keyword, which does not compile). It was left unchanged.",
        "Edit the call by hand; it probably passes its arguments in an order the spec did not foresee.",
    ),
    CodeDoc(
        "SSOT210", "The function is used as a value",
        "The function is passed, stored or wrapped here instead of called (`callback=f`, `map(f, xs)`, "
        "`functools.partial(f, ...)`, `handlers = [f]`, a default `factory=f`, `@f`), or a string spells its dotted "
        "path (`\"pkg.plugins.f\"` in a plugin registry, `\"pkg.m:f\"`), or it is replaced on its module "
        "(`monkeypatch.setattr(m, \"f\", ...)`, `patch.object(m, \"f\")`, `setattr(m, \"f\", ...)`). Whatever calls it "
        "through that value or name, or the replacement that calls reach, is out of the codemod's reach: those calls "
        "keep their old arguments, or the replacement gets the new ones. Nothing was changed here.",
        "Find where the value is called (the parameter, attribute or list it went to) and edit those calls by hand, "
        "or wrap the function so the old calls keep working.",
    ),
    # -- SSOT3xx: error-code-message ------------------------------------------------------------
    CodeDoc(
        "SSOT301", "A message got the fallback `dynamic` code",
        "The call passed only a message that has no literal text (an f-string, a variable, a call), or a literal for "
        "which `codes` has no entry and `derive` gave none. It was rewritten with the spec's `dynamic` code.",
        "Check that the code fits; for a specific code, pass it by hand or add the literal message to `codes`.",
    ),
    CodeDoc(
        "SSOT302", "A message-only call got no code",
        "The message is dynamic (or a literal that `codes` and `derive` give no code for) and the spec sets no "
        "`dynamic` code, so the call was left unchanged. It still passes only a message.",
        "Pass a code by hand, add the message to `codes`, or set `dynamic`.",
    ),
    CodeDoc(
        "SSOT303", "The code does not fit `code_template`",
        "The template with this code (usually a derived one, e.g. starting with a digit: `ErrorCode.404_NOT_FOUND`) "
        "is not a Python expression. The call was left unchanged.",
        "Add the message to `codes` with a code the template can express.",
    ),
    CodeDoc(
        "SSOT304", "The name `code_import` needs is taken",
        "The template needs the imported name (e.g. `ErrorCode`), but the file (or the call's scope) binds that name "
        "to something else, so the import cannot be added. The call was left unchanged.",
        "Rename the local binding, or import the enum yourself (any alias works: the template's name is replaced by "
        "the local one), then plan again.",
    ),
    CodeDoc(
        "SSOT305", "The code is not a member of the imported enum",
        "`code_template` writes an attribute of the class `code_import` names (`ErrorCode.{code}`), that class is "
        "defined in this repository, and it has no member with this code (usually a derived one), so the rewritten "
        "call would raise AttributeError. It was left unchanged.",
        "Add the member to the enum, or map the message to an existing member in `codes`, then plan again.",
    ),
    CodeDoc(
        "SSOT311", "*args/**kwargs could hide the code or the message",
        "The call passes `*args` or `**kwargs`, so it cannot be told whether it already passes a code. It was left "
        "unchanged.",
        "Check the call by hand.",
    ),
    CodeDoc(
        "SSOT312", "The rewritten call would not bind to the signature",
        "With the code inserted the call would still raise TypeError against a definition of the function in this "
        "repository (the static `inspect.Signature.bind` check). It was left unchanged.",
        "Fix the call by hand; the message names the problem and the signature.",
    ),
    CodeDoc(
        "SSOT313", "The function reaches definitions with different signatures",
        "As SSOT203: a `try/except ImportError` fallback (or another re-export) binds the error factory to a definition "
        "whose signature differs, e.g. the permissive `create_error_message(error_code, message=\"Error\", **kwargs)` "
        "next to the strict `create_error_message(error_code: str, error_message: str)`. Reported once, at the fallback.",
        "Make the fallback's signature match the real one, or remove the fallback.",
    ),
    CodeDoc(
        "SSOT314", "The function is not defined where the spec says",
        "As SSOT204: `function` names a module of this repository that defines no such name (or a class without that "
        "method). Calls are matched by name but cannot be checked against a signature, and a code keyword cannot be "
        "recognised.",
        "Check the spelling of `function`.",
    ),
    CodeDoc(
        "SSOT315", "A method call whose receiver's class is unknown",
        "As SSOT205, for an error factory that is a method.",
        "Edit the call by hand or annotate the receiver, then plan again.",
    ),
    CodeDoc(
        "SSOT316", "An instance method called through its class",
        "As SSOT206: `Class.method(instance, message)` - positions are shifted by the instance.",
        "Edit the call by hand.",
    ),
    CodeDoc(
        "SSOT317", "A name that may or may not be the error factory",
        "As SSOT207: the name is bound to the factory on one path and to something else on another.",
        "Make the name mean one thing, or edit the call by hand.",
    ),
    CodeDoc(
        "SSOT318", "The code cannot be written here",
        "As SSOT208: the call sits inside f-strings that use both quote characters, or the code would move a comment.",
        "Edit the call by hand.",
    ),
    # -- SSOT4xx: collapse-class ----------------------------------------------------------------
    CodeDoc(
        "SSOT401", "Easy case: the duplicate is an alias or a subclass of the canonical class",
        "The duplicate is the canonical class under another name, or derives from it. Its references now name the "
        "canonical class; a subclass's own additions and overrides are listed in the message (and as SSOT403/SSOT404 "
        "when callers could notice).",
        "Nothing is required beyond reviewing any SSOT403/SSOT404 findings for the same class.",
    ),
    CodeDoc(
        "SSOT402", "Hard case: the duplicate is an independent class with its own state and behaviour",
        "The duplicate neither derives from nor aliases the canonical class. After the collapse its users construct "
        "and call the canonical class instead, whose behaviour may differ even where the names match.",
        "Review the SSOT403/SSOT404 findings for it and the tests that exercise its users; use `strict = true` to "
        "refuse such duplicates until the canonical class covers their API.",
    ),
    CodeDoc(
        "SSOT403", "A public member of the duplicate is missing on the canonical class",
        "A public method, property, classmethod, class or instance attribute, or protocol dunder (`__call__`, "
        "`__iter__`, `__aenter__`, ...) of the duplicate (or of its in-repo bases) is not defined on the canonical "
        "class or its in-repo bases. The message lists the places that use it.",
        "Add the member to the canonical class, or change the listed users, before applying; `strict = true` refuses "
        "the duplicate while this finding exists.",
    ),
    CodeDoc(
        "SSOT404", "A member's signature (or `__init__`) differs from the canonical's",
        "The duplicate and the canonical class both define the member (for `__init__`: both construct instances) with "
        "different parameters. Calls in the repository are checked against the canonical's signature; those that "
        "would raise TypeError are listed.",
        "Make the canonical signature accept the listed calls, or update those calls (a `call-args` codemod can), then "
        "plan again.",
    ),
    CodeDoc(
        "SSOT405", "strict: the duplicate was not collapsed",
        "`strict = true` and the duplicate's API differs from the canonical's (SSOT403/SSOT404), or could not be "
        "compared. Nothing was edited for this duplicate: its references and definition stay as they are.",
        "Close the API gaps listed for it, or set `strict = false` to collapse it anyway.",
    ),
    CodeDoc(
        "SSOT406", "A subclass of a duplicate is re-parented onto the canonical class",
        "A class derives directly from a duplicate; its base is rewritten to the canonical class. It is a warning when "
        "the duplicate is a hard case (its inherited behaviour changes) or when it uses inherited members that the "
        "canonical class lacks.",
        "Review the subclass and its tests; override or add what it relied on.",
    ),
    CodeDoc(
        "SSOT407", "A reference to a duplicate is kept",
        "The reference could not be rewritten safely: a top-level import of the canonical's module would close an "
        "import cycle (the canonical's module imports this one, directly or not; references inside functions get a "
        "function-local import instead), it runs before the canonical class is defined in its own module, or the "
        "canonical's name is already bound there.",
        "Move the use into a function, break the import cycle, or rename the conflicting binding; then plan again.",
    ),
    CodeDoc(
        "SSOT408", "`remove` refused: the duplicate is still referenced",
        "With `leave = \"remove\"` the class is deleted only when nothing would reference it after the plan. The "
        "listed places (star imports, kept references, dotted strings outside mock.patch-like calls, imports that "
        "cannot be rewritten) still would; the class is kept and every other reference is rewritten.",
        "Fix the listed places and plan again, or use `leave = \"deprecated-alias\"`.",
    ),
    CodeDoc(
        "SSOT409", "A module no longer defines anything",
        "Removing the duplicate left its module with nothing but imports, a docstring or `__all__`. The file is kept: "
        "something outside the repository may still import it.",
        "Delete the file once nothing imports it.",
    ),
    CodeDoc(
        "SSOT410", "A duplicate's definition is kept",
        "Its references were rewritten, but its definition could not become what `leave` asks: an alias needs a "
        "top-level import of the canonical that would close an import cycle, a module-level reference to it stays "
        "(SSOT407), the canonical's name is taken in that module, or it is bound together with other names.",
        "Use `leave = \"deprecated-alias\"` (it imports the canonical lazily), or resolve the listed reason and plan "
        "again.",
    ),
    CodeDoc(
        "SSOT411", "The canonical class does not exist",
        "`canonical` is neither a class that the repository defines or re-exports nor importable in the environment. "
        "Nothing was collapsed.",
        "Fix the spelling of `canonical` (any path that re-exports the class works), then plan again.",
    ),
    CodeDoc(
        "SSOT412", "The canonical class is outside the repository",
        "`canonical` is importable but not defined in the repository, so no duplicate's API can be compared with it. "
        "References are rewritten; with `strict = true` the duplicates are refused.",
        "Check the duplicates' APIs by hand, or vendor the canonical class into the repository.",
    ),
    CodeDoc(
        "SSOT413", "A duplicate cannot be collapsed",
        "It is not a class (a function or another value), it is an alias of some other class, the canonical class "
        "derives from it, or the canonical is itself an alias of it (its body would be deleted). Nothing was edited "
        "for it.",
        "List the class that holds the code as `duplicates` (or as `canonical`), or move the class body to the "
        "canonical module first.",
    ),
    CodeDoc(
        "SSOT414", "A duplicate is not defined in the repository",
        "No class of that path exists (it may have been removed already). Its references are still rewritten; there "
        "is no definition to compare or replace.",
        "Nothing is required; check the spelling if you expected the class to exist.",
    ),
    # -- SSOT5xx: audit --------------------------------------------------------------------------
    CodeDoc(
        "SSOT501", "No module named ... (an import of a repository module that does not exist)",
        "The import names a module under one of this repository's top-level packages, and no such module exists "
        "(not in git, not on disk, not a compiled extension). Importing this file raises ModuleNotFoundError. The "
        "message names the candidate the index found: a module with the same name elsewhere (`moved to`), a renamed "
        "variant (`unified_*`, `*_manager`, `*_factory`), a close spelling, or a module that defines every imported "
        "name. Inside `try/except ImportError` or `if TYPE_CHECKING:` it is a warning: the fallback runs instead. "
        "A submodule of a plain module (`six.moves.x`, only an import hook provides it) is info; in vendored code "
        "(`_vendor/`, `vendor/`, `extern/`, `third_party/`) each severity is one step milder. Imports that resolve "
        "under a folder the project's test run puts on `sys.path` (see SSOT508) are not reported.",
        "Apply the suggested rename (`audit --emit-spec` drafts it as a rename-import codemod), or fix the import by "
        "hand when the audit says `no candidate`: the module was planned but never written.",
    ),
    CodeDoc(
        "SSOT502", "cannot import name ... (a name a repository module does not define)",
        "`from module import name` where the module exists but neither defines nor imports `name`, has no such "
        "submodule, no module `__getattr__`, and no star import that brings it (star imports respect `__all__`). "
        "The message names the candidate: the same name defined elsewhere (the defining module when it offers the name "
        "publicly, else a module whose `__all__` exports it), a renamed variant (`Unified*`, `*Manager`/`*Factory`, "
        "a leading `_`), or a close spelling; or `no candidate` (the name never existed).",
        "Apply the suggested rename (`audit --emit-spec`), or fix the import by hand when there is no candidate. With "
        "several candidates the draft spec leaves the choice to you (the codemod is commented out).",
    ),
    CodeDoc(
        "SSOT503", "A name is imported although the module's `__all__` does not export it",
        "The module defines or imports the name, so the import works today, but its `__all__` leaves the name out: "
        "it is private or on its way out of that module. It is a warning when the name has a public home elsewhere "
        "that the repository does not already import less often than this path; otherwise (the module's internal "
        "API, or the path most code uses) it is info. Imports from inside the module's own package, and names the "
        "module re-exports on purpose (`# noqa` on the import, `import X as X`), are not reported.",
        "Import it from where it is exported (the message names the place; `audit --emit-spec` drafts the rename), "
        "or add it to `__all__` if it is meant to be public.",
    ),
    CodeDoc(
        "SSOT504", "`__all__` lists a name the module does not define",
        "`from module import *` raises AttributeError on the missing entry, and tools that read `__all__` "
        "(documentation, type checkers) see a name that is not there.",
        "Remove the entry from `__all__`, or import/define the name in that module.",
    ),
    CodeDoc(
        "SSOT505", "An imported top-level module is neither in the repository nor installed",
        "The import system's path finders (which never run package code) cannot locate the module in the running "
        "environment, and the repository has no such package. Either a dependency is missing from the environment "
        "audit runs in, or the name is wrong. One finding per top-level name, at its first import; imports guarded "
        "by `try/except ImportError` or under `if TYPE_CHECKING:` are not reported.",
        "Run `ssot-migrate audit` inside the project's own environment (`python -m ssot_migrate audit` from its "
        "virtualenv), or fix the module name.",
    ),
    CodeDoc(
        "SSOT506", "A relative import climbs above the top-level package",
        "`from ..x import y` with more dots than the file has packages above it: Python raises ImportError "
        "(`attempted relative import beyond top-level package`).",
        "Use an absolute import, or check the `roots` setting in `[tool.ssot-migrate]` if the file's module name is "
        "wrong.",
    ),
    CodeDoc(
        "SSOT507", "A string target (`mock.patch(\"...\")`, `import_module(\"...\")`) does not resolve",
        "The dotted string given to `mock.patch`/`patch.dict`/`patch.multiple`, `monkeypatch.setattr`/`delattr`, "
        "`mocker.patch`, `importlib.import_module`, `importlib.util.find_spec`, `pkgutil.resolve_name` or "
        "`doctest.DocTestSuite` names a module of this repository that does not exist, or an attribute its module "
        "does not have (looked up as for SSOT502). The call fails when the test runs. The fix is found as for "
        "SSOT501/SSOT502.",
        "Apply the suggested rename (rename-import rewrites these strings too), or fix the string by hand.",
    ),
    CodeDoc(
        "SSOT508", "Many imports resolve only with one more folder on `sys.path` (the `roots` setting)",
        "At least five imports that would be SSOT501 errors name modules that exist below one folder that is no "
        "import root (`tests/` when the project's tests run with `tests/` on `sys.path`, as Django's "
        "`tests/runtests.py` does). Audit reports one warning naming the folder instead of an error per import. "
        "Roots audit detects by itself (src layout, pytest `pythonpath`, `conftest.py` placement, a top-level test "
        "runner script and its `sys.path` inserts, tox `changedir`/`PYTHONPATH`) are listed in `--verbose` and in "
        "the JSON stats (`stats.roots`) and never produce this finding.",
        "If that is how the code runs, add the folder to `roots` under `[tool.ssot-migrate]` (the message spells the "
        "setting); otherwise the imports are broken: fix them.",
    ),
    CodeDoc(
        "SSOT520", "The same class name is defined in more than one module",
        "Classes group by equal name. By default only classes that may be debt are reported: production code (not "
        "test modules or helpers, migrations, examples, `if __name__ == \"__main__\":` demos) that shares at least "
        "half its public API with another member, or is a copy of it, outside one class hierarchy and outside one "
        "package's plugin modules (`Command(BaseCommand)` per command module is no duplicate); `--duplicates all` "
        "reports every group. There is one finding per class, at its `class` line; the message names every member "
        "of the group, the suggested canonical (the one most import statements reach, through re-exports) and the "
        "public members (methods, class attributes, protocol dunders) this class shares with it. JSON adds "
        "`\"group\"`.",
        "Decide which class is the single source of truth, then collapse the others into it (the draft spec from "
        "`audit --emit-spec` carries a commented-out collapse-class codemod to start from).",
    ),
    CodeDoc(
        "SSOT521", "A class matches a `--pattern` duplicate group",
        "Each `audit --pattern GLOB` (for example `'*WebSocketManager*'`) groups every class whose name matches it; "
        "the findings work as for SSOT520.",
        "As for SSOT520: pick the canonical class and collapse the rest into it.",
    ),
    CodeDoc(
        "SSOT522", "Classes whose names are variants of one another share public API",
        "Without any `--pattern`, classes group by name family: one class name (the stem, at least two CamelCase "
        "words, `WebSocketManager`) is another's with qualifier words around it (`UnifiedWebSocketManager`, "
        "`IsolatedWebSocketManager`, `_UnifiedWebSocketManagerImplementation`); after the stem only words that keep "
        "its head noun count (`Impl`, `Implementation`, `Legacy`, `Compat`, `Old`, `New`, `Fallback`, `V2`), so "
        "`RedisCacheClient` is no variant of `RedisCache`, and `...Mixin` stems form no family. A family is "
        "reported when at least two of its classes are one thing written twice: production code (as for SSOT520), "
        "neither extending the "
        "other nor one common base, and sharing at least half their public API with the suggested canonical, a "
        "public method or attribute among it (protocol dunders alone are not enough). Protocols, ABCs, enums and "
        "record types stay out, and so does every member that shares too little with the canonical. The findings "
        "work as for SSOT520 and say what each class shares; `audit --emit-spec` drafts the collapse-class codemod "
        "live when one class is reached by more imports than any other. A family inside a `--pattern` group is "
        "reported once, as SSOT521.",
        "As for SSOT520: confirm the canonical and that each duplicate is the same thing, then collapse the rest into "
        "it (or apply the drafted collapse-class).",
    ),
    CodeDoc(
        "SSOT530", "A call does not fit the signature of the function it reaches",
        "A call to a function (or class) of this repository, followed through imports, re-exports and fallbacks, "
        "would raise TypeError: a missing required argument, an unexpected keyword, or too many positional "
        "arguments. A class is checked through its method resolution order (the first `__init__` among the "
        "repository's classes). Where the signature cannot be known the check says nothing: decorated functions "
        "(except `staticmethod`, `classmethod`, `functools.cache`/`lru_cache` and the like; `functools.wraps` "
        "wrappers are decorated), `@overload`, class decorators (`@dataclass`, attrs), metaclasses, `__new__`, "
        "`NamedTuple`/`Enum` bases, bases outside the repository, `Class.method(...)` alternative constructors, and "
        "calls inside `pytest.raises`/`assertRaises`/`patch` blocks. Calls through `*args`/`**kwargs` only report "
        "what they cannot hide. When a name reaches a real definition and a `try/except ImportError` fallback, the "
        "call is checked against the real one.",
        "Change the call, or let `audit --emit-spec` draft the codemod: a live call-args (keyword to positional, "
        "renamed keyword, a new argument whose value its annotation states) or error-code-message codemod where the "
        "fix is mechanical, with the values to confirm named; a commented-out one where a person decides.",
    ),
    CodeDoc(
        "SSOT531", "Definitions reached through one name have different signatures",
        "A module binds the name twice (a `try/except ImportError` fallback, or a re-export and a local definition) "
        "and the two definitions take different parameters: code written against one fails against the other, "
        "typically only in production, when the fallback is used.",
        "Make the fallback's signature match the real definition (or delete the fallback), then fix the calls that "
        "SSOT530 reports.",
    ),
    CodeDoc(
        "SSOT580", "`check`: a pending edit of a third-party kind",
        "A configured spec would still change this line (a kind from an installed plugin).",
        "Run `ssot-migrate apply` (or `plan` to see the edit).",
    ),
    CodeDoc(
        "SSOT581", "`check`: the file still uses a path a rename-import codemod retires",
        "A configured rename-import codemod would still rewrite this line: the old module or name came back (or was "
        "never migrated). The line ends with `(fix: <new path>)`.",
        "Import the new path, or run `ssot-migrate apply --in-place` on the file.",
    ),
    CodeDoc(
        "SSOT582", "`check`: a call still passes the arguments a call-args codemod changes",
        "A configured call-args codemod would still rewrite this call.",
        "Run `ssot-migrate apply --in-place` on the file (or `plan` to see the edit).",
    ),
    CodeDoc(
        "SSOT583", "`check`: a call still passes a message without an error code",
        "A configured error-code-message codemod would still rewrite this call.",
        "Run `ssot-migrate apply --in-place` on the file (or `plan` to see the edit).",
    ),
    CodeDoc(
        "SSOT584", "`check`: the file still uses a duplicate class",
        "A configured collapse-class codemod would still rewrite this reference to the canonical class.",
        "Use the canonical class, or run `ssot-migrate apply --in-place` on the file.",
    ),
)

# The code `check` gives each kind's pending edit (SSOT58x; SSOT580 for kinds from plugins).
PENDING_EDIT_CODES: dict[str, str] = {
    "rename-import": "SSOT581",
    "call-args": "SSOT582",
    "error-code-message": "SSOT583",
    "collapse-class": "SSOT584",
}
PLUGIN_PENDING_EDIT_CODE = "SSOT580"


def pending_edit_code(kind: str) -> str:
    return PENDING_EDIT_CODES.get(kind, PLUGIN_PENDING_EDIT_CODE)


def code_doc(code: str) -> CodeDoc:
    return CODES[code]


def explanation(code: str) -> str:
    """A code's documentation in markdown: `ssot-migrate explain CODE` prints it, docs/codes.md is made of it."""
    doc = CODES[code]
    return f"## {code}: {doc.title}\n\n**What happened.** {doc.meaning}\n\n**What to do.** {doc.fix}\n"
