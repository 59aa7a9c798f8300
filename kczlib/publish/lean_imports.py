"""Imports the build's processes do not need, left out before anything pulls them in.

`nbformat` imports `jsonschema`, whose format checkers import `rfc3987_syntax` when it is
installed (an optional extra of jsonschema that Jupyter's own packages pull in): that module
compiles a Lark grammar of RFC 3987 at import, about 1 s of CPU per process (profiled:
docs/performance.md), in the build process and in each export process. nbformat's schema
has no IRI formats, so nothing kcz validates uses it. With `skip_unused_imports()`, an
`import rfc3987_syntax` in this process raises ImportError, which jsonschema catches (it
then only lacks the "iri" and "iri-reference" format checks).
"""

from __future__ import annotations

import sys

UNUSED = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Make the modules in UNUSED unimportable in this process, unless one is already imported.

    Call it before nbformat or jsonschema is first imported; later, it changes nothing.
    """
    for name in UNUSED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: "import raises ImportError"
