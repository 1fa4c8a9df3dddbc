"""Minsheng: the 民生实事项目人大代表票决制 platform (collection, vote, supervision, oversight)."""

__version__ = "0.1.0"
