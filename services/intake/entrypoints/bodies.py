"""What intake's HTTP API accepts: every field checked before anything is recorded."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from services.intake.domain.commands import SubmitPetition
from shared.events.intake import Attachment, ComplaintAbout, Petitioner
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.jurisdiction.divisions import DivisionCode
from shared.vocabulary import Channel


class Body(BaseModel):
    # A NUL character anywhere in the request is refused before this model (shared/http/text.py).
    model_config = ConfigDict(extra="forbid")


# A phone as petitioners write it; officials search with the same form.
PHONE_PATTERN = r"^\+?[0-9][0-9\- ]{4,19}$"


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Filled = AfterValidator(not_blank)  # text that is more than white space, for every body's free text
Reason = Annotated[str, Field(min_length=1, max_length=2000), Filled]
MAX_CO_PETITIONERS = 100  # the other named signers one petition may carry


class PetitionerIn(Body):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(pattern=PHONE_PATTERN)
    id_number: str | None = Field(default=None, pattern=r"^\d{17}[\dXx]$")
    anonymous: bool = False
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    address: str | None = Field(default=None, min_length=1, max_length=300)
    notify_by: Literal["sms", "email", "letter"] | None = None

    @model_validator(mode="after")
    def _notify_by_has_address(self) -> PetitionerIn:
        # A chosen channel needs its address: refused here rather than a notice nobody can deliver.
        needs = {"email": self.email, "letter": self.address, "sms": self.phone}
        if self.notify_by is not None and not needs[self.notify_by]:
            raise ValueError(f"notify_by {self.notify_by} needs the petitioner's {self.notify_by} address")
        return self


class AttachmentIn(Body):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    content_type: str | None = Field(default=None, max_length=100)


class ComplaintAboutIn(Body):
    """The unit a petition complains about (a division of this deployment), and the official named."""

    unit: DivisionCode
    official: str | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if value not in deployment_tree():
            raise ValueError("must be a division of this deployment (GET /v1/divisions)")
        return value


class PetitionIn(Body):
    channel: Channel
    division_code: DivisionCode
    category: str = Field(pattern=r"^[a-z][a-z_]{1,49}$")
    title: Annotated[str, Field(min_length=1, max_length=200), Filled]
    content: Annotated[str, Field(min_length=1, max_length=20_000), Filled]
    petitioner: PetitionerIn
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)
    # A joint or group petition (聯名 / 集體訪, services/intake/README.md): the other named signers
    # and how many people in all; without them the petition is one person's, as before.
    co_petitioners: list[PetitionerIn] = Field(default_factory=list, max_length=MAX_CO_PETITIONERS)
    headcount: int | None = Field(default=None, ge=1, le=100_000)
    # A complaint about a unit or one of its officials (issue 14): that unit never sees who complained.
    complaint_about: ComplaintAboutIn | None = None

    @field_validator("headcount")
    @classmethod
    def _counts_everyone_named(cls, value: int | None, info: ValidationInfo) -> int | None:
        # co_petitioners is declared first, so it is checked (and here) before this runs.
        named = 1 + len(info.data.get("co_petitioners", []))
        if value is not None and value < named:
            raise ValueError(f"must count at least everyone named: the petitioner and the co_petitioners ({named})")
        return value

    @field_validator("division_code")
    @classmethod
    def _division(cls, value: str) -> str:
        # Its form was checked by DivisionCode; here, whether this deployment has it.
        if value not in deployment_tree():
            raise ValueError("must be a division of this deployment (GET /v1/divisions)")
        return value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        # Categories that are not accepted are still recorded: routing answers them with a redirect.
        if deployment_catalogue().get(value) is None:
            raise ValueError(f"must be one of the catalogue's categories: {', '.join(deployment_catalogue().keys())}")
        return value

    def command(self, recorded_by: str | None) -> SubmitPetition:
        """The domain's command, made from what was just checked without checking it again."""
        return SubmitPetition.model_construct(
            channel=self.channel,
            division_code=self.division_code,
            category=self.category,
            title=self.title,
            content=self.content,
            petitioner=Petitioner.model_construct(**dict(self.petitioner)),
            attachments=tuple(Attachment.model_construct(**dict(a)) for a in self.attachments),
            recorded_by=recorded_by,
            co_petitioners=tuple(Petitioner.model_construct(**dict(p)) for p in self.co_petitioners),
            headcount=self.headcount or 1 + len(self.co_petitioners),
            complaint_about=None if self.complaint_about is None else ComplaintAbout(**dict(self.complaint_about)),
        )


class FeedbackIn(Body):
    access_code: str = Field(min_length=1, max_length=100)
    satisfied: bool
    comment: str = Field(default="", max_length=2000)


class ReviewIn(Body):
    access_code: str = Field(min_length=1, max_length=100)
    reason: Reason


class WithdrawIn(Body):
    access_code: str = Field(min_length=1, max_length=100)
    reason: str = Field(default="", max_length=2000)


class InformationIn(Body):
    access_code: str = Field(min_length=1, max_length=100)
    text: Annotated[str, Field(min_length=1, max_length=20_000), Filled]
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)
