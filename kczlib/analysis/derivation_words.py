"""A derived number's formula in words, in the page language, for the reader's ledger.

`Num.derivation` is the formula as code over its inputs' names
(`kechuangdai_loans / kechuangdai_firms`); a reader should read "loans divided by firms"
(贷款除以企业数). `derivation_words` substitutes each distinct input (a leaf of the
expression) by its name in the page language and writes the operators as words.
Formulas that are not plain arithmetic (or leaves written in words) are returned with
the leaf names substituted and nothing else changed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from kczlib.analysis.num import Num
from kczlib.contract import LANGS
from kczlib.data.context import ContextFigure, context_words
from kczlib.words import word

# An operator: an ast operator class, or "min" / "round" / "paren" for a call to min or round
# (round(x, 1000): x rounded to a multiple of 1000) and for brackets.
Operator = type[ast.operator] | str

# operator -> key of words/numbers.toml ("{a} divided by {b}", ...)
_OP_KEYS: dict[Operator, str] = {
    ast.Div: "operator.div", ast.Mult: "operator.mult", ast.Add: "operator.add", ast.Sub: "operator.sub",
    ast.Pow: "operator.pow", "min": "operator.min", "round": "operator.round", "paren": "operator.paren",
    "compound": "operator.compound", "compound_between": "operator.compound_between"}


def _ops(lang: str) -> dict[Operator, str]:
    """The operator words of `lang` by operator (KeyError for an unknown language)."""
    if lang not in LANGS:
        raise KeyError(lang)
    return {op: word("numbers", key, lang) for op, key in _OP_KEYS.items()}


def _leaf_text(leaf: Num) -> str:
    return leaf.derivation or ", ".join(leaf.ids)


def derivation_words(num: Num, lang: str, name: Callable[[Num], str]) -> str:
    """`num`'s formula in words: each input named by `name(leaf)`, operators as words.

    `lang` is "zh" or "en" (KeyError otherwise). A leaf is named by `name` directly.
    A formula the parser cannot read is returned with only its inputs renamed.
    Example (en): "kechuangdai_loans / kechuangdai_firms" with names "loans", "firms"
    -> "loans divided by firms".
    """
    ops = _ops(lang)
    if num.is_leaf:
        return name(num)
    leaves = num.inputs()
    code = num.derivation
    slots: dict[str, str] = {}  # placeholder -> the input's name
    # longest first, so "loans_2023" is replaced before "loans"
    for i, leaf in sorted(enumerate(leaves), key=lambda p: -len(_leaf_text(p[1]))):
        text = _leaf_text(leaf)
        if text and text in code:
            code = code.replace(text, f"__kcz_leaf_{i}__")
            slots[f"__kcz_leaf_{i}__"] = name(leaf)
    try:
        tree = ast.parse(code, mode="eval").body
        return _words(tree, ops, slots, top=True)
    except (SyntaxError, ValueError):
        for slot, words in slots.items():
            code = code.replace(slot, words)
        return code


def _compound(node: ast.expr) -> tuple[ast.expr, ast.expr] | None:
    """(multiple, years) if `node` is `multiple ** (1 / years) - 1`, the compound yearly rate, else None."""
    def one(n: ast.expr) -> bool:
        return isinstance(n, ast.Constant) and n.value == 1

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and one(node.right):
        power = node.left
        if isinstance(power, ast.BinOp) and isinstance(power.op, ast.Pow):
            exponent = power.right
            if isinstance(exponent, ast.BinOp) and isinstance(exponent.op, ast.Div) and one(exponent.left):
                return power.left, exponent.right
    return None


def _words(node: ast.expr, ops: dict[Operator, str], slots: dict[str, str], top: bool = False) -> str:
    if isinstance(node, ast.Name) and node.id in slots:
        return slots[node.id]
    if parts := _compound(node):  # a rate in words, not "(x to the power (1 divided by n)) minus 1"
        multiple, years = parts
        n = _words(years, ops, slots)
        if isinstance(multiple, ast.BinOp) and isinstance(multiple.op, ast.Div):  # (later / earlier) ** ...
            text = ops["compound_between"].format(a=_words(multiple.left, ops, slots),
                                                  b=_words(multiple.right, ops, slots), n=n)
        else:
            text = ops["compound"].format(a=_words(multiple, ops, slots, top=True), n=n)
        return text if top else ops["paren"].format(x=text)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return repr(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in ops:
        # (a × b) × c reads "a times b times c": a left operand with the same associative operator needs no brackets
        flat = isinstance(node.op, (ast.Mult, ast.Add)) and isinstance(node.left, ast.BinOp) \
            and type(node.left.op) is type(node.op)
        text = ops[type(node.op)].format(a=_words(node.left, ops, slots, top=flat), b=_words(node.right, ops, slots))
    elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("min", "round") and len(node.args) == 2:
        name = node.func.id  # type: ignore[attr-defined]
        text = ops[name].format(a=_words(node.args[0], ops, slots, top=name == "min"),  # round((a - b), n)
                                b=_words(node.args[1], ops, slots, top=True))
    else:
        raise ValueError(f"not a formula kcz writes in words: {ast.dump(node)[:60]}")
    return text if top else ops["paren"].format(x=text)


def context_derivation(row: ContextFigure, case: str, lang: str, formula: str | None = None) -> str:
    """How the derived context row `row` was derived, as a reader of `lang` reads it.

    context.csv's `derivation` cell writes the arithmetic, a colon and an analyst's note
    ("733.26 - 101.34: the 2022 bulletin states ..."); the reader reads the arithmetic and the
    case's own words for the row (`context.words.toml`, keyed by the row's id, both
    languages: `appendix.context_derivation`). A row the words file does not hold keeps the
    cell as written (and the translation tests over the pages fail on it).

    Args:
        row: a `ContextFigure` (its `id` and `derivation`).
        case: the case folder name.
        lang: "zh" or "en".
        formula: the arithmetic as the caller prints it (in the row's unit, say); by default
            the cell's, as written.

    Returns:
        The derivation in words; "" for a row that is not derived.

    Raises:
        DataError: the case's words file is malformed (`kczlib.data.context.context_words`).
    """
    if not row.derivation:
        return ""
    words = context_words(case).get(row.id)
    if words is None:
        return str(row.derivation)
    formula = formula if formula is not None else row.derivation.split(":", 1)[0].strip()
    return word("appendix", "appendix.context_derivation", lang).format(formula=formula, how=str(words[lang]))
