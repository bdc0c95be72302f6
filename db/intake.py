"""``core.intake.IntakeRepository``: the answers kept on bookings (migration 0027).

One row per booking and question, with the question's text as it was asked, so editing the
business file later never changes what an old answer seems to say. Erasing a customer
deletes their rows (answers may be health details)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.intake import Answer, QuestionKind
from db.tables import Base, table_of


class BookingAnswerRow(Base):
    __tablename__ = "booking_answers"

    booking_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16))
    answer: Mapped[str] = mapped_column(String(1000))
    answered_at: Mapped[datetime]


A = table_of(BookingAnswerRow)


def _answer(row: Sequence[object]) -> Answer:
    key, question, kind, value = row
    return Answer(str(key), str(question), QuestionKind(str(kind)), str(value))


class SqlIntakeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, booking_id: str, answers: Sequence[Answer], *, at: datetime) -> None:
        self._session.execute(delete(A).where(A.c.booking_id == booking_id))
        if answers:
            self._session.execute(insert(A), [
                {"booking_id": booking_id, "question_key": a.key, "position": i,
                 "question": a.question[:500], "kind": a.kind.value, "answer": a.value[:1000],
                 "answered_at": at} for i, a in enumerate(answers)])

    def of_booking(self, booking_id: str) -> tuple[Answer, ...]:
        return self.of_bookings([booking_id]).get(booking_id, ())

    def of_bookings(self, booking_ids: Sequence[str]) -> dict[str, tuple[Answer, ...]]:
        if not booking_ids:
            return {}
        stmt = (select(A.c.booking_id, A.c.question_key, A.c.question, A.c.kind, A.c.answer)
                .where(A.c.booking_id.in_(list(booking_ids)))
                .order_by(A.c.booking_id, A.c.position))
        out: dict[str, list[Answer]] = {}
        for booking_id, *rest in self._session.execute(stmt):
            out.setdefault(str(booking_id), []).append(_answer(rest))
        return {k: tuple(v) for k, v in out.items()}
