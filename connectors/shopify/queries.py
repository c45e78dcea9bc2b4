"""Every GraphQL document the Shopify connector can send, for Admin API 2025-01.

Fixed documents are module constants; batches that need one aliased field per key are
built by the ``*_query(n)`` functions. ``tests/connectors/shopify/test_documents.py``
validates all of them against Shopify's published SDL and prices them with the sandbox's
cost calculator, so a document that Shopify would reject, or that costs more than
Shopify's single-query maximum of 1000 points, fails a test before it reaches a shop.

Costs follow Shopify's documented rules: scalars and enums 0, objects 1, connections
``2 + first * (cost of one node)``. The ``*_COST`` constants below are those sums, and the
batch sizes are chosen from them so every document stays at or under :data:`MAX_QUERY_COST`.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CUSTOMERS_BY_ID_QUERY",
    "CUSTOMERS_PAGE",
    "CUSTOMERS_PER_QUERY",
    "CUSTOMERS_QUERY",
    "CUSTOMER_NODE_COST",
    "CUSTOMER_ORDERS_OVERHEAD",
    "DOCUMENTS",
    "EMAILS_PER_QUERY",
    "GENERATED_DOCUMENTS",
    "HANDLES_PER_QUERY",
    "INVENTORY_LEVELS_QUERY",
    "LEVELS_FIRST",
    "LEVELS_VARIANT_COST",
    "LEVEL_AT_NODE_COST",
    "LEVEL_NODE_COST",
    "LINE_ITEMS_FIRST",
    "LINE_ITEM_NODE_COST",
    "LOCATIONS_COST",
    "LOCATIONS_PER_QUERY",
    "LOCATIONS_QUERY",
    "MAX_ALIASED_LOCATIONS",
    "MAX_INPUT_ARRAY",
    "MAX_PAGE",
    "MAX_QUERY_COST",
    "MORE_LEVELS_COST",
    "MORE_LEVELS_FIRST",
    "MORE_LEVELS_PER_QUERY",
    "MORE_LINE_ITEMS_COST",
    "MORE_LINE_ITEMS_FIRST",
    "MORE_LINE_ITEMS_PER_QUERY",
    "ORDERS_BY_ID_QUERY",
    "ORDERS_PER_QUERY",
    "ORDER_NODE_COST",
    "PING_COST",
    "PING_QUERY",
    "PRODUCTS_BY_ID_QUERY",
    "PRODUCTS_PER_QUERY",
    "PRODUCTS_QUERY",
    "PRODUCT_NODE_COST",
    "SKUS_PER_LEVELS_QUERY",
    "VARIANTS_FIRST",
    "VARIANTS_PER_QUERY",
    "VARIANTS_QUERY",
    "VARIANT_NODE_COST",
    "any_of",
    "customer_orders_query",
    "free_text",
    "levels_at_locations_query",
    "levels_at_locations_variant_cost",
    "max_orders_per_customer",
    "more_levels_query",
    "more_line_items_query",
    "search_value",
]

#: Shopify refuses any single query whose requested cost is higher.
MAX_QUERY_COST = 1000
#: The largest ``first``/``last`` Shopify accepts on a connection.
MAX_PAGE = 250
#: The longest list Shopify accepts as one input argument (``nodes(ids:)``).
MAX_INPUT_ARRAY = 250

# -- search syntax ----------------------------------------------------------------------


def search_value(value: str) -> str:
    """``value`` as one quoted Shopify search value: ``a"b`` -> ``"a\\"b"``.

    Quoting keeps whitespace, ``:``, ``(``, ``)``, ``OR`` and ``-`` in the value from being
    read as syntax; inside the quotes only ``\\`` and ``"`` need escaping.
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def any_of(field: str, values: Iterable[str]) -> str:
    """A search matching any of ``values`` in ``field``: ``sku:"A" OR sku:"B"``."""
    return " OR ".join(f"{field}:{search_value(value)}" for value in values)


def free_text(text: str) -> str | None:
    """A storefront's free text as Shopify search: every word must match, none is syntax."""
    words = text.split()
    return " ".join(search_value(word) for word in words) or None


# -- fragments ----------------------------------------------------------------------------

#: Variants fetched with each product; more are paged in with :data:`VARIANTS_QUERY`.
VARIANTS_FIRST = 10
#: Lines fetched with each order; more are paged in with :func:`more_line_items_query`.
LINE_ITEMS_FIRST = 5
#: Stock levels fetched with each variant; more are paged in with :func:`more_levels_query`.
LEVELS_FIRST = 10

_MONEY = """
fragment MoneyFields on MoneyBag {
  shopMoney {
    amount
    currencyCode
  }
}
"""

_VARIANT = """
fragment VariantFields on ProductVariant {
  id
  sku
  title
  position
  price
  compareAtPrice
  barcode
  selectedOptions {
    name
    value
  }
}
"""
#: ProductVariant 1 + selectedOptions 1.
VARIANT_NODE_COST = 2

_PRODUCT = f"""
fragment ProductFields on Product {{
  id
  title
  handle
  description
  vendor
  productType
  updatedAt
  featuredMedia {{
    ... on MediaImage {{
      image {{
        url
        altText
      }}
    }}
  }}
  variants(first: {VARIANTS_FIRST}) {{
    nodes {{
      ...VariantFields
    }}
    pageInfo {{
      hasNextPage
      endCursor
    }}
  }}
}}
{_VARIANT}"""
#: Product 1 + featuredMedia (MediaImage 1 + image 1) + variants connection.
PRODUCT_NODE_COST = 1 + 2 + (2 + VARIANTS_FIRST * VARIANT_NODE_COST)

_ADDRESS = """
fragment AddressFields on MailingAddress {
  address1
  address2
  city
  zip
  provinceCode
  countryCodeV2
  company
  firstName
  lastName
  phone
}
"""

_CUSTOMER = f"""
fragment CustomerFields on Customer {{
  id
  email
  verifiedEmail
  firstName
  lastName
  phone
  createdAt
  emailMarketingConsent {{
    marketingState
  }}
  defaultAddress {{
    ...AddressFields
  }}
  addresses(first: 5) {{
    ...AddressFields
  }}
}}
{_ADDRESS}"""
#: Customer 1 + emailMarketingConsent 1 + defaultAddress 1 + addresses 5 * 1.
CUSTOMER_NODE_COST = 1 + 1 + 1 + 5

_LINE_ITEM = """
fragment LineItemFields on LineItem {
  id
  sku
  name
  quantity
  variant {
    id
  }
  originalUnitPriceSet {
    ...MoneyFields
  }
  discountedTotalSet {
    ...MoneyFields
  }
}
"""
#: LineItem 1 + variant 1 + two MoneyBags of (1 + shopMoney 1).
LINE_ITEM_NODE_COST = 1 + 1 + 2 + 2

_ORDER = f"""
fragment OrderFields on Order {{
  id
  name
  createdAt
  cancelledAt
  displayFinancialStatus
  displayFulfillmentStatus
  returnStatus
  sourceName
  email
  customer {{
    id
  }}
  retailLocation {{
    id
  }}
  subtotalPriceSet {{
    ...MoneyFields
  }}
  totalPriceSet {{
    ...MoneyFields
  }}
  totalShippingPriceSet {{
    ...MoneyFields
  }}
  totalTaxSet {{
    ...MoneyFields
  }}
  totalDiscountsSet {{
    ...MoneyFields
  }}
  lineItems(first: {LINE_ITEMS_FIRST}) {{
    nodes {{
      ...LineItemFields
    }}
    pageInfo {{
      hasNextPage
      endCursor
    }}
  }}
}}
{_LINE_ITEM}{_MONEY}"""
#: Order 1 + customer 1 + retailLocation 1 + five MoneyBags of 2 + lineItems connection.
ORDER_NODE_COST = 1 + 1 + 1 + 5 * 2 + (2 + LINE_ITEMS_FIRST * LINE_ITEM_NODE_COST)

_LEVEL = """
fragment LevelFields on InventoryLevel {
  location {
    id
  }
  quantities(names: ["available", "on_hand", "reserved", "incoming"]) {
    name
    quantity
  }
  updatedAt
}
"""
#: InventoryLevel 1 + location 1 + quantities 1.
LEVEL_NODE_COST = 1 + 1 + 1

# At a location the caller named, the level needs no ``location { id }``: the alias says it.
_LEVEL_AT = """
fragment LevelAtFields on InventoryLevel {
  quantities(names: ["available", "on_hand", "reserved", "incoming"]) {
    name
    quantity
  }
  updatedAt
}
"""
#: InventoryLevel 1 + quantities 1.
LEVEL_AT_NODE_COST = 1 + 1

# -- documents ----------------------------------------------------------------------------

#: The cheapest authenticated call: 1 point.
PING_QUERY = """
query Ping {
  shop {
    id
  }
}
"""
PING_COST = 1

#: Products by GID, with their first variants. Variant prices are shop-currency ``Money``
#: scalars, so the shop's currency comes along (1 point).
PRODUCTS_BY_ID_QUERY = f"""
query ProductsById($ids: [ID!]!) {{
  shop {{
    currencyCode
  }}
  nodes(ids: $ids) {{
    __typename
    ... on Product {{
      ...ProductFields
    }}
  }}
}}
{_PRODUCT}"""
PRODUCTS_PER_QUERY = (MAX_QUERY_COST - 1) // PRODUCT_NODE_COST

#: One page of products in ID order, optionally filtered by a search ``query``: list
#: pages (free text) and products by handle (``handle:"a" OR handle:"b"``).
PRODUCTS_QUERY = f"""
query Products($first: Int!, $after: String, $query: String) {{
  shop {{
    currencyCode
  }}
  products(first: $first, after: $after, query: $query, sortKey: ID) {{
    nodes {{
      ...ProductFields
    }}
    pageInfo {{
      hasNextPage
      endCursor
    }}
  }}
}}
{_PRODUCT}"""
#: The largest ``first`` that keeps :data:`PRODUCTS_QUERY` within the cost limit.
HANDLES_PER_QUERY = (MAX_QUERY_COST - 1 - 2) // PRODUCT_NODE_COST

#: Variants found by a search (``sku:"A" OR sku:"B"``, ``product_id:1 OR product_id:2``),
#: each with its product's GID.
VARIANTS_QUERY = f"""
query Variants($first: Int!, $after: String, $query: String!) {{
  shop {{
    currencyCode
  }}
  productVariants(first: $first, after: $after, query: $query, sortKey: ID) {{
    nodes {{
      ...VariantFields
      product {{
        id
      }}
    }}
    pageInfo {{
      hasNextPage
      endCursor
    }}
  }}
}}
{_VARIANT}"""
VARIANTS_PER_QUERY = min(MAX_PAGE, (MAX_QUERY_COST - 1 - 2) // (VARIANT_NODE_COST + 1))

#: Every active location: 2 + first * (Location 1 + address 1 + localPickupSettingsV2 1).
LOCATIONS_QUERY = """
query Locations($first: Int!, $after: String) {
  locations(first: $first, after: $after, sortKey: ID) {
    nodes {
      id
      name
      isActive
      fulfillsOnlineOrders
      address {
        address1
        address2
        city
        zip
        provinceCode
        countryCode
        phone
      }
      localPickupSettingsV2 {
        pickupTime
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
"""
#: Shops rarely have more than 50 locations; asking for 250 would make Shopify hold 752
#: points up front (the requested cost) for an answer that costs 20.
LOCATIONS_PER_QUERY = 50
LOCATIONS_COST = 2 + LOCATIONS_PER_QUERY * 3

#: Stock of the variants found by ``sku:"A" OR sku:"B"`` at every location.
INVENTORY_LEVELS_QUERY = f"""
query InventoryLevels($first: Int!, $after: String, $query: String!) {{
  productVariants(first: $first, after: $after, query: $query, sortKey: ID) {{
    nodes {{
      sku
      inventoryItem {{
        id
        inventoryLevels(first: {LEVELS_FIRST}) {{
          nodes {{
            ...LevelFields
          }}
          pageInfo {{
            hasNextPage
            endCursor
          }}
        }}
      }}
    }}
    pageInfo {{
      hasNextPage
      endCursor
    }}
  }}
}}
{_LEVEL}"""
#: ProductVariant 1 + InventoryItem 1 + the levels connection.
LEVELS_VARIANT_COST = 1 + 1 + 2 + LEVELS_FIRST * LEVEL_NODE_COST
SKUS_PER_LEVELS_QUERY = (MAX_QUERY_COST - 2) // LEVELS_VARIANT_COST

#: Customers by GID.
CUSTOMERS_BY_ID_QUERY = f"""
query CustomersById($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    __typename
    ... on Customer {{
      ...CustomerFields
    }}
  }}
}}
{_CUSTOMER}"""
CUSTOMERS_PER_QUERY = min(MAX_INPUT_ARRAY, MAX_QUERY_COST // CUSTOMER_NODE_COST)

#: One page of customers in ID order, optionally filtered by a search ``query``: list
#: pages (free text) and customers by email (``email:"a@b.c" OR email:"d@e.f"``).
CUSTOMERS_QUERY = f"""
query Customers($first: Int!, $after: String, $query: String) {{
  customers(first: $first, after: $after, query: $query, sortKey: ID) {{
    nodes {{
      ...CustomerFields
    }}
    pageInfo {{
      hasNextPage
      endCursor
    }}
  }}
}}
{_CUSTOMER}"""
#: The largest ``first`` that keeps :data:`CUSTOMERS_QUERY` within the cost limit (124);
#: emails per query leave room for duplicates.
CUSTOMERS_PAGE = (MAX_QUERY_COST - 2) // CUSTOMER_NODE_COST
EMAILS_PER_QUERY = CUSTOMERS_PAGE // 2

#: Orders by GID, with their first lines.
ORDERS_BY_ID_QUERY = f"""
query OrdersById($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    __typename
    ... on Order {{
      ...OrderFields
    }}
  }}
}}
{_ORDER}"""
ORDERS_PER_QUERY = MAX_QUERY_COST // ORDER_NODE_COST

DOCUMENTS: dict[str, str] = {
    "PING_QUERY": PING_QUERY,
    "PRODUCTS_BY_ID_QUERY": PRODUCTS_BY_ID_QUERY,
    "PRODUCTS_QUERY": PRODUCTS_QUERY,
    "VARIANTS_QUERY": VARIANTS_QUERY,
    "LOCATIONS_QUERY": LOCATIONS_QUERY,
    "INVENTORY_LEVELS_QUERY": INVENTORY_LEVELS_QUERY,
    "CUSTOMERS_BY_ID_QUERY": CUSTOMERS_BY_ID_QUERY,
    "CUSTOMERS_QUERY": CUSTOMERS_QUERY,
    "ORDERS_BY_ID_QUERY": ORDERS_BY_ID_QUERY,
}

# -- generated documents -------------------------------------------------------------------


def _variables(*groups: tuple[str, str, int]) -> str:
    return ", ".join(f"${name}{i}: {type_}" for name, type_, n in groups for i in range(n))


#: ``customer(id:)`` 1 + the orders connection's 2, per aliased customer.
CUSTOMER_ORDERS_OVERHEAD = 1 + 2


def max_orders_per_customer() -> int:
    """The largest ``first`` one aliased customer may ask for in one document."""
    return min(MAX_PAGE, (MAX_QUERY_COST - CUSTOMER_ORDERS_OVERHEAD) // ORDER_NODE_COST)


def customer_orders_query(n: int) -> str:
    """One page of orders, newest first, for each of ``n`` customers, as aliased
    ``customer<i>: customer(id: $customer<i>)`` fields with ``$first<i>``/``$after<i>``.

    Costs ``sum of 3 + first<i> * ORDER_NODE_COST``; the connector packs requests accordingly.
    """
    if n < 1:
        raise ValueError("a batch has at least one customer")
    fields = "".join(
        f"""
  customer{i}: customer(id: $customer{i}) {{
    id
    orders(first: $first{i}, after: $after{i}, sortKey: CREATED_AT, reverse: true) {{
      nodes {{
        ...OrderFields
      }}
      pageInfo {{
        hasNextPage
        endCursor
      }}
    }}
  }}"""
        for i in range(n)
    )
    variables = _variables(("customer", "ID!", n), ("first", "Int!", n), ("after", "String", n))
    return f"query CustomerOrders({variables}) {{{fields}\n}}\n{_ORDER}"


#: Most locations asked for by aliasing ``inventoryLevel(locationId:)``; beyond it the
#: levels connection is cheaper.
MAX_ALIASED_LOCATIONS = LEVELS_FIRST


def levels_at_locations_variant_cost(n: int) -> int:
    """Cost per variant of :func:`levels_at_locations_query` with ``n`` locations."""
    return 1 + 1 + n * LEVEL_AT_NODE_COST


def levels_at_locations_query(n: int) -> str:
    """Stock of the variants found by ``$query`` at ``n`` given locations, one aliased
    ``location<i>: inventoryLevel(locationId: $location<i>)`` per location ("this SKU in
    the three stores near me" costs 2 + 3 * 2 per variant instead of a levels page)."""
    if not 1 <= n <= MAX_ALIASED_LOCATIONS:
        raise ValueError(f"between 1 and {MAX_ALIASED_LOCATIONS} locations, got {n}")
    levels = "".join(
        f"""
        location{i}: inventoryLevel(locationId: $location{i}) {{
          ...LevelAtFields
        }}"""
        for i in range(n)
    )
    variables = _variables(("location", "ID!", n))
    return f"""
query InventoryLevelsAt($first: Int!, $after: String, $query: String!, {variables}) {{
  productVariants(first: $first, after: $after, query: $query, sortKey: ID) {{
    nodes {{
      sku
      inventoryItem {{
        id{levels}
      }}
    }}
    pageInfo {{
      hasNextPage
      endCursor
    }}
  }}
}}
{_LEVEL_AT}"""


#: Levels per page when paging one inventory item's levels further.
MORE_LEVELS_FIRST = 100
#: Per inventory item: inventoryItem 1 + connection 2 + 100 levels * 3 = 303.
MORE_LEVELS_COST = 1 + 2 + MORE_LEVELS_FIRST * LEVEL_NODE_COST
MORE_LEVELS_PER_QUERY = MAX_QUERY_COST // MORE_LEVELS_COST


def more_levels_query(n: int) -> str:
    """The next page of levels of ``n`` inventory items (``$item<i>``, ``$after<i>``)."""
    if n < 1:
        raise ValueError("a batch has at least one inventory item")
    fields = "".join(
        f"""
  item{i}: inventoryItem(id: $item{i}) {{
    id
    inventoryLevels(first: {MORE_LEVELS_FIRST}, after: $after{i}) {{
      nodes {{
        ...LevelFields
      }}
      pageInfo {{
        hasNextPage
        endCursor
      }}
    }}
  }}"""
        for i in range(n)
    )
    variables = _variables(("item", "ID!", n), ("after", "String!", n))
    return f"query MoreInventoryLevels({variables}) {{{fields}\n}}\n{_LEVEL}"


#: Lines per page when paging one order's lines further.
MORE_LINE_ITEMS_FIRST = 50
#: Per order: order 1 + connection 2 + 50 lines * 6 = 303.
MORE_LINE_ITEMS_COST = 1 + 2 + MORE_LINE_ITEMS_FIRST * LINE_ITEM_NODE_COST
MORE_LINE_ITEMS_PER_QUERY = MAX_QUERY_COST // MORE_LINE_ITEMS_COST


def more_line_items_query(n: int) -> str:
    """The next page of lines of ``n`` orders (``$order<i>``, ``$after<i>``)."""
    if n < 1:
        raise ValueError("a batch has at least one order")
    fields = "".join(
        f"""
  order{i}: order(id: $order{i}) {{
    id
    lineItems(first: {MORE_LINE_ITEMS_FIRST}, after: $after{i}) {{
      nodes {{
        ...LineItemFields
      }}
      pageInfo {{
        hasNextPage
        endCursor
      }}
    }}
  }}"""
        for i in range(n)
    )
    variables = _variables(("order", "ID!", n), ("after", "String!", n))
    return f"query MoreLineItems({variables}) {{{fields}\n}}\n{_LINE_ITEM}{_MONEY}"


#: Generator -> the largest batch it is used for (tests validate 1, 2 and this size).
GENERATED_DOCUMENTS = {
    "customer_orders_query": (
        customer_orders_query,
        MAX_QUERY_COST // (CUSTOMER_ORDERS_OVERHEAD + ORDER_NODE_COST),
    ),
    "levels_at_locations_query": (levels_at_locations_query, MAX_ALIASED_LOCATIONS),
    "more_levels_query": (more_levels_query, MORE_LEVELS_PER_QUERY),
    "more_line_items_query": (more_line_items_query, MORE_LINE_ITEMS_PER_QUERY),
}
