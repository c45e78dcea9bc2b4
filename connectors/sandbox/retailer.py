"""The demo retailer every sandbox is seeded from.

One coherent, deterministic company — "Nordlicht Outfitters", a German-Austrian outdoor and
apparel retailer — seen from each of its systems: the web shop and store tills run on
Shopify (stores are Shopify POS locations), the B2B site and the warehouses on SAP Commerce
Cloud, the outlet, one more warehouse and the price list on the ERP (Odoo), the customer
relationship and loyalty on the CRM (Salesforce). SKUs are the same everywhere; many
customers live in several systems, with the small differences real data has (case and
spaces in an email, a name typed twice, a duplicate record, an unverified address). The
ERP and the CRM also store the retailer's own customer number (``RetailerCustomer.number``).

Sandboxes turn these neutral records into their vendor's shapes. Nothing here knows a
vendor's API.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

__all__ = [
    "Retailer",
    "RetailerCustomer",
    "RetailerLocation",
    "RetailerOrder",
    "RetailerOrderLine",
    "RetailerProduct",
    "RetailerVariant",
    "StockRecord",
    "demo_retailer",
]

SHOPIFY = "shopify"
SAP = "sap_commerce"
ODOO = "odoo"
SALESFORCE = "salesforce"


@dataclass(frozen=True, slots=True)
class RetailerVariant:
    sku: str
    title: str
    options: tuple[tuple[str, str], ...]
    price: Decimal
    compare_at_price: Decimal | None
    barcode: str


@dataclass(frozen=True, slots=True)
class RetailerProduct:
    code: str
    handle: str
    title: str
    description: str
    brand: str
    category: str
    image_urls: tuple[str, ...]
    variants: tuple[RetailerVariant, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RetailerLocation:
    code: str
    name: str
    kind: str  # STORE | WAREHOUSE | DISTRIBUTION_CENTER
    system: str
    line1: str
    city: str
    postal_code: str
    country_code: str
    latitude: float
    longitude: float
    pickup: bool
    ships: bool
    #: The code of the same physical place in another system, when two systems know it.
    same_as: str | None = None


@dataclass(frozen=True, slots=True)
class StockRecord:
    sku: str
    location_code: str
    on_hand: int
    reserved: int
    incoming: int
    updated_at: datetime

    @property
    def available(self) -> int:
        return max(0, self.on_hand - self.reserved)


@dataclass(frozen=True, slots=True)
class RetailerCustomer:
    key: str
    email: str
    first_name: str
    last_name: str
    phone: str
    line1: str
    city: str
    postal_code: str
    country_code: str
    accepts_marketing: bool
    created_at: datetime
    systems: tuple[str, ...]
    #: Per-system differences: ``{"sap_commerce": {"first_name": "Maximilian"}}``. The key
    #: ``email_verified`` (``"false"``) marks an address the system has not confirmed.
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Loyalty as the CRM holds it.
    loyalty_points: int | None = None
    loyalty_tier: str | None = None
    #: Systems that hold this person twice (a duplicate record with the same email).
    duplicated_in: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        """The retailer's own customer number, which the ERP and the CRM both store."""
        return f"K-{int(self.key[1:]):06d}"

    def email_verified_in(self, system: str) -> bool:
        return self.overrides.get(system, {}).get("email_verified", "true") != "false"

    def seen_by(self, system: str) -> dict[str, str]:
        """The customer's fields as ``system`` holds them."""
        base = {
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "phone": self.phone,
        }
        base.update(
            (k, v) for k, v in self.overrides.get(system, {}).items() if k != "email_verified"
        )
        return base


@dataclass(frozen=True, slots=True)
class RetailerOrderLine:
    sku: str
    title: str
    quantity: int
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class RetailerOrder:
    number: str
    system: str
    channel: str  # WEB | POS | B2B | CALL_CENTER
    status: str  # OPEN | FULFILLED | CANCELLED
    customer_key: str
    created_at: datetime
    lines: tuple[RetailerOrderLine, ...]
    shipping: Decimal

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0"))

    @property
    def tax(self) -> Decimal:
        # German VAT is included in shelf prices: 19/119 of the gross.
        return (self.subtotal * Decimal(19) / Decimal(119)).quantize(Decimal("0.01"))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping


@dataclass(frozen=True, slots=True)
class Retailer:
    name: str
    currency: str
    products: tuple[RetailerProduct, ...]
    locations: tuple[RetailerLocation, ...]
    stock: tuple[StockRecord, ...]
    customers: tuple[RetailerCustomer, ...]
    orders: tuple[RetailerOrder, ...]
    #: The ERP's selling price per SKU, where it differs from or stands in for the
    #: catalog's; SKUs the ERP does not price are absent.
    erp_prices: dict[str, Decimal] = field(default_factory=dict)

    def locations_in(self, system: str) -> list[RetailerLocation]:
        return [location for location in self.locations if location.system == system]

    def stock_in(self, system: str) -> list[StockRecord]:
        codes = {location.code for location in self.locations_in(system)}
        return [record for record in self.stock if record.location_code in codes]

    def customers_in(self, system: str) -> list[RetailerCustomer]:
        return [customer for customer in self.customers if system in customer.systems]

    def orders_in(self, system: str) -> list[RetailerOrder]:
        return [order for order in self.orders if order.system == system]

    def customer(self, key: str) -> RetailerCustomer:
        return next(customer for customer in self.customers if customer.key == key)

    def variant(self, sku: str) -> tuple[RetailerProduct, RetailerVariant]:
        for product in self.products:
            for variant in product.variants:
                if variant.sku == sku:
                    return product, variant
        raise KeyError(sku)


_EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

_LINES = [
    # category, noun, brand, base price, option kind
    ("T-Shirts", "Tee", "Nordlicht", "24.90", "apparel"),
    ("Hoodies", "Hoodie", "Nordlicht", "69.90", "apparel"),
    ("Jackets", "Rain Jacket", "Fjellstorm", "149.00", "apparel"),
    ("Jackets", "Down Jacket", "Fjellstorm", "229.00", "apparel"),
    ("Trousers", "Hiking Trousers", "Fjellstorm", "89.90", "apparel"),
    ("Footwear", "Trail Runner", "Bergwerk", "129.00", "shoes"),
    ("Footwear", "Hiking Boot", "Bergwerk", "179.00", "shoes"),
    ("Accessories", "Beanie", "Nordlicht", "19.90", "colour"),
    ("Accessories", "Merino Socks", "Nordlicht", "16.90", "socks"),
    ("Bags", "Daypack 22L", "Packesel", "79.00", "colour"),
    ("Bags", "Duffel 60L", "Packesel", "119.00", "colour"),
    ("Camping", "Enamel Mug", "Lagerfeuer", "14.90", "colour"),
]
_ADJECTIVES = ["Alpine", "Coastal", "Harbour", "Forest", "Glacier"]
_COLOURS = [("BLK", "Black"), ("NVY", "Navy"), ("OLV", "Olive"), ("RST", "Rust"), ("GRY", "Grey")]

_LOCATIONS = [
    (
        "berlin-mitte",
        "Nordlicht Berlin Mitte",
        "STORE",
        SHOPIFY,
        "Rosenthaler Straße 40",
        "Berlin",
        "10178",
        "DE",
        52.5265,
        13.4020,
        True,
        False,
    ),
    (
        "hamburg-altona",
        "Nordlicht Hamburg Altona",
        "STORE",
        SHOPIFY,
        "Ottenser Hauptstraße 10",
        "Hamburg",
        "22765",
        "DE",
        53.5527,
        9.9300,
        True,
        False,
    ),
    (
        "muenchen-maxvorstadt",
        "Nordlicht München Maxvorstadt",
        "STORE",
        SHOPIFY,
        "Theresienstraße 66",
        "München",
        "80333",
        "DE",
        48.1510,
        11.5680,
        True,
        False,
    ),
    (
        "koeln-ehrenfeld",
        "Nordlicht Köln Ehrenfeld",
        "STORE",
        SHOPIFY,
        "Venloer Straße 300",
        "Köln",
        "50823",
        "DE",
        50.9480,
        6.9200,
        True,
        False,
    ),
    (
        "frankfurt-sachsenhausen",
        "Nordlicht Frankfurt Sachsenhausen",
        "STORE",
        SHOPIFY,
        "Schweizer Straße 20",
        "Frankfurt am Main",
        "60594",
        "DE",
        50.1000,
        8.6800,
        False,
        False,
    ),
    (
        "wien-neubau",
        "Nordlicht Wien Neubau",
        "STORE",
        SHOPIFY,
        "Neubaugasse 25",
        "Wien",
        "1070",
        "AT",
        48.2010,
        16.3490,
        True,
        False,
    ),
    (
        "wh-leipzig",
        "Lager Leipzig",
        "WAREHOUSE",
        SAP,
        "Radefelder Allee 5",
        "Leipzig",
        "04159",
        "DE",
        51.4200,
        12.2300,
        False,
        True,
    ),
    (
        "wh-dortmund",
        "Lager Dortmund",
        "WAREHOUSE",
        SAP,
        "Hafenstraße 12",
        "Dortmund",
        "44147",
        "DE",
        51.5300,
        7.4400,
        False,
        True,
    ),
    (
        "dc-kassel",
        "Zentrallager Kassel",
        "DISTRIBUTION_CENTER",
        SAP,
        "Am Logistikpark 1",
        "Kassel",
        "34123",
        "DE",
        51.2800,
        9.5200,
        False,
        True,
    ),
]

_FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Katrin",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Quirin",
    "Rosa",
    "Stefan",
    "Tara",
    "Ulrich",
    "Vera",
    "Wim",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Jürgen",
    "Sören",
    "Maximilian",
    "Lena",
]
_LAST = [
    "Becker",
    "Schulz",
    "Wagner",
    "Hoffmann",
    "Yilmaz",
    "Krüger",
    "Lange",
    "Brandt",
    "Vogel",
    "Keller",
    "Berger",
    "Winter",
    "Fuchs",
    "Roth",
    "Pohl",
    "Jäger",
    "Seidel",
    "Graf",
    "Huber",
    "Lindner",
]
_CITIES = [
    ("Berlin", "10115", "DE"),
    ("Hamburg", "20095", "DE"),
    ("München", "80331", "DE"),
    ("Köln", "50667", "DE"),
    ("Wien", "1010", "AT"),
    ("Leipzig", "04109", "DE"),
]


def _variants(
    code: str, kind: str, price: Decimal, rng: random.Random
) -> tuple[RetailerVariant, ...]:
    colours = rng.sample(_COLOURS, 2)
    options: list[tuple[tuple[str, str], ...]]
    if kind == "apparel":
        axes = [(c, s) for c in colours[:1] for s in ("S", "M", "L", "XL")]
        options = [(("Colour", c[1]), ("Size", s)) for c, s in axes]
        suffixes = [f"{c[0]}-{s}" for c, s in axes]
    elif kind == "shoes":
        sizes = ["40", "42", "44"]
        options = [(("Colour", colours[0][1]), ("Size", s)) for s in sizes]
        suffixes = [f"{colours[0][0]}-{s}" for s in sizes]
    elif kind == "socks":
        sizes = ["35-38", "39-42", "43-46"]
        options = [(("Size", s),) for s in sizes]
        suffixes = [s.replace("-", "") for s in sizes]
    else:
        options = [(("Colour", c[1]),) for c in colours]
        suffixes = [c[0] for c in colours]
    on_sale = rng.random() < 0.25
    variants = []
    for index, (opts, suffix) in enumerate(zip(options, suffixes, strict=True)):
        sku = f"{code}-{suffix}"
        title = " / ".join(value for _, value in opts)
        compare_at = (price * Decimal("1.2")).quantize(Decimal("0.10")) if on_sale else None
        barcode = f"40{int(code[3:]):05d}{index:04d}{len(sku) % 10}"
        variants.append(RetailerVariant(sku, title, opts, price, compare_at, barcode))
    return tuple(variants)


def _products(rng: random.Random) -> tuple[RetailerProduct, ...]:
    products = []
    number = 1001
    for adjective in _ADJECTIVES:
        for category, noun, brand, base, kind in _LINES:
            code = f"NL-{number}"
            title = f"{adjective} {noun}"
            handle = title.lower().replace(" ", "-")
            price = Decimal(base)
            created = _EPOCH + timedelta(days=number - 1001, hours=rng.randint(0, 8))
            products.append(
                RetailerProduct(
                    code=code,
                    handle=handle,
                    title=title,
                    description=f"The {title.lower()} from {brand}: made for {adjective.lower()} days outdoors.",
                    brand=brand,
                    category=category,
                    image_urls=(f"https://cdn.nordlicht.example/products/{handle}.jpg",),
                    variants=_variants(code, kind, price, rng),
                    created_at=created,
                    updated_at=created + timedelta(days=30),
                )
            )
            number += 1
    return tuple(products)


def _stock(products: tuple[RetailerProduct, ...], rng: random.Random) -> tuple[StockRecord, ...]:
    records = []
    for product in products:
        for variant in product.variants:
            for spec in _LOCATIONS:
                code, kind = spec[0], spec[2]
                if kind == "STORE":
                    if rng.random() < 0.15:
                        continue  # not ranged in this store
                    on_hand = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12])
                    incoming = rng.choice([0, 0, 0, 5])
                else:
                    on_hand = rng.randint(0, 240)
                    incoming = rng.choice([0, 0, 50, 100])
                reserved = min(on_hand, rng.choice([0, 0, 0, 1, 2]))
                updated = _EPOCH + timedelta(days=300, minutes=rng.randint(0, 60 * 24 * 20))
                records.append(StockRecord(variant.sku, code, on_hand, reserved, incoming, updated))
    return tuple(records)


def _customers(rng: random.Random) -> tuple[RetailerCustomer, ...]:
    customers = []
    for index in range(40):
        first = _FIRST[index % len(_FIRST)]
        last = _LAST[(index * 7) % len(_LAST)]
        city, postal, country = _CITIES[index % len(_CITIES)]
        if index < 22:
            systems: tuple[str, ...] = (SHOPIFY,)
        elif index < 34:
            systems = (SHOPIFY, SAP)
        else:
            systems = (SAP,)
        email = (
            f"{first}.{last}@example.com".lower()
            .replace("ü", "ue")
            .replace("ä", "ae")
            .replace("ö", "oe")
        )
        overrides: dict[str, dict[str, str]] = {}
        if systems == (SHOPIFY, SAP):
            # The same person, typed in twice by different people.
            if index % 3 == 0:
                overrides[SAP] = {"phone": f"+49 30 {5550000 + index}"}
            if index % 4 == 0:
                overrides[SAP] = {**overrides.get(SAP, {}), "first_name": first.upper()}
        customers.append(
            RetailerCustomer(
                key=f"c{index + 1:03d}",
                email=email,
                first_name=first,
                last_name=last,
                phone=f"+49 151 {20000000 + index * 7919}",
                line1=f"{rng.choice(['Hauptstraße', 'Lindenallee', 'Gartenweg', 'Am Markt'])} {rng.randint(1, 120)}",
                city=city,
                postal_code=postal,
                country_code=country,
                accepts_marketing=rng.random() < 0.6,
                created_at=_EPOCH - timedelta(days=rng.randint(30, 900)),
                systems=systems,
                overrides=overrides,
            )
        )
    return tuple(customers)


def _orders(
    products: tuple[RetailerProduct, ...],
    customers: tuple[RetailerCustomer, ...],
    rng: random.Random,
) -> tuple[RetailerOrder, ...]:
    orders = []
    shopify_number = 1001
    sap_number = 4711
    for customer in customers:
        for system in customer.systems:
            count = rng.randint(1, 4) if system == SHOPIFY else rng.randint(1, 3)
            for _ in range(count):
                picks = rng.sample(products, rng.randint(1, 3))
                lines = []
                for product in picks:
                    variant = rng.choice(product.variants)
                    quantity = rng.randint(1, 2) if system == SHOPIFY else rng.randint(5, 40)
                    lines.append(
                        RetailerOrderLine(
                            variant.sku,
                            f"{product.title} - {variant.title}",
                            quantity,
                            variant.price,
                        )
                    )
                created = _EPOCH + timedelta(days=rng.randint(0, 320), minutes=rng.randint(0, 1439))
                status = rng.choice(["FULFILLED", "FULFILLED", "FULFILLED", "OPEN", "CANCELLED"])
                if system == SHOPIFY:
                    channel = rng.choice(["WEB", "WEB", "WEB", "POS"])
                    number = f"#{shopify_number}"
                    shopify_number += 1
                    shipping = Decimal("0.00") if channel == "POS" else Decimal("4.95")
                else:
                    channel = rng.choice(["B2B", "B2B", "CALL_CENTER"])
                    number = f"{sap_number:08d}"
                    sap_number += 1
                    shipping = Decimal("19.00")
                orders.append(
                    RetailerOrder(
                        number,
                        system,
                        channel,
                        status,
                        customer.key,
                        created,
                        tuple(lines),
                        shipping,
                    )
                )
    return tuple(sorted(orders, key=lambda order: order.created_at))


_ODOO_LOCATIONS = [
    # The Austrian subsidiary and the outlet run Odoo: its own warehouse and outlet store,
    # and Dortmund, which SAP knows too (the same building, counted by both systems).
    (
        "odoo-wh-nuernberg",
        "Lager Nürnberg",
        "WAREHOUSE",
        ODOO,
        "Hafenstraße 3",
        "Nürnberg",
        "90451",
        "DE",
        49.4100,
        11.0400,
        False,
        True,
        None,
    ),
    (
        "odoo-outlet-nuernberg",
        "Nordlicht Outlet Nürnberg",
        "STORE",
        ODOO,
        "Breite Gasse 60",
        "Nürnberg",
        "90402",
        "DE",
        49.4500,
        11.0700,
        True,
        False,
        None,
    ),
    (
        "odoo-wh-dortmund",
        "Lager Dortmund (Odoo)",
        "WAREHOUSE",
        ODOO,
        "Hafenstraße 12",
        "Dortmund",
        "44147",
        "DE",
        51.5300,
        7.4400,
        False,
        True,
        "wh-dortmund",
    ),
]
_TIERS = ["Bronze", "Silver", "Gold", "Platinum"]


def _back_office(base: Retailer, rng: random.Random) -> Retailer:
    """The ERP (Odoo) and the CRM (Salesforce) seen beside the shop and the B2B site.

    Drawn from its own random stream, so adding it changed none of the Shopify or SAP data.
    """
    locations = tuple(RetailerLocation(*spec) for spec in _ODOO_LOCATIONS)
    skus = [variant.sku for product in base.products for variant in product.variants]
    stock = []
    for sku in skus:
        for location in locations:
            if location.kind == "STORE" and rng.random() < 0.3:
                continue
            on_hand = rng.randint(0, 12) if location.kind == "STORE" else rng.randint(0, 180)
            reserved = min(on_hand, rng.choice([0, 0, 1, 3]))
            updated = _EPOCH + timedelta(days=300, minutes=rng.randint(0, 60 * 24 * 20))
            stock.append(
                StockRecord(sku, location.code, on_hand, reserved, rng.choice([0, 0, 20]), updated)
            )

    # The ERP prices most SKUs like the catalog, a few differently (a price change that has
    # not reached the shop yet), and leaves the newest products unpriced.
    erp_prices: dict[str, Decimal] = {}
    for product in base.products:
        if product.code >= "NL-1055":
            continue
        for variant in product.variants:
            delta = rng.choice([Decimal(0)] * 8 + [Decimal("-2.00"), Decimal("5.00")])
            erp_prices[variant.sku] = variant.price + delta

    customers = []
    for index, customer in enumerate(base.customers):
        extra: list[str] = []
        overrides = {system: dict(values) for system, values in customer.overrides.items()}
        if SAP in customer.systems or rng.random() < 0.6:
            extra.append(SALESFORCE)
        if index % 3 == 1 or (SAP in customer.systems and index % 2 == 0):
            extra.append(ODOO)
        duplicated: tuple[str, ...] = ()
        points = tier = None
        if SALESFORCE in extra:
            points = rng.randint(0, 12000)
            tier = _TIERS[min(3, points // 3000)]
        if ODOO in extra and index % 5 == 1:
            # Typed at a till: odd case and stray spaces around the same address.
            overrides[ODOO] = {**overrides.get(ODOO, {}), "email": f"  {customer.email.title()} "}
        customers.append(
            replace(
                customer,
                systems=(*customer.systems, *extra),
                overrides=overrides,
                loyalty_points=points,
                loyalty_tier=tier,
                duplicated_in=duplicated,
            )
        )

    def adjust(key: str, **changes: object) -> None:
        i = next(i for i, c in enumerate(customers) if c.key == key)
        customers[i] = replace(customers[i], **changes)  # type: ignore[arg-type]

    # One person in all four systems, typed differently in each.
    four = customers[24]
    adjust(
        four.key,
        systems=(SHOPIFY, SAP, SALESFORCE, ODOO),
        overrides={
            SAP: {"first_name": four.first_name.upper(), "phone": "+49 30 5550024"},
            ODOO: {"first_name": f"{four.first_name} K.", "phone": "+49 911 4711"},
            SALESFORCE: {"last_name": f"{four.last_name}-Kaya", "phone": "+49 151 99988877"},
        },
        loyalty_points=8450,
        loyalty_tier="Gold",
    )
    # Ambiguous: the CRM holds this person twice; the shop has not verified this one.
    adjust(
        customers[9].key,
        systems=(SHOPIFY, SALESFORCE),
        duplicated_in=(SALESFORCE,),
        loyalty_points=300,
        loyalty_tier="Bronze",
    )
    adjust(customers[4].key, overrides={SHOPIFY: {"email_verified": "false"}})

    # The ERP's orders: outlet tills (POS) and B2B, for customers it knows.
    orders = list(base.orders)
    number = 1
    for customer in customers:
        if ODOO not in customer.systems:
            continue
        for _ in range(rng.randint(1, 3)):
            picks = rng.sample(base.products, rng.randint(1, 2))
            channel = rng.choice(["POS", "POS", "B2B"])
            lines = tuple(
                RetailerOrderLine(
                    v.sku,
                    f"{p.title} - {v.title}",
                    rng.randint(1, 2) if channel == "POS" else rng.randint(10, 30),
                    v.price,
                )
                for p in picks
                for v in [rng.choice(p.variants)]
            )
            created = _EPOCH + timedelta(days=rng.randint(0, 320), minutes=rng.randint(0, 1439))
            status = rng.choice(["FULFILLED", "FULFILLED", "OPEN", "CANCELLED"])
            shipping = Decimal("0.00") if channel == "POS" else Decimal("25.00")
            orders.append(
                RetailerOrder(
                    f"S{number:05d}", ODOO, channel, status, customer.key, created, lines, shipping
                )
            )
            number += 1

    return replace(
        base,
        locations=base.locations + locations,
        stock=base.stock + tuple(stock),
        customers=tuple(customers),
        orders=tuple(sorted(orders, key=lambda order: order.created_at)),
        erp_prices=erp_prices,
    )


@functools.cache
def demo_retailer(seed: int = 7) -> Retailer:
    """The demo retailer; the same ``seed`` always gives the same company."""
    rng = random.Random(seed)
    products = _products(rng)
    locations = tuple(RetailerLocation(*spec) for spec in _LOCATIONS)
    customers = _customers(rng)
    base = Retailer(
        name="Nordlicht Outfitters",
        currency="EUR",
        products=products,
        locations=locations,
        stock=_stock(products, rng),
        customers=customers,
        orders=_orders(products, customers, rng),
    )
    return _back_office(base, random.Random(seed * 1009 + 1))
