"""The data layer: the case data and its checks.

Source text cleaning (`source`), Chinese quantities (`quantities`), table schemas (`schema`),
case folders and the default case (`cases`), the shared indicator vocabulary (`indicators`),
the figures and non-figures tables with figure and indicator look-up (`figures`), external
context (`context`), places named in it (`geo`), validation (`validate`) and drafting a new
case from a raw text (`drafting`, `kcz new-case`). Units come from the top-level
`kczlib.units`, reader words from `kczlib.words`.

May import: the top-level `kczlib.errors`, `kczlib.paths`, `kczlib.textfile`, `kczlib.units`
and `kczlib.words` only; never analysis, report or publish.
"""
