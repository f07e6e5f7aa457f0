"""Names as search keys that match across scripts: Нурлан = Nurlan, Жанна = Zhanna, Шухрат = Shuxrat,
Ғайрат = G'ayrat, Қайрат = Qayrat, Өмірзақ = Omirzaq.

Hand-written because no well-kept library folds the Kazakh, Kyrgyz, Uzbek and Tajik letters and the
Russian, passport and Uzbek Latin spellings of one name into one key; general transliterators give
different Latin for Ж (zh / j), Х (kh / x / h) or Қ (k / q). Each name part becomes a skeleton: Cyrillic
to Latin, then the spellings that differ between the conventions folded together."""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "io", "ж": "j", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "",
    "э": "e", "ю": "iu", "я": "ia",
    # Kazakh and Kyrgyz
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Uzbek and Tajik Cyrillic
    "ў": "o", "ҳ": "h", "ӣ": "i", "ӯ": "u", "ҷ": "j",
}  # fmt: skip
_APOSTROPHES = "'’ʻʼ`´‘"
# Latin spellings of one sound in the Russian, passport and Uzbek Latin conventions, in order.
_FOLDS = (("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("x", "h"), ("q", "k"), ("w", "v"), ("y", "i"))


def skeleton(part: str) -> str:
    """One name part as a key: lower case, Latin, the conventions folded, doubled letters single."""
    text = "".join(_CYRILLIC.get(c, c) for c in part.lower())
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")  # Uzbek Latin o' and g' are o and g
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if "a" <= c <= "z")
    for spelling, key in _FOLDS:
        text = text.replace(spelling, key)
    return re.sub(r"(.)\1+", r"\1", text)


def name_keys(name: str) -> list[str]:
    """The skeletons of a full name's parts (split at spaces and hyphens), without repeats."""
    parts = (skeleton(p) for p in re.split(r"[\s\-]+", name))
    return list(dict.fromkeys(p for p in parts if p))
