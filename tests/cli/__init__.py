"""Tests of viewer/cli/."""
