"""The publish layer: execute the report notebooks and publish a run folder (`kcz build`).

Configuration (`config`, `parameters`, `sweep`), kernels and execution (`kernels`,
`execute`, `pipeline`, `cluster`), the run folder, lock, cache, manifest and progress
output; `html/` turns an executed notebook into the pages a reader opens.

May import: the top-level `errors`/`paths`/`textfile` only. It runs notebooks, which import
the report layer inside their own kernels; at import time it imports no other layer of kczlib.
"""
