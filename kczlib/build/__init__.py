"""The build layer: the `kcz build` machinery.

Configuration (`config`, `parameters`), kernels and execution (`kernels`, `execute`), HTML
export and scrubbing (`export`, `scrub`, `provenance`), the run folder, lock, cache, manifest,
index page and progress output.

May import: the top-level `errors`/`paths` only. It runs notebooks, which import the report
layer inside their own kernels; at import time it imports no other layer of kczlib.
"""
