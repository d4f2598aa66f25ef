"""What every service's pure domain shares: the refusals a command can meet, and one fold.

A domain raises a `Refusal` subclass and never knows about HTTP; `shared.http.errors` maps
every refusal to the contract's error shape in one place.
"""

from shared.domain.fold import fold
from shared.domain.refusals import Forbidden, Invalid, NotAllowed, NotFound, Refusal, StaleState

__all__ = ["Forbidden", "Invalid", "NotAllowed", "NotFound", "Refusal", "StaleState", "fold"]
