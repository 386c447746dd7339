"""From the knowledge base to verdicts: the catalogue of what is known, the inputs of an estimate,
the check and its explanation, checking every stored claim, and calibration.

check() works on a ClaimSpec, so stored claims and claims found in an article are checked the
same way; check_all() stores an Evaluation for each claim whose outcome changed.
"""

from kb.evaluate.batch import check_all, record, rejudge, spec_for
from kb.evaluate.calibration import (
    CalibrationRow,
    by_group,
    calibrate,
    calibrate_costs,
    calibration_summary,
)
from kb.evaluate.catalogue import Catalogue, ClaimSpec, Given
from kb.evaluate.check import check, is_supported
from kb.evaluate.inputs import Context, build_context, estimate_all

__all__ = [
    "CalibrationRow",
    "Catalogue",
    "by_group",
    "calibrate_costs",
    "ClaimSpec",
    "Context",
    "Given",
    "build_context",
    "calibrate",
    "calibration_summary",
    "check",
    "check_all",
    "estimate_all",
    "is_supported",
    "record",
    "rejudge",
    "spec_for",
]
