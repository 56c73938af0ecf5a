"""Mentorship: peer-learning sessions and mentoring."""
