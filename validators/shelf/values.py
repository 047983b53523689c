"""Values a real domain model accepts, for the data the checks send as valid.

A careful learner validates what a client sends: an ISBN with its check digit, an e-mail
address a validator library accepts, a year a book can have. The checks' valid data must
pass such validation as well as the Shelf contract, or a correct project fails for being
careful. Invalid data is sent only by the checks that mean to send it.

Every value here stays inside labs/shelf/openapi.yaml: ISBNs are 13 digits (1-40
characters allowed), titles and names short, years within -3000..3000, tags 1-40
characters.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable

# RFC 2606 reserves example.com for documentation and tests: no mail is ever delivered, and
# validators (pydantic's EmailStr / email-validator, validator.js isEmail, Hibernate
# @Email) accept it, where they reject special-use names such as .test or .local.
RESERVED_DOMAIN = "example.com"

FIRST_NAMES = ("Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Niklaus",
               "Margaret", "Dennis", "Radia", "Tony", "Katherine", "Leslie", "Hedy", "Ken")
LAST_NAMES = ("Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Wirth",
              "Hamilton", "Ritchie", "Perlman", "Hoare", "Johnson", "Lamport", "Lamarr", "Thompson")
TITLE_ADJECTIVES = ("Quiet", "Distant", "Silver", "Hidden", "Northern", "Last", "Golden", "Winter",
                    "Burning", "Patient", "Empty", "Restless")
TITLE_NOUNS = ("Harbor", "Garden", "Orchard", "Lighthouse", "River", "Archive", "Mountain", "Library",
               "Station", "Island", "Bridge", "Meadow")
# Tags are single lower-case words, as a catalogue's subjects are.
TAGS = ("fiction", "history", "poetry", "science", "travel", "mystery", "biography", "classics")

# Years a book in a library plausibly has: not before printing spread, not in the future.
YEAR_LOW, YEAR_HIGH = 1900, 2024

Unique = Callable[[str], str]


def isbn13_check_digit(first_twelve: str) -> str:
    """The ISBN-13 check digit: weights 1, 3, 1, 3 ... and the sum completed to a multiple of 10."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def is_isbn13(value: str) -> bool:
    return len(value) == 13 and value.isdigit() and isbn13_check_digit(value[:12]) == value[12]


def isbn13(unique: Unique) -> str:
    """A valid ISBN-13 (978 prefix, correct check digit) no other value of this run has.

    `unique` is CheckContext.unique: its tokens end in a counter that never repeats within
    a run. The nine free digits are that counter added to an offset derived from the rest of
    the token (the run id), so the ISBNs of one run are consecutive numbers and never
    collide with each other, and two runs sharing a database start far apart.
    """
    token = unique("isbn")
    stem, _, count = token.rpartition("-")
    if not count.isdigit():  # a token without a counter: its hash alone
        stem, count = token, "0"
    offset = int.from_bytes(hashlib.sha256(stem.encode()).digest()[:8], "big")
    first_twelve = "978" + f"{(offset + int(count)) % 10**9:09d}"
    return first_twelve + isbn13_check_digit(first_twelve)


def email(unique: Unique, prefix: str = "reader") -> str:
    """A unique address on the reserved domain: reader-r1a2b3c4d-7@example.com (lower case)."""
    return f"{unique(prefix).lower()}@{RESERVED_DOMAIN}"


def person_name(rng: random.Random) -> str:
    """A name that looks like a person's (letters and one space): 'Grace Hopper'."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def title(rng: random.Random) -> str:
    """A title that looks like a book's: 'The Quiet Harbor'."""
    return f"The {rng.choice(TITLE_ADJECTIVES)} {rng.choice(TITLE_NOUNS)}"


def year(rng: random.Random) -> int:
    return rng.randint(YEAR_LOW, YEAR_HIGH)


def tag(rng: random.Random) -> str:
    return rng.choice(TAGS)


def word(unique: Unique, prefix: str) -> str:
    """A unique tag or search word of letters and digits only: 'flt' + run + counter."""
    return "".join(ch for ch in unique(prefix).lower() if ch.isalnum())
