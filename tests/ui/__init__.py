"""Tests of viewer/ui/."""
