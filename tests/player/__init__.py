"""Tests of viewer/player/."""
