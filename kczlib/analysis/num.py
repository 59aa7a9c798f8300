"""Numbers with provenance: `Num`, and the typed origin of each independent input.

A `Num` is an interval in a base unit plus where it came from. A leaf (an independent
input) carries its `origin`: a case figure (`FigureRef`), a context row (`ContextRef`), a
scenario parameter (`Parameter`), a count of the dataset itself (`DatasetCount`), a quoted
source passage (`Passage`), or, for labels that are numbers but not quantities, the
period of a figure or row (`Period`) or a cited text (`Cited`). A derived `Num` has no
origin: it keeps its expression (`operands` and `fn`, built by
`kczlib.analysis.bounds.derive`), so its bounds are computed jointly over its distinct
inputs: an input that appears twice is one input (`x / x` is exactly 1).

Every `Num` also keeps `refs`, the figures and context rows it rests on (a derived
number: those of all its inputs), which the ledger lists as its ids. Nothing reads
provenance back out of strings: `kind` (figure | derived | assumption | context | quote,
the words of the ledger) is a property of the origin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kczlib.analysis import formatting
from kczlib.data.context import ContextFigure, context_value
from kczlib.data.figures import Figure, figure

if TYPE_CHECKING:
    import pandas as pd

RATIO = "ratio"  # a share or conversion rate in [0, 1], printed as percent
MULTIPLIER_WORDS = ("万亿", "万", "亿")


@dataclass(frozen=True)
class FigureRef:
    """A case figure, by its id in the case's figures.csv."""

    figure_id: str

    @property
    def id(self) -> str:
        """The id as the ledger prints it."""
        return self.figure_id


@dataclass(frozen=True)
class ContextRef:
    """A context row, by its id in the case's context.csv."""

    context_id: str

    @property
    def id(self) -> str:
        """The id as the ledger prints it."""
        return self.context_id


@dataclass(frozen=True)
class Parameter:
    """A scenario parameter (an assumption set when the report is run), by name."""

    name: str


@dataclass(frozen=True)
class DatasetCount:
    """A count computed from the dataset itself (rows, mentions); `what` says what is counted."""

    what: str


@dataclass(frozen=True)
class Passage:
    """A passage quoted from the cleaned case source, at character `offset`."""

    offset: int


@dataclass(frozen=True)
class Period:
    """A year or period printed as a label, read from the rows in the `Num`'s refs.

    `of` is set when the label is "the period of" one figure (the appendix names it so).
    """

    of: FigureRef | None = None


@dataclass(frozen=True)
class Cited:
    """Data text cited as written (it may hold years or counts), resting on the `Num`'s refs."""


Ref = FigureRef | ContextRef
Origin = FigureRef | ContextRef | Parameter | DatasetCount | Passage | Period | Cited

# The ledger's word for each origin (a derived number, with no origin, is "derived").
_KINDS: dict[type, str] = {FigureRef: "figure", ContextRef: "context", Parameter: "assumption",
                           DatasetCount: "derived", Passage: "quote", Period: "figure", Cited: "context"}


def parameter_derivation(name: str) -> str:
    """The ledger's derivation text of parameter `name` ("parameter loss_rate")."""
    return f"parameter {name}"


@dataclass(frozen=True)
class Num:
    """A number as an interval [lower, upper] in its base unit, with where it came from.

    A bound of None is not stated by the source. A leaf has an `origin` (see the module
    docstring); a derived `Num` has none and keeps its operands and function (`fn`) so bounds
    and the ledger can be recomputed.
    """

    lower: float | None
    upper: float | None
    base_unit: str
    origin: Origin | None = field(default=None, kw_only=True)
    refs: tuple[Ref, ...] = field(default=(), kw_only=True)  # figures and context rows it rests on
    derivation: str = field(default="", kw_only=True)
    qualifier: str = field(default="exact", kw_only=True)
    value_base: float | None = field(default=None, kw_only=True)  # the stated point of a figure, if any
    measure: str = field(default="", kw_only=True)  # Chinese measure word (家, 个, 项) for counts
    confidence: str = field(default="", kw_only=True)  # context rows: high, medium, low, derived
    sig: int = field(default=3, kw_only=True)  # significant digits of a derived value (formatting's policy)
    # A derived number's expression: fn(*values of operands) -> value. Leaves have fn None.
    operands: tuple[Num, ...] = field(default=(), compare=False, repr=False, kw_only=True)
    fn: Callable[..., float] | None = field(default=None, compare=False, repr=False, kw_only=True)

    @classmethod
    def leaf(cls, origin: FigureRef | ContextRef | Parameter, lower: float | None, upper: float | None,
             base_unit: str, **kw: object) -> Num:
        """An independent input with `origin`, its refs and its usual derivation filled in.

        Args:
            origin: a figure, context row or parameter.
            lower: lower bound in `base_unit` (None: not stated).
            upper: upper bound in `base_unit` (None: not stated).
            base_unit: the base unit (CNY, count, ratio, ...).
            **kw: any other field of `Num` (qualifier, value_base, measure, confidence, sig).

        Returns:
            The leaf: a figure's derivation is its id, a context row's "context <id>", a
            parameter's "parameter <name>".
        """
        if isinstance(origin, Parameter):
            refs: tuple[Ref, ...] = ()
            derivation = parameter_derivation(origin.name)
        else:
            refs = (origin,)
            derivation = origin.figure_id if isinstance(origin, FigureRef) else f"context {origin.context_id}"
        return cls(lower, upper, base_unit, origin=origin, refs=refs, derivation=derivation, **kw)  # type: ignore[arg-type]

    @classmethod
    def from_figure(cls, f: Figure) -> Num:
        """A case figure as a `Num`: bounds in its `base_unit` (yuan for CNY), origin its id.

        Args:
            f: the figure (`kczlib.data.figures.figure`).

        Returns:
            A leaf of kind "figure" with the figure's qualifier, stated value and measure word.
        """
        return cls.leaf(FigureRef(f.id), f.lower, f.upper, f.base_unit, qualifier=f.qualifier,
                        value_base=f.value_base, measure=_measure(f.unit, f.base_unit))

    @classmethod
    def from_context(cls, c: ContextFigure) -> Num:
        """A context row as a `Num` in its base unit, carrying the row's confidence.

        A qualified row (超400亿元) is a range, as a case figure is.

        Args:
            c: the row (`kczlib.data.context.context_value`).

        Returns:
            A leaf of kind "context".
        """
        lower, upper = c.bounds
        return cls.leaf(ContextRef(c.id), lower, upper, c.base_unit, qualifier=c.qualifier or "exact",
                        value_base=c.value_base, measure=_measure(c.unit, c.base_unit), confidence=c.confidence)

    @property
    def kind(self) -> str:
        """The ledger's word for this number: figure, derived, assumption, context or quote.

        A label (a year or a cited text: `Period`, `Cited`) is of the kind of the rows it
        rests on: a year of a context row is "context", never a case figure (review M11); only a
        label resting on case figures alone is "figure".
        """
        if isinstance(self.origin, Period | Cited) and self.refs:
            return "context" if any(isinstance(r, ContextRef) for r in self.refs) else "figure"
        return "derived" if self.origin is None else _KINDS[type(self.origin)]

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the figures and context rows this number rests on, as the ledger prints them."""
        return tuple(r.id for r in self.refs)

    @property
    def is_leaf(self) -> bool:
        """An independent input: a figure, context row, parameter or dataset count."""
        return self.fn is None

    @property
    def key(self) -> str:
        """Identity of an input: the same figure, row or parameter value is the same input."""
        if isinstance(self.origin, FigureRef):
            return f"figure:{self.origin.figure_id}"
        if isinstance(self.origin, ContextRef):
            return f"context:{self.origin.context_id}"
        return f"{self.kind}:{self.derivation}:{self.lower!r}:{self.upper!r}"

    def inputs(self) -> list[Num]:
        """The distinct independent inputs (leaves) this number is computed from, in order."""
        if self.is_leaf:
            return [self]
        seen: dict[str, Num] = {}
        for op in self.operands:
            for leaf in op.inputs():
                seen.setdefault(leaf.key, leaf)
        return list(seen.values())

    def evaluate(self, values: dict[str, float]) -> float:
        """The value of this expression when each input (by `key`) takes `values[key]`."""
        if self.fn is None:
            return values[self.key]
        return self.fn(*(op.evaluate(values) for op in self.operands))

    @property
    def is_point(self) -> bool:
        """True when lower and upper are the same stated number."""
        return self.lower is not None and self.lower == self.upper

    @property
    def point(self) -> float | None:
        """The single value when the interval is a point, else None."""
        return self.lower if self.is_point else None

    @property
    def mid(self) -> float | None:
        """A plotting position only: never printed as if it were the figure."""
        if self.lower is not None and self.upper is not None:
            return (self.lower + self.upper) / 2
        return self.lower if self.lower is not None else self.upper

    # Arithmetic is `kczlib.analysis.metrics`' (add, subtract, multiply, divide), so the operators
    # and the reports' metrics are one way to derive; a shared input cancels (see `_HOOKS`).
    def __add__(self, other: object) -> Num:
        return _arithmetic("add", self, other)

    def __sub__(self, other: object) -> Num:
        return _arithmetic("subtract", self, other)

    def __mul__(self, other: object) -> Num:
        return _arithmetic("multiply", self, other)

    def __truediv__(self, other: object) -> Num:
        return _arithmetic("divide", self, other)

    # What a notebook shows (`kczlib.analysis.explore`): the number, its range, derivation and sources.
    def explain(self, lang: str = "zh") -> str:
        """How this number was derived, in words of `lang` ("zh" or "en"), with its inputs' evidence."""
        return str(_HOOKS["explain"](self, lang))

    def to_frame(self) -> pd.DataFrame:
        """One row per distinct input, with its evidence (columns: `kczlib.analysis.explore.FRAME_COLUMNS`)."""
        view: Callable[[Num], pd.DataFrame] = _HOOKS["to_frame"]
        return view(self)

    def __repr__(self) -> str:
        return str(_HOOKS["text"](self))

    def _repr_html_(self) -> str:
        return str(_HOOKS["html"](self))

    def format(self, lang: str) -> str:
        """The one printed form of this number (text, tables and chart labels all use it)."""
        stated = isinstance(self.origin, FigureRef | ContextRef)
        if self.base_unit == RATIO:
            point = self.point  # not None exactly when `is_point`
            if point is not None:
                return formatting.format_share(point, lang, sig=self.sig)
            return formatting.format_share_interval(self.lower, self.upper, lang, sig=self.sig)
        if stated and self.value_base is not None or self.qualifier == "至":
            return formatting.format_quantity(
                self.value_base, self.base_unit, self.qualifier, self.lower, self.upper, lang,
                measure=self.measure, sig=None if stated else self.sig,
            )
        return formatting.format_interval(self.lower, self.upper, self.base_unit, lang,
                                          measure=self.measure, sig=self.sig)


# The functions behind `Num`'s operators and notebook views live in modules above this one
# (`metrics`: add, subtract, multiply, divide; `explore`: explain, to_frame, text, html). Each
# registers them here when imported, and kczlib/analysis/__init__.py imports both, so every `Num`
# has them (this module importing those would make an import circle).
_HOOKS: dict[str, Callable[..., Any]] = {}


def register(**hooks: Callable[..., Any]) -> None:
    """Install functions behind `Num`'s operators and views, by name (called by metrics and explore)."""
    _HOOKS.update(hooks)


def _arithmetic(name: str, a: Num, b: object) -> Num:
    if isinstance(b, int | float) and not isinstance(b, bool):
        # a typed number has no source row: say so, not Python's bare "unsupported operand"
        raise TypeError(f"cannot {name} a Num and the plain number {b!r}: every number here has a source row; "
                        "take both sides from data (kczlib.num(case, id)), e.g. a context row for a denominator")
    if not isinstance(b, Num):
        return NotImplemented  # type: ignore[no-any-return]  # Python then tries the other side, then TypeError
    op: Callable[[Num, Num], Num] = _HOOKS[name]
    return op(a, b)


def _measure(unit: str, base_unit: str) -> str:
    """The measure word of a count unit ("万家" -> "家"); "" for any other base unit."""
    if base_unit != "count":
        return ""
    for w in MULTIPLIER_WORDS:
        if unit.startswith(w):
            return unit[len(w):]
    return unit


def figure_num(figure_id: str, case: str) -> Num:
    """A case figure as a `Num` (see `Num.from_figure`).

    Args:
        figure_id: the figure's id in the case's figures.csv.
        case: the case folder name.

    Returns:
        The figure as a `Num` of kind "figure".

    Raises:
        UnknownFigureError: for an id the case does not have.
    """
    return Num.from_figure(figure(figure_id, case))


def context_num(context_id: str, case: str) -> Num:
    """A context row (data/cases/<case>/context.csv) as a `Num` (see `Num.from_context`).

    Args:
        context_id: the row's id.
        case: the case folder name.

    Returns:
        A `Num` of kind "context" whose origin is `ContextRef(context_id)`.

    Raises:
        UnknownContextError: for an id the case's context table does not have.
    """
    return Num.from_context(context_value(context_id, case))


def assumption(name: str, value: float, base_unit: str, measure: str = "") -> Num:
    """A scenario parameter: not from the source, and always labelled as an assumption.

    Args:
        name: the parameter's name (as in the notebook's parameters cell).
        value: its value in `base_unit`.
        base_unit: the base unit.
        measure: the Chinese measure word of a count.

    Returns:
        A point `Num` whose origin is `Parameter(name)`.
    """
    return Num.leaf(Parameter(name), value, value, base_unit, measure=measure)
