"""Pure-Python model of the wall: catalog, layouts, tours, feed health, probes, journal.

Nothing in this package may import Qt or vlc (tests/test_architecture.py enforces it);
everything that depends on time takes ``now`` as an argument.
"""
