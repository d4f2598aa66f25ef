"""What a petitioner (or a cadre on their behalf) asks intake to do."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.events.intake import Attachment, ComplaintAbout, Petitioner, SealedPetitioner
from shared.vocabulary import Channel


class SubmitPetition(BaseModel):
    """A petition as asked: built from the checked request body, never validated again."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    division_code: str
    category: str
    title: str
    content: str
    petitioner: Petitioner
    attachments: tuple[Attachment, ...] = ()
    recorded_by: str | None = None
    co_petitioners: tuple[Petitioner, ...] = ()
    headcount: int = 1
    complaint_about: ComplaintAbout | None = None

    @property
    def people(self) -> tuple[Petitioner, ...]:
        """The petitioner and the co-petitioners, in signer order (0 the petitioner)."""
        return (self.petitioner, *self.co_petitioners)


class SealedPeople(BaseModel):
    """A petition's people as its event records them: each sealed under a data key of their own."""

    model_config = ConfigDict(frozen=True)

    petitioner: SealedPetitioner
    co_petitioners: tuple[SealedPetitioner, ...] = ()


class NewCase(BaseModel):
    """What intake issues for a petition that opens a case: its id and the petitioner's codes."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    tracking_code: str
    access_code_hash: str


class GiveFeedback(BaseModel):
    model_config = ConfigDict(frozen=True)

    satisfied: bool
    comment: str = ""


class RequestReview(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: str
