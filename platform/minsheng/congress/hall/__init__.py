"""The session in the hall (人代会): sessions, agenda, check-in, the big screen."""
