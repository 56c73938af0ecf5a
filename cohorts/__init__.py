"""Cohorts: selecting the cities of a programme round, and the cities' officials."""
