"""Local stand-ins for the outside world intake delivers notices to: an SMS gateway and an SMTP server.

Started by `make up` (scripts/system.sh) and by the test fixtures; never part of a deployment.
"""
