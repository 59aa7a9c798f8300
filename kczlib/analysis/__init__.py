"""The analysis layer: numbers with provenance and what is derived from them.

`ledger` (the `Num` value with its origin, and the per-report ledger), `metrics` (derived
indicators), `crosschecks` (case figures against external context) and `formatting` (how a
number is printed in Chinese and English; the one formatter for text, charts and tables).

May import: `kczlib.data` and the top-level `errors`/`paths`; never report or build.
"""
