"""Tests of viewer/reports/."""
