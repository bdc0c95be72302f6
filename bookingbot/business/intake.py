"""A service's ``questions:`` (intake questions) -> ``core.intake.Question``.

    questions:
      - key: injuries
        text: {en: Any injuries we should know about?, es: ¿Alguna lesión que debamos saber?}
        required: false                       # default true
      - key: first_visit
        text: Is this your first visit?
        kind: yes_no                          # text (default) | yes_no | choice
      - key: level
        text: Your level?
        kind: choice
        options: {en: [Beginner, Regular], es: [Principiante, Habitual]}

Texts and options per language follow the service names' rules: offered languages only, the
default language's included; every language's options list the same answers in the same
order (a customer may answer in any of them; the default's is what is stored).
"""

from __future__ import annotations

from bookingbot.business.problems import KeyPath, Problems, show
from bookingbot.business.schema import QuestionIn, ServiceIn
from core.intake import Option, Question, QuestionKind
from core.model import Languages
from i18n import languages as catalogs

MAX_QUESTIONS = 20
MAX_TEXT = 500  # the stored snapshot's width
MAX_OPTIONS = 20


def build_questions(svc: ServiceIn, path: KeyPath, langs: Languages,
                    problems: Problems) -> tuple[Question, ...]:
    """The service's questions, each checked; a broken one is reported and left out."""
    if len(svc.questions) > MAX_QUESTIONS:
        problems.add((*path, "questions"), f"at most {MAX_QUESTIONS} questions per service")
    seen: dict[str, int] = {}
    out = []
    for j, q in enumerate(svc.questions):
        where: KeyPath = (*path, "questions", j)
        if q.key in seen:
            problems.add((*where, "key"), f'question key "{q.key}" is already used by '
                         f"questions[{seen[q.key]}]")
            continue
        seen[q.key] = j
        built = _question(q, where, langs, problems)
        if built is not None:
            out.append(built)
    return tuple(out)


def _question(q: QuestionIn, where: KeyPath, langs: Languages,
              problems: Problems) -> Question | None:
    before = len(problems.found)
    _check_languages(q, where, langs, problems)
    texts = {"": q.text} if isinstance(q.text, str) else q.text
    for code, text in texts.items():
        if len(text) > MAX_TEXT:
            problems.add((*where, "text", *((code,) if code else ())),
                         f"is {len(text)} characters; at most {MAX_TEXT}")
    options = _options(q, where, langs, problems)
    if len(problems.found) > before:
        return None
    default = q.text if isinstance(q.text, str) else q.text[langs.default]
    return Question(q.key, default, q.kind, q.required,
                    texts=() if isinstance(q.text, str) else tuple(q.text.items()),
                    options=options)


def _check_languages(q: QuestionIn, where: KeyPath, langs: Languages,
                     problems: Problems) -> None:
    offered = langs.offered or catalogs()
    for field in ("text", "options"):
        given = getattr(q, field)
        if not isinstance(given, dict):
            continue
        for code in given:
            if code not in offered:
                problems.add((*where, field, code), f'"{code}" is not an offered language '
                             f"(offered: {', '.join(offered)})")
        if langs.default not in given:
            problems.add((*where, field), f'give the {field} in the default language '
                         f'"{langs.default}" too')


def _answers(n: int) -> str:
    return f"{n} answer" if n == 1 else f"{n} answers"


def _options(q: QuestionIn, where: KeyPath, langs: Languages,
             problems: Problems) -> tuple[Option, ...]:
    here: KeyPath = (*where, "options")
    if q.kind is not QuestionKind.CHOICE:
        if q.options is not None:
            problems.add(here, f'is only used with kind: choice (kind is "{q.kind.value}")')
        return ()
    if q.options is None:
        problems.add(where, "kind: choice needs options: (the answers to choose from)")
        return ()
    lists = {"": q.options} if isinstance(q.options, list) else q.options
    default = lists.get("") or lists.get(langs.default) or []
    for code, labels in lists.items():
        at: KeyPath = (*here, code) if code else here
        if len(labels) != len(default):
            problems.add(at, f"lists {_answers(len(labels))} but the default language lists "
                         f"{len(default)}; give the same answers in the same order")
        folded = [" ".join(x.casefold().split()) for x in labels]
        for k, label in enumerate(folded):
            if label in folded[:k]:
                problems.add((*at, k), f"{show(labels[k])} is listed twice")
    if not 2 <= len(default) <= MAX_OPTIONS:
        problems.add(here, f"give between 2 and {MAX_OPTIONS} answers to choose from")
    per_lang = [(c, ls) for c, ls in lists.items() if c and c != langs.default]
    return tuple(Option(label, tuple((c, ls[i]) for c, ls in per_lang if i < len(ls)))
                 for i, label in enumerate(default))
