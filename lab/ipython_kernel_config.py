# IPython kernel configuration for the project's environment. `make setup` copies this file
# to .venv/etc/ipython/, where every IPython kernel started from .venv reads it (IPython's
# per-environment config folder, {sys.prefix}/etc/ipython). Each kernel then starts with the
# project's chart theme: the Noto Sans CJK SC font from mplfonts, registered by file because a
# matplotlibrc cannot register a font that lives inside a pip package. So a plain seaborn or
# matplotlib chart with Chinese labels in a scratch notebook draws them instead of boxes and
# "Glyph ... missing" warnings. The line binds no name in the notebook. Report notebooks set
# the theme again for their language; an analyst's own `sns.set_theme()` resets the font, after
# which `from kczlib.report import theme; theme.set_theme("zh")` brings it back.
c = get_config()  # noqa: F821 (provided by IPython when it reads this file)
c.IPKernelApp.exec_lines = ["__import__('kczlib.report.theme', fromlist=['set_theme']).set_theme('zh')"]
