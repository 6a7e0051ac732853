"""coopbot: answers questions on Hong Kong's regional co-operation with the Mainland, with citations."""

__version__ = "0.1.0"
