"""The petitioner's further steps on an open case: withdraw it (撤回), add information (補充材料). Pure.

Both are allowed while the case is open (not closed, not refused); a withdrawal asked for once
is not asked again while routing closes the case.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.intake.domain.progress import CaseProgress
from shared.domain import NotAllowed
from shared.events import Event, InformationAdded, WithdrawalRequested
from shared.events.intake import Attachment


class Withdraw(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: str = ""


class AddInformation(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    attachments: tuple[Attachment, ...] = ()


def _open_case(progress: CaseProgress, what: str) -> str:
    if progress.merged:
        raise NotAllowed(f"{what} is not possible here: this petition is handled together with another case", "merged")
    if progress.case_id is None or progress.status.terminal:
        raise NotAllowed(f"{what} is possible only while the case is open", progress.status)
    if progress.withdrawal_requested:
        raise NotAllowed(f"{what} is not possible: the petition is being withdrawn", progress.status)
    return progress.case_id


def decide_withdraw(progress: CaseProgress, command: Withdraw) -> list[Event]:
    case_id = _open_case(progress, "withdrawing")
    return [WithdrawalRequested(case_id=case_id, reason=command.reason)]


def decide_add_information(progress: CaseProgress, command: AddInformation) -> list[Event]:
    case_id = _open_case(progress, "adding information")
    return [InformationAdded(case_id=case_id, text=command.text, attachments=command.attachments)]


def allowed_further(progress: CaseProgress) -> dict[str, bool]:
    try:
        _open_case(progress, "-")
    except NotAllowed:
        return {"withdraw": False, "add_information": False}
    return {"withdraw": True, "add_information": True}
