"""The data layer: the case data and its checks.

Source text cleaning (`source`), Chinese quantities (`quantities`), table schemas (`schema`),
case folders (`cases`), the figures and non-figures tables (`figures`), external context
(`context`) and validation (`validate`).

May import: the top-level `kczlib.errors` and `kczlib.paths` only; never analysis, report or build.
"""
