"""The analysis layer: numbers with provenance and what is derived from them.

`ledger` (the `Num` value with its origin, and the per-report ledger), `bounds` (a derived
number's joint bounds: `derive`, the vertex method), `metrics` (generic derived indicators:
ratio, share, difference, total, growth, rates), `targets` (pledges that bind only their end
point: the minimum compound average rate, never a per-year floor), `scenarios` (the risk-pool
model), `crosschecks` (case figures against external context) and `formatting` (how a
number is printed in Chinese and English; the one formatter for text, charts and tables) and
`explore` (the public API of docs/explore.md: `kczlib.num`, `growth`, `share`, `per_capita`,
`cagr`, and how a `Num` shows itself in a notebook).

May import: `kczlib.data` and the top-level `errors`/`paths`; never report or build.
"""

# `metrics` and `explore` give every `Num` its operators (+ - * /) and notebook views (explain,
# to_frame, repr, HTML): they register them in `num`, which cannot import them (an import circle).
from kczlib.analysis import explore, metrics  # noqa: E402,F401
