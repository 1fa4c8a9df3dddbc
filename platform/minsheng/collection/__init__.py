"""Collection (征集): citizens' and deputies' suggestions, from every channel, traceable to their fate."""
