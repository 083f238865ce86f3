"""Tests of viewer/core/."""
