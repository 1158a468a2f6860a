"""Text matching that ignores case and accents, with linear-time regular expressions (RE2)."""

import re
import unicodedata
from functools import lru_cache

import re2

MAX_TEXT = 20_000  # characters of subject + body a condition looks at


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lower-case, accents removed: "Rückerstattung" and "ruckerstattung" are the same.

    Cached: one event's facts are read by many rules, each row would normalise them again.
    """
    decomposed = unicodedata.normalize("NFKD", text[:MAX_TEXT])
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=4096)
def normalised_bytes(text: str) -> bytes:
    """The normalised text as UTF-8: RE2 searches bytes fastest."""
    return normalise(text).encode()


class PatternError(ValueError):
    pass


@lru_cache(maxsize=2048)
def compile_pattern(pattern: str):
    """An RE2 pattern over normalised text; RE2 cannot backtrack catastrophically."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    try:
        return re2.compile(normalise(pattern).encode(), options)
    except re2.error as exc:
        detail = exc.args[0]
        detail = detail.decode() if isinstance(detail, bytes) else str(detail)
        raise PatternError(f"not a valid regular expression ({detail})") from None


def compile_pattern_set(patterns: tuple[bytes, ...]):
    """Several patterns matched together in one pass; Match returns the indices that hit."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    pattern_set = re2.Set.SearchSet(options)
    for pattern in patterns:
        pattern_set.Add(pattern)
    pattern_set.Compile()
    return pattern_set


@lru_cache(maxsize=256)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern | None:
    """Phrases matched at the start of a word, over case- and accent-folded text."""
    folded = [re.escape(normalise(p).strip()) for p in phrases if p.strip()]
    if not folded:
        return None
    return re.compile(r"(?:^|\W)(" + "|".join(sorted(folded, key=len, reverse=True)) + ")")


def phrases_found(phrases: list[str], text: str) -> list[str]:
    """Which of the phrases the text contains (as folded), each once, sorted."""
    pattern = _phrase_pattern(tuple(phrases))
    if pattern is None or not text:
        return []
    return sorted({m.group(1) for m in pattern.finditer(normalise(text))})
