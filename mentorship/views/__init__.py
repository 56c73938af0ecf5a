"""Pages of peer learning (sessions.py) and mentoring (mentoring.py)."""
