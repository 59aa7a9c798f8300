"""The publish layer: execute the report notebooks and publish a run folder (`kcz build`).

Configuration (`config`, `overrides`, `sweep`), kernels and execution (`kernels`,
`execute`, `runner` for one report, `local` and `cluster` to run many, `pipeline` the
orchestrator, `signals`), the run folder, lock, cache, manifest and progress
output; `html/` turns an executed notebook into the pages a reader opens.

May import: the top-level shared modules (`errors`, `paths`, `textfile`, `contract`,
`declarations`, `words`). It runs notebooks, which import the report layer inside their own
kernels; it imports no other layer of kczlib, at module level or inside a function, except
`cases.py`, which reads case data through `kczlib.data.cases` at run time
(tests/test_layers.py).
"""
