"""Names and addresses for the demo, drawn from Faker's French pools once, then reused
(drawing a million names through Faker itself would dominate the generation time)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from backoffice.demo.data import ADDRESS_EXTRAS, STREET_KINDS, STREET_NAMES, TOWNS
from backoffice.demo.draw import between, pick
from backoffice.text import fold

PHONE_PREFIXES = ("03 89", "03 88", "06", "07", "03 29")


@dataclass(frozen=True)
class NamePools:
    female_first: list[str]
    male_first: list[str]
    last: list[str]

    @classmethod
    def build(cls, seed: int) -> NamePools:
        faker = Faker("fr_FR")
        faker.seed_instance(seed)
        return cls(
            female_first=sorted({faker.first_name_female() for _ in range(600)}),
            male_first=sorted({faker.first_name_male() for _ in range(600)}),
            last=sorted({faker.last_name() for _ in range(1500)}),
        )


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str | None
    postcode: str
    city: str


def address(rng: random.Random) -> Address:
    postcode, city = pick(rng, TOWNS)
    line1 = f"{between(rng, 1, 180)} {pick(rng, STREET_KINDS)} {pick(rng, STREET_NAMES)}"
    return Address(line1, pick(rng, ADDRESS_EXTRAS) or None, postcode, city)


def phone(rng: random.Random) -> str:
    prefix = pick(rng, PHONE_PREFIXES)
    digits = 8 if len(prefix) == 2 else 6
    number = f"{between(rng, 0, 10**digits - 1):0{digits}d}"
    return prefix + " " + " ".join(number[i : i + 2] for i in range(0, digits, 2))


def email_for(name: str, domain_hint: str) -> str:
    """``prenom.nom@entreprise.fr``: the name folded, spaces as dots, only letters, digits
    and dots kept (a regular expression, not a Python step per character: the demo makes
    some three addresses a member); the domain once per company."""
    local = _NOT_LOCAL.sub("", fold(name).replace(" ", "."))
    return f"{local.strip('.')}@{_domain(domain_hint)}.fr"


_NOT_LOCAL = re.compile(r"[^\w.]|_")  # \w: what str.isalnum() keeps, and the underscore
_NOT_DOMAIN = re.compile(r"\W|_")


@lru_cache(maxsize=4096)
def _domain(hint: str) -> str:
    return _NOT_DOMAIN.sub("", fold(hint))[:20] or "entreprise"
