"""One class per provider kind; ``for_provider`` picks it."""

from . import badgr, credly, dcc, ob3_api
from .base import Provider, ProviderError  # noqa: F401


def for_provider(provider):
    """The protocol implementation of a ``BackpackProvider`` row."""

    classes = {
        "ob3_api": ob3_api.OB3ApiProvider,
        "badgr": badgr.BadgrProvider,
        "credly": credly.CredlyProvider,
        "dcc": dcc.DccProvider,
    }
    try:
        return classes[provider.kind](provider)
    except KeyError:
        raise ProviderError(f"Unknown provider kind {provider.kind!r}.") from None
