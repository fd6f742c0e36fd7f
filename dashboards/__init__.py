"""The Panel dashboard (DESIGN §9): one Viewer per screen; `app.py` builds the routes."""
