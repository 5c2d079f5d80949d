"""The rewrite core every kind and audit use: rules of a rename, references and imports, strings that name
modules, call sites, and the check that a rewritten file still means what it did.

Kinds are thin: they declare options and decide *what* to change; this package knows *how*.
"""
