"""lunr.js 2.3.9's Porter stemmer, line for line in Python.

The site's search index is built here and queried by lunr.js in the browser, which stems the query
with its own stemmer; the index must hold the same stems. PyPI ``lunr`` ships Martin Porter's
reference implementation instead, which differs from lunr.js's in places (it turns the final "y"
of "survey" into "i", lunr.js keeps it), so a query typed in the browser would miss what the
terminal finds. ``tests/test_search.py`` runs both stemmers over every word of the collection.
"""

from __future__ import annotations

import functools
import re

_STEP2 = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_c = "[^aeiou]"  # consonant
_v = "[aeiouy]"  # vowel
_C = _c + "[^aeiouy]*"  # consonant sequence
_V = _v + "[aeiou]*"  # vowel sequence

_MGR0 = re.compile(f"^({_C})?{_V}{_C}")  # [C]VC... is m>0
_MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")  # [C]VC[V] is m=1
_MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")  # [C]VCVC... is m>1
_S_V = re.compile(f"^({_C})?{_v}")  # vowel in stem

_1A = re.compile(r"^(.+?)(ss|i)es$")
_1A_2 = re.compile(r"^(.+?)([^s])s$")
_1B = re.compile(r"^(.+?)eed$")
_1B_2 = re.compile(r"^(.+?)(ed|ing)$")
_1B_AT = re.compile(r"(at|bl|iz)$")
_1B_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_CVC = re.compile(f"^{_C}{_v}[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
_4_2 = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")
_5_LL = re.compile(r"ll$")


@functools.lru_cache(maxsize=1 << 17)
def stem(w: str) -> str:
    """The stem lunr.js gives a lower-case word (remembered: a collection repeats its words)."""
    if len(w) < 3:
        return w
    first = w[0]
    if first == "y":
        w = "Y" + w[1:]

    # Step 1a
    if _1A.search(w):
        w = _1A.sub(r"\1\2", w, count=1)
    elif _1A_2.search(w):
        w = _1A_2.sub(r"\1\2", w, count=1)

    # Step 1b
    m = _1B.search(w)
    if m:
        if _MGR0.search(m[1]):
            w = w[:-1]
    else:
        m = _1B_2.search(w)
        if m and _S_V.search(m[1]):
            w = m[1]
            if _1B_AT.search(w):
                w += "e"
            elif _1B_DOUBLE.search(w):
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"

    # Step 1c: a final y after a consonant that is not the first letter becomes i
    m = _1C.search(w)
    if m:
        w = m[1] + "i"

    # Step 2
    m = _2.search(w)
    if m and _MGR0.search(m[1]):
        w = m[1] + _STEP2[m[2]]

    # Step 3
    m = _3.search(w)
    if m and _MGR0.search(m[1]):
        w = m[1] + _STEP3[m[2]]

    # Step 4
    m = _4.search(w)
    if m:
        if _MGR1.search(m[1]):
            w = m[1]
    else:
        m = _4_2.search(w)
        if m and _MGR1.search(m[1] + m[2]):
            w = m[1] + m[2]

    # Step 5
    m = _5.search(w)
    if m:
        s = m[1]
        if _MGR1.search(s) or (_MEQ1.search(s) and not _CVC.search(s)):
            w = s
    if _5_LL.search(w) and _MGR1.search(w):
        w = w[:-1]

    if first == "y":
        w = "y" + w[1:]
    return w
