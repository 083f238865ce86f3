"""Tests of viewer/demo/."""
