"""Use cases: one function each, one transaction each (``with uow: ... uow.commit()``).

The database is the final guard against double booking; the checks here exist to give
the customer the most useful reason (``outside_hours`` beats ``slot_taken``).
"""

from core.usecases.booking import (
    CancelOutcome,
    available_slots,
    confirm,
    hold_slot,
    refund_quote,
    release_hold,
)
from core.usecases.lifecycle import complete, expire_holds, mark_no_show, reschedule
from core.usecases.refunds import cancel
from core.usecases.series import SeriesOutcome, book_series, cancel_series, confirm_series
from core.usecases.waitlist import join_waitlist, leave_waitlist

__all__ = [
    "CancelOutcome", "SeriesOutcome", "available_slots", "book_series", "cancel", "cancel_series",
    "complete", "confirm", "confirm_series", "expire_holds", "hold_slot", "join_waitlist",
    "leave_waitlist", "mark_no_show", "refund_quote", "release_hold", "reschedule",
]
