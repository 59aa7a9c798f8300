"""The analysis layer: numbers with provenance and what is derived from them.

`ledger` (the `Num` value with its origin, and the per-report ledger), `metrics` (derived
indicators: expressions over distinct inputs, bounded jointly by the vertex method), `crosschecks` (case figures against external context) and `formatting` (how a
number is printed in Chinese and English; the one formatter for text, charts and tables).

May import: `kczlib.data` and the top-level `errors`/`paths`; never report or build.
"""
