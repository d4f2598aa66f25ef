"""Intake's use cases: thin steps between HTTP or Kafka and the pure domain."""

from services.intake.handlers import receptions
from services.intake.handlers.petitioner import (
    add_information,
    give_feedback,
    petitioner_notices,
    request_review,
    view_petition,
    withdraw,
)
from services.intake.handlers.progress import backfill, followed_handler, on_followed
from services.intake.handlers.search import FoundPetition, FoundPetitions, petitions_by_phone
from services.intake.handlers.service import Intake
from services.intake.handlers.similar import similar_matters
from services.intake.handlers.submit import IdempotencyKeyReused, Linked, SubmitResult, Submitted, submit_petition

__all__ = [
    "FoundPetition",
    "FoundPetitions",
    "IdempotencyKeyReused",
    "Intake",
    "Linked",
    "SubmitResult",
    "Submitted",
    "add_information",
    "backfill",
    "followed_handler",
    "give_feedback",
    "on_followed",
    "petitioner_notices",
    "petitions_by_phone",
    "receptions",
    "request_review",
    "similar_matters",
    "submit_petition",
    "view_petition",
    "withdraw",
]
