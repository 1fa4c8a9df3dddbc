"""The congress vote (人代会票决): roster, sessions and check-in, voting rounds, secret ballots, tally."""
