"""Voting rounds (票决): rounds, electronic and paper ballots, the tally and the export that verifies it."""
