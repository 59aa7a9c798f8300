"""The analysis layer: numbers with provenance and what is derived from them.

`ledger` (the `Num` value with its origin, and the per-report ledger), `bounds` (a derived
number's joint bounds: `derive`, the vertex method), `metrics` (generic derived indicators:
ratio, share, difference, total, growth, rates), `targets` (pledges that bind only their end
point: the minimum compound average rate, never a per-year floor), `scenarios` (the risk-pool
model), `crosschecks` (case figures against external context) and `formatting` (how a
number is printed in Chinese and English; the one formatter for text, charts and tables).

May import: `kczlib.data` and the top-level `errors`/`paths`; never report or build.
"""
