"""The data layer: the case data and its checks.

Source text cleaning (`source`), Chinese quantities (`quantities`) and the English wording
kczlib prints read back (`english_quantities`), UTF-8 data files with one clear error
(`textfile`), table schemas (`schema`), case folders (`cases`), the shared indicator vocabulary
(`indicators`), the figures and non-figures tables with figure and indicator look-up
(`figures`), external context (`context`), validation (`validate`) and drafting a new case
from a raw text (`drafting`, `kcz new-case`).

May import: the top-level `kczlib.errors` and `kczlib.paths` only; never analysis, report or build.
"""
