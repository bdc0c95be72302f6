"""Issue 14: whole conversations in each language on the console channel, over SQLite and
PostgreSQL: book a deposit service (named in the customer's language, found by its name in
that language), pay, list, reschedule, cancel with a refund, join the waitlist. Every
answer is in the customer's language; the database holds what each step did."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.payments.test_mode import TestModeGateway
from bookingbot.payments_wiring import payments_uow
from channels.console import CHANNEL
from core.model import Business
from core.payments import CheckoutLink
from core.usecases.payments import handle_payment_event
from tests.bot.conftest import NOW, make_business
from tests.bot.console_kit import Console, Shop, open_shop
from tests.db.conftest import BACKENDS, fresh_database

PAY = "<the payment webhook arrives>"


def named_business() -> Business:
    """The demo barbers with service names and aliases per language (as a business file
    gives them: ``name: {es: Tinte, ...}``, aliases merged)."""
    base = make_business()
    cut, beard, colour = base.services
    cut = replace(cut, names=(("es", "Corte de pelo"), ("de", "Haarschnitt"), ("fr", "Coupe"),
                              ("pt", "Corte de cabelo")),
                  aliases=(*cut.aliases, "corte", "coupe"))
    colour = replace(colour, names=(("es", "Tinte"), ("de", "Färben"), ("fr", "Coloration"),
                                    ("pt", "Coloração")),
                     aliases=(*colour.aliases, "tinte", "färben", "coloration", "coloração"))
    return replace(base, services=(cut, beard, colour))


@dataclass(frozen=True)
class Script:
    lang: str
    steps: tuple[tuple[str, str], ...]  # (what the customer types, what the answer starts with)


SCRIPTS = [
    Script("es", (
        ("hola", "¡Hola! Te escribe Demo Barbers."),
        ("tinte el jueves a las 10", "Tinte, horas libres (EST):"),
        ("1", "Tinte con Alex, jue 4 dic, 10:00 (EST). Precio 80,00 US$"),
        ("sí", "Te la guardamos: Tinte, jue 4 dic, 10:00 (EST)."),
        (PAY, ""),
        ("mis citas", "Tus próximas reservas:\n1. Tinte con Alex, jue 4 dic, 10:00 (EST)"),
        ("cambiar mi cita", "Cambiando Tinte con Alex, jue 4 dic, 10:00 (EST)."),
        ("el viernes a las 11", "Tinte, horas libres (EST):\n  1) vie 5 dic, 11:00"),
        ("1", "¿Cambiar de jue 4 dic, 10:00 (EST) a vie 5 dic, 11:00 (EST)?"),
        ("sí", "Listo, cambiada a Tinte con Alex, vie 5 dic, 11:00 (EST)."),
        ("cancelar mi cita", "¿Cancelar Tinte con Alex, vie 5 dic, 11:00 (EST)? Te "
                             "devolveríamos 20,00 US$."),
        ("sí", "Cancelada: Tinte con Alex, vie 5 dic, 11:00 (EST). Te reembolsaremos 20,00 US$."),
        ("lista de espera para corte el jueves a las 10", "Estás en la lista de espera."),
    )),
    Script("de", (
        ("Hallo", "Hallo! Hier ist Demo Barbers."),
        ("Färben am Donnerstag um 10", "Färben, freie Zeiten (EST):"),
        ("1", "Färben bei Alex, Do., 4. Dez., 10:00 (EST). Preis 80,00 $"),
        ("ja", "Für Sie reserviert: Färben, Do., 4. Dez., 10:00 (EST)."),
        (PAY, ""),
        ("meine Termine", "Ihre anstehenden Termine:\n1. Färben bei Alex, Do., 4. Dez., 10:00"),
        ("Termin verschieben", "Verschiebe Färben bei Alex, Do., 4. Dez., 10:00 (EST)."),
        ("am Freitag um 11", "Färben, freie Zeiten (EST):\n  1) Fr., 5. Dez., 11:00"),
        ("1", "Von Do., 4. Dez., 10:00 (EST) auf Fr., 5. Dez., 11:00 (EST) verschieben?"),
        ("ja", "Erledigt, verschoben auf Färben bei Alex, Fr., 5. Dez., 11:00 (EST)."),
        ("Termin stornieren", "Färben bei Alex, Fr., 5. Dez., 11:00 (EST) stornieren? Sie "
                              "bekämen 20,00 $ zurück."),
        ("ja", "Storniert: Färben bei Alex, Fr., 5. Dez., 11:00 (EST). 20,00 $ werden erstattet."),
        ("Warteliste Haarschnitt am Donnerstag um 10", "Sie stehen auf der Warteliste."),
    )),
    Script("fr", (
        ("bonjour", "Bonjour ! Ici Demo Barbers."),
        ("coloration jeudi à 10h", "Coloration, créneaux libres (EST) :"),
        ("1", "Coloration avec Alex, jeu. 4 déc., 10:00 (EST). Prix 80,00 $US"),
        ("oui", "Réservé pour vous : Coloration, jeu. 4 déc., 10:00 (EST)."),
        (PAY, ""),
        ("mes rendez-vous", "Vos prochains rendez-vous :\n1. Coloration avec Alex, jeu. 4 déc."),
        ("déplacer le rendez-vous", "Déplacement de Coloration avec Alex, jeu. 4 déc., 10:00"),
        ("vendredi à 11h", "Coloration, créneaux libres (EST) :\n  1) ven. 5 déc., 11:00"),
        ("1", "Déplacer du jeu. 4 déc., 10:00 (EST) au ven. 5 déc., 11:00 (EST) ?"),
        ("oui", "C'est fait, déplacé à Coloration avec Alex, ven. 5 déc., 11:00 (EST)."),
        ("annuler le rendez-vous", "Annuler Coloration avec Alex, ven. 5 déc., 11:00 (EST) ? "
                                   "Vous seriez remboursé de 20,00 $US."),
        ("oui", "Annulé : Coloration avec Alex, ven. 5 déc., 11:00 (EST). 20,00 $US vous seront "
                "remboursés."),
        ("liste d'attente coupe jeudi à 10h", "Vous êtes sur la liste d'attente."),
    )),
    Script("pt", (
        ("olá", "Olá! Aqui é Demo Barbers."),
        ("coloração quinta às 10", "Coloração, horários livres (EST):"),
        ("1", "Coloração com Alex, qui., 4 de dez., 10:00 (EST). Preço US$ 80,00"),
        ("sim", "Reservado para você: Coloração, qui., 4 de dez., 10:00 (EST)."),
        (PAY, ""),
        ("minhas marcações", "Seus próximos agendamentos:\n1. Coloração com Alex, qui., 4 de "
                             "dez., 10:00"),
        ("remarcar", "Remarcando Coloração com Alex, qui., 4 de dez., 10:00 (EST)."),
        ("sexta às 11", "Coloração, horários livres (EST):\n  1) sex., 5 de dez., 11:00"),
        ("1", "Remarcar de qui., 4 de dez., 10:00 (EST) para sex., 5 de dez., 11:00 (EST)?"),
        ("sim", "Pronto, remarcado para Coloração com Alex, sex., 5 de dez., 11:00 (EST)."),
        ("cancelar a marcação", "Cancelar Coloração com Alex, sex., 5 de dez., 11:00 (EST)? "
                                "Você receberia US$ 20,00 de volta."),
        ("sim", "Cancelado: Coloração com Alex, sex., 5 de dez., 11:00 (EST). US$ 20,00 serão "
                "reembolsados."),
        ("lista de espera corte quinta às 10", "Você está na lista de espera."),
    )),
]


@pytest.fixture(params=BACKENDS)
def named_shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    with fresh_database(str(request.param), tmp_path) as url:
        shop = open_shop(url, named_business())
        yield shop
        shop.db.close()


def _pay(shop: Shop, sender: str, held: str) -> None:
    """Stripe's webhook for the checkout the customer was sent (test-mode gateway)."""
    link = re.search(r"/checkout/(test_cs_\w+)", held)
    assert link is not None, held
    with shop.db.uow() as uow:
        customer = shop.runner.customers.identify(CHANNEL, sender, now=NOW)
        (booking,) = uow.bookings.for_customer(customer.id, since=NOW)
    event = TestModeGateway.completed_event(CheckoutLink(link[1], ""), booking)
    handle_payment_event(payments_uow(shop.db)(), event, now=NOW + timedelta(minutes=3))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.lang for s in SCRIPTS])
def test_book_reschedule_cancel_with_refund_and_waitlist(named_shop: Shop,
                                                         script: Script) -> None:
    sender = f"customer-{script.lang}"
    customer: Console = named_shop.customer(sender)
    said = ""
    for line, starts in script.steps:
        if line == PAY:
            _pay(named_shop, sender, said)
            continue
        said = customer(line)
        plain = said.replace("\xa0", " ").replace("\u202f", " ")  # CLDR's no-break spaces
        assert plain.startswith(starts), (line, said)
    rows = named_shop.rows
    # The paid booking was moved and cancelled; the move's own hold on the new slot was
    # given up in the move, so nothing is left holding a slot.
    assert rows("select service_key, status, paid_minor from bookings where paid_minor > 0") == [
        ("colour", "cancelled", 2000)]
    assert rows("select count(*) from bookings where status in ('held', 'confirmed')") == [(0,)]
    assert rows("select amount_minor from refunds") == [(2000,)]
    assert rows("select service_key from waitlist_entries") == [("haircut",)]
    assert rows("select lang, lang_source from customers") == [(script.lang, "detected")]
