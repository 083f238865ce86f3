"""Tests of viewer/sim/."""
