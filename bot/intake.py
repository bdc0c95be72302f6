"""Intake questions in the conversation (core.intake): asked one by one once the slot is
held and before "Confirm?", and again when the customer changes their answers later.

Why before "Confirm?" (and so before any payment page): the summary the customer says yes
to then includes what they told us, the answers are stored on the hold in the same step
that books it, and nobody pays for a booking whose questions are still open. The hold is
kept alive by every answer (``KeepHold``: a full ``rules.hold`` from then); a customer who
stops for longer is told that the time may have gone, and if it has, the confirm offers
the nearest free times while the answers are kept for the same service.

The same questions come on the two other ways a customer books in the chat: a recurring
series asks them once, before "Book them all?" (``before_series``; nothing is held before
that yes), and the answers are stored on every date; a YES to a waitlist offer asks them on
the offer's hold (``bookingbot.reply_router`` hands it to ``after_hold``), then "Confirm?".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import commands as c
from bot import intents, replies
from bot.intake_read import Reading, keep_words, read
from bot.messages import Choice, Reply
from bot.offers import booking_line, summary
from bot.recurring import book_them_all
from bot.session import BookingView, Purpose, Session, State
from bot.transition import Context, Transition
from bot.transition import say as respond
from core.intake import MAX_ANSWER, NO, YES, Question, QuestionKind
from i18n import N_, say, say_n

KEEP = "answer:keep"
_PROBLEMS = {
    "required": N_("This one needs an answer, please."),
    "too_long": N_("Please keep it under {limit} characters."),
    "yes_no": N_("Please answer yes or no."),
    "choice": N_("Please pick one of the options: its number or its name."),
    "empty": N_("Please type your answer."),
}


def questions(session: Session, ctx: Context) -> tuple[Question, ...]:
    service = ctx.business.service(session.service_key or "")
    return service.questions if service else ()


def _given(session: Session) -> dict[str, str]:
    return dict(session.answers) if session.answers_for == session.service_key else {}


def pending(session: Session, ctx: Context) -> Question | None:
    given = _given(session)
    return next((q for q in questions(session, ctx) if q.key not in given), None)


def answers_first(session: Session, text: str, ctx: Context) -> bool:
    """Whether the message is read as the answer before the global fallbacks: a free-text
    answer is taken as written (only "cancel", "never mind", "start over", "stop" leave);
    a yes/no or choice answer when it reads as one."""
    q = pending(session, ctx)
    if q is None:
        return False
    if q.kind is QuestionKind.TEXT:
        return not intents.is_abort(text) and intents.detect(text) not in (
            intents.Intent.RESTART, intents.Intent.STOP)
    return read(q, text, session.lang).value is not None or text == KEEP


def after_hold(session: Session, held: c.Held, ctx: Context) -> Transition:
    """The slot is held: the service's questions first (those not answered yet for it),
    then the summary."""
    if session.answers_for != session.service_key:
        session = replace(session, answers=(), answers_for=session.service_key)
    session = replace(session, hold_until=held.expires_at, chosen=held.offer)
    q = pending(session, ctx)
    if q is None:
        return summary(session, ctx, held.offer)
    return _intro(replace(session, state=State.ANSWER_INTAKE), q, ctx)


def before_series(session: Session, ctx: Context) -> Transition:
    """A recurring series: its questions are asked once, before "Book them all?" (nothing
    is held before that yes, so there is no hold to keep alive meanwhile); the answers go
    with ``BookSeries`` and are stored on every date."""
    if session.answers_for != session.service_key:
        session = replace(session, answers=(), answers_for=session.service_key)
    q = pending(session, ctx)
    if q is None:
        return book_them_all(session, ctx)
    return _intro(replace(session, state=State.ANSWER_INTAKE), q, ctx)


def _intro(session: Session, q: Question, ctx: Context) -> Transition:
    n = len(questions(session, ctx))
    intro = say_n(session.lang, "Before you confirm, {n} question.",
                  "Before you confirm, {n} questions.", n, n=n)
    return respond(session, intro, ask(session, q, ctx))


def ask(session: Session, q: Question, ctx: Context, problem: str = "") -> Reply:
    lang = session.lang
    qs = questions(session, ctx)
    text = say(lang, "({n}/{total}) {question}", n=qs.index(q) + 1, total=len(qs),
              question=q.text_in(lang))
    old = _current(session, q)
    if old is not None:
        text += " " + say(lang, "(now: {answer}; reply \"keep\" to keep it)",
                         answer=shown(q, old, lang))
    elif not q.required:
        text += " " + say(lang, "(optional: reply \"skip\" to leave it out)")
    if problem:
        text = f"{problem} {text}"
    return Reply(text, _choices(q, lang, keep=old is not None))


def _choices(q: Question, lang: str | None, *, keep: bool) -> tuple[Choice, ...]:
    out: list[Choice] = []
    if q.kind is QuestionKind.YES_NO:
        out = [Choice(say(lang, "Yes"), f"answer:{YES}"), Choice(say(lang, "No"), f"answer:{NO}")]
    elif q.kind is QuestionKind.CHOICE:
        out = [Choice(o.label_in(lang), f"answer:{i}") for i, o in enumerate(q.options)]
    if out and keep:
        out.append(Choice(say(lang, "Keep"), KEEP))
    elif out and not q.required:
        out.append(Choice(say(lang, "Skip"), "answer:skip"))
    return tuple(out)


def shown(q: Question, value: str, lang: str | None) -> str:
    """A stored answer as the customer reads it, in their language."""
    if value == "":
        return say(lang, "(skipped)")
    if q.kind is QuestionKind.YES_NO:
        return say(lang, "Yes") if value == YES else say(lang, "No")
    if q.kind is QuestionKind.CHOICE:
        return next((o.label_in(lang) for o in q.options if o.label == value), value)
    return value


def _current(session: Session, q: Question) -> str | None:
    """The answer kept on the booking being edited, if there is one."""
    booking = session.booking(session.booking_id) if session.purpose is Purpose.INTAKE else None
    return dict(booking.answers).get(q.key) if booking else None


def _keep(session: Session, q: Question, text: str) -> str | None:
    old = _current(session, q)
    if old is None:
        return None
    return old if text == KEEP or intents.normalise(text) in keep_words() else None


def on_answer(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    q = pending(session, ctx)
    if q is None:  # the business file changed under the conversation: nothing left to ask
        return _finish(session, ctx, ())
    kept = _keep(session, q, text)
    reading = Reading(kept) if kept is not None else read(q, text, session.lang)
    if reading.value is None:
        why = say(session.lang, _PROBLEMS[reading.problem or "empty"], limit=MAX_ANSWER)
        return respond(session, ask(session, q, ctx, why))
    answered = replace(session, answers=(*session.answers, (q.key, reading.value)))
    keep: tuple[c.Command, ...] = ()
    notes: tuple[Reply | str, ...] = ()
    if answered.purpose is not Purpose.INTAKE and answered.hold_id:
        keep = (c.KeepHold(answered.hold_id),)
        if answered.hold_until is not None and now > answered.hold_until:
            notes = (_lapsed(answered, ctx),)
        answered = replace(answered, hold_until=now + ctx.business.rules.hold_duration)
    nxt = pending(answered, ctx)
    if nxt is not None:
        return respond(answered, *notes, ask(answered, nxt, ctx), commands=keep)
    return _finish(answered, ctx, keep, notes)


def _lapsed(session: Session, ctx: Context) -> str:
    until = session.hold_until
    assert until is not None
    return say(session.lang, "Your time was held for you until {until}. If someone has taken it "
              "since, I'll offer the nearest free times when you confirm.",
              until=replies.clock_zone(until.astimezone(ctx.zone(session)), session.lang))


def _finish(session: Session, ctx: Context, keep: tuple[c.Command, ...],
            notes: tuple[Reply | str, ...] = ()) -> Transition:
    if session.purpose is Purpose.INTAKE and session.booking_id:
        return respond(session, *notes, commands=(*keep, c.SaveAnswers(session.booking_id,
                                                                   session.answers)))
    offer = session.chosen
    if session.purpose is Purpose.SERIES and session.series is not None:
        t = book_them_all(session, ctx)
    elif offer is None:  # pragma: no cover - questions are asked only once a slot is held
        return respond(session.reset(), replies.what_other_time("", session.lang))
    else:
        t = summary(session, ctx, offer)
    recap = recap_text(session, ctx)
    return Transition(t.session, (*(replies.simple(n) if isinstance(n, str) else n
                                    for n in notes), *((Reply(recap),) if recap else ()),
                                  *t.replies), keep)


def recap_text(session: Session, ctx: Context,
               pairs: tuple[tuple[str, str], ...] | None = None) -> str:
    """"Your answers:" and one line per question answered."""
    given = dict(session.answers if pairs is None else pairs)
    lines = [f"- {q.text_in(session.lang)} {shown(q, given[q.key], session.lang)}"
             for q in questions(session, ctx) if q.key in given]
    if not lines:
        return ""
    return "\n".join([say(session.lang, "Your answers:"), *lines])


def ask_again(session: Session, ctx: Context) -> tuple[Reply, ...]:
    """The pending question, asked again (after an aside or a language switch)."""
    q = pending(session, ctx)
    return (ask(session, q, ctx),) if q is not None else ()


# --- changing the answers of a booking already made ------------------------------------


def has_questions(b: BookingView, ctx: Context) -> bool:
    service = ctx.business.service(b.service_key)
    return service is not None and bool(service.questions)


def listed(session: Session, bookings: tuple[BookingView, ...], ctx: Context) -> Transition:
    """"Change my answers": the upcoming bookings that have questions."""
    mine = tuple(b for b in bookings if has_questions(b, ctx))
    if not mine:
        return respond(session.reset(), say(
            session.lang, "You have no upcoming booking with questions to answer. Answers "
            "can be changed until the appointment starts."))
    if len(mine) == 1:
        return start_edit(replace(session, bookings=mine), mine[0], ctx)
    tz = ctx.zone(session)
    labels = [(booking_line(b, ctx, tz, session.lang), f"booking:{b.id}") for b in mine[:9]]
    return respond(replace(session, state=State.PICK_BOOKING, bookings=mine),
               replies.pick_booking("answers", labels, session.lang))


def start_edit(session: Session, booking: BookingView, ctx: Context) -> Transition:
    session = replace(session, state=State.ANSWER_INTAKE, purpose=Purpose.INTAKE,
                      booking_id=booking.id, service_key=booking.service_key,
                      provider_key=booking.provider_key, answers=(),
                      answers_for=booking.service_key, pending_text=None)
    what = booking_line(booking, ctx, ctx.zone(session), session.lang)
    recap = recap_text(session, ctx, booking.answers)
    intro = say(session.lang, "Your answers for {what}. Let's go through them again.", what=what)
    q = pending(session, ctx)
    assert q is not None  # only bookings whose service has questions come here
    return respond(session, intro + (f"\n{recap}" if recap else ""), ask(session, q, ctx))


def saved(session: Session, done: c.AnswersSaved, ctx: Context) -> Transition:
    what = booking_line(done.booking, ctx, ctx.zone(session), session.lang)
    return respond(session.reset(), say(session.lang, "Thanks, your answers for {what} are "
                                   "updated.", what=what))

