"""The sql track's dataset: a small shop (customers, products, orders, order items), built from a seed.

The same seed always gives the same rows, so a learner can rebuild the data a check ran on:

    python -m harness.validators.sql.dataset --seed 2026 > shop.sql && psql -d shop -f shop.sql

Every check run uses a seed of its own, so an answer copied from the README's sample (built
from SAMPLE_SEED) fails. Whatever a task's classic mistake needs to show is made certain
here, not left to chance: a tie across the 10th price, a Garden product at exactly 25.00,
orders late on the last day of a month, customers without orders, items whose product was
removed (a NULL that breaks NOT IN), customers with no city and an empty (not NULL) email.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from .staff import build_staff

SAMPLE_SEED = 2026
CUSTOMERS = 1200
PRODUCTS = 150
ORDERS = 6000

COUNTRIES: dict[str, tuple[str, ...]] = {
    "NO": ("Oslo", "Bergen", "Trondheim", "Tromsø"),
    "SE": ("Stockholm", "Göteborg", "Malmö"),
    "DK": ("København", "Aarhus", "Odense"),
    "DE": ("Berlin", "Hamburg", "München", "Köln"),
    "FR": ("Paris", "Lyon", "Marseille"),
    "GB": ("London", "Leeds", "Bristol"),
}
FIRST = ("Anna", "Ola", "Kari", "Per", "Ingrid", "Lars", "Sofie", "Jonas", "Emma", "Noah", "Maja", "Liam",
         "Clara", "Hugo", "Léa", "Louis", "Mia", "Ben", "Amelia", "Oliver")
LAST = ("Hansen", "Johansen", "Olsen", "Larsen", "Andersson", "Nielsen", "Müller", "Schmidt", "Martin",
        "Bernard", "Smith", "Jones", "Berg", "Dahl", "Lund")
# Category -> price range in whole currency units: the categories' averages differ on purpose.
CATEGORIES: dict[str, tuple[int, int]] = {
    "Books": (5, 45), "Garden": (8, 120), "Kitchen": (6, 160), "Toys": (4, 80),
    "Electronics": (30, 900), "Sports": (10, 300),
}
ADJECTIVES = ("Small", "Large", "Classic", "Eco", "Deluxe", "Compact", "Smart", "Vintage", "Pro", "Family")
NOUNS = {
    "Books": ("Cookbook", "Atlas", "Novel", "Guide", "Diary"),
    "Garden": ("Rake", "Planter", "Hose", "Shears", "Bench"),
    "Kitchen": ("Kettle", "Pan", "Knife", "Grinder", "Teapot"),
    "Toys": ("Puzzle", "Robot", "Kite", "Train", "Doll"),
    "Electronics": ("Speaker", "Camera", "Tablet", "Headset", "Monitor"),
    "Sports": ("Racket", "Ball", "Helmet", "Tent", "Skis"),
}
STATUSES = ("paid", "shipped", "shipped", "shipped", "cancelled")

SCHEMA = """\
CREATE TABLE customers (
  id         integer PRIMARY KEY,
  name       text NOT NULL,
  email      text,
  city       text,
  country    char(2) NOT NULL,
  signed_up  date NOT NULL
);
CREATE TABLE products (
  id            integer PRIMARY KEY,
  name          text NOT NULL,
  category      text NOT NULL,
  price         numeric(10,2) NOT NULL,
  discontinued  boolean NOT NULL
);
CREATE TABLE orders (
  id           integer PRIMARY KEY,
  customer_id  integer NOT NULL REFERENCES customers,
  ordered_at   timestamptz NOT NULL,
  status       text NOT NULL,
  coupon       text
);
CREATE TABLE order_items (
  order_id    integer NOT NULL REFERENCES orders,
  product_id  integer REFERENCES products,
  quantity    integer NOT NULL,
  unit_price  numeric(10,2) NOT NULL
);
CREATE TABLE employees (
  id        integer PRIMARY KEY,
  name      text NOT NULL,
  title     text NOT NULL,
  hired_on  date NOT NULL,
  salary    integer NOT NULL
);
CREATE TABLE reports_to (
  employee_id  integer NOT NULL REFERENCES employees,
  manager_id   integer NOT NULL REFERENCES employees,
  PRIMARY KEY (employee_id, manager_id)
);
"""
TABLES: dict[str, tuple[str, ...]] = {
    "customers": ("id", "name", "email", "city", "country", "signed_up"),
    "products": ("id", "name", "category", "price", "discontinued"),
    "orders": ("id", "customer_id", "ordered_at", "status", "coupon"),
    "order_items": ("order_id", "product_id", "quantity", "unit_price"),
    "employees": ("id", "name", "title", "hired_on", "salary"),
    "reports_to": ("employee_id", "manager_id"),
}

Row = tuple[object, ...]


@dataclass(frozen=True)
class Dataset:
    seed: int
    tables: dict[str, list[Row]]


def _id(row: Row) -> int:
    return int(str(row[0]))


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    # Shop prices end in .00, .50 or .99 and come from a coarse grid: many ties, as in a real shop.
    whole = rng.randrange(low, high + 1)
    return Decimal(f"{whole}.{rng.choice(('00', '50', '99'))}")


def _customers(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    countries = list(COUNTRIES)
    for cid in range(1, CUSTOMERS + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)  # names repeat: never a key
        country = rng.choice(countries)
        roll = rng.random()
        email: str | None = None if roll < 0.08 else "" if roll < 0.11 else f"{first}.{last}{cid}@example.com".lower()
        city = None if rng.random() < 0.06 else rng.choice(COUNTRIES[country])
        signed_up = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 365 * 4 + 180))
        rows.append((cid, f"{first} {last}", email, city, country, signed_up))
    # No city with an empty (not NULL) email, and no city with no email: COALESCE keeps '' and
    # replaces NULL; NULLIF(email, '') or a missing COALESCE shows.
    for email in ("", None):
        chosen = rows[rng.randrange(len(rows))]
        rows[_id(chosen) - 1] = (chosen[0], chosen[1], email, None, chosen[4], chosen[5])
    return rows


def _products(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    categories = list(CATEGORIES)
    for pid in range(1, PRODUCTS + 1):
        category = categories[(pid - 1) % len(categories)] if pid <= len(categories) else rng.choice(categories)
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS[category])}"
        rows.append((pid, name, category, _price(rng, *CATEGORIES[category]), rng.random() < 0.1))
    by_price = sorted(rows, key=lambda r: (r[3], r[0]), reverse=True)
    # A tie across the 10th place: LIMIT 10 drops a product FETCH FIRST 10 ROWS WITH TIES keeps.
    tenth, eleventh = by_price[9], by_price[10]
    rows[_id(eleventh) - 1] = (*eleventh[:3], tenth[3], eleventh[4])
    taken = {_id(r) for r in by_price[:11]}  # what the next changes must leave alone
    # A tie for the most expensive product of one category: DISTINCT ON keeps only one of them.
    category = rng.choice([c for c in categories[:4] if not any(r[2] == c and _id(r) in taken for r in rows)])
    own = sorted((r for r in rows if r[2] == category), key=lambda r: (r[3], r[0]), reverse=True)
    rows[_id(own[1]) - 1] = (*own[1][:3], own[0][3], own[1][4])
    taken |= {_id(own[0]), _id(own[1])}
    # A Garden product still sold at exactly 25.00: `price > 25` misses it.
    garden = [r for r in rows if r[2] == "Garden" and _id(r) not in taken]
    pick = garden[rng.randrange(len(garden))]
    rows[_id(pick) - 1] = (pick[0], pick[1], "Garden", Decimal("25.00"), False)
    return rows


def _moment(rng: random.Random) -> datetime:
    start = datetime(2022, 1, 1, tzinfo=UTC)
    return start + timedelta(seconds=rng.randrange(0, 4 * 365 * 86400))


def _orders(rng: random.Random, customers: Sequence[Row]) -> list[Row]:
    ids = [_id(c) for c in customers]
    # About one customer in seven never orders; one Norwegian among them for certain.
    norwegian = [i for i, c in zip(ids, customers, strict=True) if c[4] == "NO"]
    silent = set(rng.sample(ids, len(ids) // 7)) | {rng.choice(norwegian)}
    buyers = [i for i in ids if i not in silent]
    moments = [_moment(rng) for _ in range(ORDERS)]
    # The edges of March 2024 in UTC: late on the 31st (BETWEEN ... '2024-03-31' misses it) and
    # exactly midnight on April 1st (an inclusive upper bound takes it).
    edges = [datetime(2024, 3, 31, 18, 45, tzinfo=UTC), datetime(2024, 3, 31, 23, 59, 59, tzinfo=UTC),
             datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)]
    moments[:len(edges)] = edges
    moments.sort()
    rows: list[Row] = []
    for oid, moment in enumerate(moments, start=1):
        coupon = rng.choice(("SPRING10", "WELCOME", "VIP")) if rng.random() < 0.12 else None
        rows.append((oid, rng.choice(buyers), moment, rng.choice(STATUSES), coupon))
    return rows


def _items(rng: random.Random, orders: Sequence[Row], products: Sequence[Row]) -> list[Row]:
    unsold = set(rng.sample(range(1, PRODUCTS + 1), 9))  # products nobody ordered
    sold = [p for p in products if p[0] not in unsold]
    rows: list[Row] = []
    for order in orders:
        for product in rng.sample(sold, rng.randint(1, 4)):
            price = Decimal(str(product[3]))
            if rng.random() < 0.15:  # a discount: the item's price is not always the product's
                price = (price * Decimal("0.9")).quantize(Decimal("0.01"))
            rows.append((order[0], product[0], rng.randint(1, 5), price))
    # Items whose product was removed from the catalogue: product_id is NULL.
    for index in rng.sample(range(len(rows)), 12):
        rows[index] = (rows[index][0], None, *rows[index][2:])
    return rows


def build(seed: int) -> Dataset:
    rng = random.Random(seed)
    customers = _customers(rng)
    products = _products(rng)
    orders = _orders(rng, customers)
    items = _items(rng, orders, products)
    employees, reports_to = build_staff(seed)  # a generator of its own: the shop's rows stay as they were
    return Dataset(seed, {"customers": customers, "products": products, "orders": orders, "order_items": items,
                          "employees": employees, "reports_to": reports_to})


def _text(value: object) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def dump(dataset: Dataset) -> Iterator[str]:
    """The whole dataset as a psql script: the schema, then one COPY per table."""
    yield f"-- the sql track's shop dataset, seed {dataset.seed}\n"
    yield "SET client_encoding = 'UTF8';\n"
    yield SCHEMA
    for table, columns in TABLES.items():
        yield f"COPY {table} ({', '.join(columns)}) FROM stdin;\n"
        for row in dataset.tables[table]:
            yield "\t".join(_text(v) for v in row) + "\n"
        yield "\\.\n"
    yield "ANALYZE;\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the sql track's dataset for a seed as a psql script.")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED,
                        help=f"the seed a check run printed (default: the README's sample, {SAMPLE_SEED})")
    args = parser.parse_args(argv)
    for chunk in dump(build(args.seed)):
        sys.stdout.write(chunk)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
