"""Numbers as a person reads them, in one place: thousands grouped and the decimal sign of the language
(1,570.5 in English; 1 570,5 in Russian, with a no-break space as in CLDR's Russian, so a number never
breaks across lines), and rounding half away from zero, as an accountant rounds.

A float is read as the shortest decimal that gives it back (its repr), never as its binary value:
72582.105 is rounded as written, to 72582.11, not as the 72582.10499... the machine holds."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# CLDR's signs for the languages of the self-check's workers: a space between thousands and a decimal
# comma in each (Kazakh, Uzbek, Kyrgyz and Tajik as in Russian).
GROUP = {"en": ",", "ru": "\u00a0", "kk": "\u00a0", "uz": "\u00a0", "ky": "\u00a0", "tg": "\u00a0"}
DECIMAL_SIGN = {"en": ".", "ru": ",", "kk": ",", "uz": ",", "ky": ",", "tg": ","}


def rounded(value: float | int | Decimal, digits: int) -> Decimal:
    """`value` with `digits` decimals, a half rounded away from zero (1.005 -> 1.01, -0.5 -> -1)."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def number(value: float | int | Decimal, lang: str, digits: int | None = None, *, sign: bool = False) -> str:
    """`value` in the signs of `lang`, with `digits` decimals (None: those it has, a whole float without
    ".0"); `sign`: a + before a positive number (a difference)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    exact = rounded(value, digits) if digits is not None else _shortest(value)
    text = f"{exact:{'+' if sign else ''},f}"
    return text.translate({ord(","): GROUP.get(lang, ","), ord("."): DECIMAL_SIGN.get(lang, ".")})


def plain(value: float | int | Decimal, digits: int | None = None) -> str:
    """`value` for a program: no grouping, a point for decimals, whatever the language."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    exact = rounded(value, digits) if digits is not None else _shortest(value)
    return f"{exact:f}"


def _shortest(value: float | int | Decimal) -> Decimal:
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1)) if exact == exact.to_integral_value() else exact
