"""Ballot and rating secrecy: sealing a choice on arrival, the keys of a round, and their custody.

Foundation: a vote or an evaluation seals its secret choices here and opens them at its close; see
``platform/docs/threat-model.md`` for what each party can and cannot learn.
"""
