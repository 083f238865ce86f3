"""Tests of viewer/jobs/."""
