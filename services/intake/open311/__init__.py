"""Open311 GeoReport v2 on intake (`/open311/v2`): a second shape of intake's own API, not a second path.

`domain.py` maps between Open311's vocabulary and intake's (pure), `formats.py` writes JSON and
XML, the routes are `services/intake/entrypoints/open311.py`, the reads `handlers/open311.py`.
Design and decisions: services/intake/README.md, "Open311 GeoReport v2".
"""
