"""How sources are cited: originals rather than proxies, reposts that say so, news only as a last resort.

These are warnings for the curator: the knowledge base still loads, but `coopbot validate --strict`
fails until they are mended.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bot.knowledge.model import Source

# Proxies and gateways that serve another site's page under their own address, with the original
# host in their path: https://sc.isd.gov.hk/TuniS/www.info.gov.hk/gia/... and the like.
_GATEWAY_PATH = re.compile(
    r"^/(?:TuniS|gb|gate/big5|gate/gb)/(?P<original>(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/.*)?)$",
    re.IGNORECASE,
)
_REPOST_WORDS = ("repost", "轉載", "转载", "copy of", "as reposted")


def original_url(url: str) -> str | None:
    """The original address a proxy or gateway URL embeds, or None if `url` is not one."""
    parsed = urlparse(url)
    match = _GATEWAY_PATH.match(parsed.path)
    if match is None:
        return None
    query = f"?{parsed.query}" if parsed.query else ""
    return f"https://{match.group('original')}{query}"


def domain_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allowed)


def says_repost(title: str) -> bool:
    lowered = title.casefold()
    return any(word in lowered for word in _REPOST_WORDS)


def source_warnings(source: Source, allowed: tuple[str, ...]) -> list[str]:
    """What a curator should mend in one citation."""
    warnings = []
    original = original_url(source.url)
    if original is not None:
        warnings.append(f"proxy or gateway URL: cite the original, {original}")
    if source.kind == "repost":
        if not says_repost(source.title):
            warnings.append(f"a repost's title must say it is one: {source.title!r}")
    elif allowed and not domain_allowed(source.url, allowed):
        warnings.append(f"source outside allowed_domains: {source.url}")
    return warnings


def news_only(sources: tuple[Source, ...]) -> bool:
    """Resting on the news alone, where a Government release may exist."""
    return bool(sources) and all(s.kind == "news" for s in sources)
