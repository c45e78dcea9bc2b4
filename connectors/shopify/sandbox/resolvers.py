"""Resolvers for the subset of the Admin API the sandbox serves.

They are attached once to the process-wide schema and read the sandbox's state from
``info.context``. Every field without a resolver here is read from the object's dict; a
field the state does not hold is an error naming it, never a silent ``null``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from connectors.shopify.sandbox.schema import admin_schema
from connectors.shopify.sandbox.search import Field, UnsupportedSearch, matches, parse_search
from connectors.shopify.sandbox.state import ShopState, gid_number

__all__ = ["Context", "default_resolver", "served_schema"]

Node = dict[str, Any]

MAX_PAGE = 250
MAX_INPUT_ARRAY = 250
QUANTITY_NAMES = frozenset(
    {
        "available",
        "on_hand",
        "committed",
        "reserved",
        "incoming",
        "damaged",
        "quality_control",
        "safety_stock",
    }
)
_GID = re.compile(r"^gid://shopify/[A-Za-z]+/\d+(\?[^\s]*)?$")


@dataclass
class Context:
    state: ShopState


def default_resolver(source: Any, info: GraphQLResolveInfo[Context], **_: Any) -> Any:
    """Read the field from the object's dict; say so when the sandbox does not hold it."""
    try:
        return source[info.field_name]
    except KeyError:
        raise GraphQLError(
            f"The Shopify sandbox does not serve {info.parent_type.name}.{info.field_name}; "
            f"add it to connectors/shopify/sandbox/state.py"
        ) from None
    except TypeError:
        return getattr(source, info.field_name, None)


# -- connections ------------------------------------------------------------------------


def _cursor(sort_value: Any, number: int) -> str:
    raw = orjson.dumps({"last_id": number, "last_value": sort_value})
    return base64.b64encode(raw).decode("ascii")


def _read_cursor(cursor: str) -> tuple[Any, int]:
    try:
        decoded = orjson.loads(base64.b64decode(cursor, validate=True))
        return decoded["last_value"], int(decoded["last_id"])
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise GraphQLError(f"Invalid cursor: {cursor!r}") from None


def connection(
    items: Sequence[Node],
    args: Mapping[str, Any],
    sort: Callable[[Node], Any] | None = None,
) -> Node:
    """A Relay connection over ``items`` (already in order), paged like Shopify's: keyset
    cursors on (sort value, numeric ID), ``hasNextPage:false, endCursor:null`` when empty."""
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= MAX_PAGE:
            raise GraphQLError(
                f"The value of the argument '{name}' must be between 0 and {MAX_PAGE}"
            )
    if sort is None:
        # Nested lists keep their stored order: the cursor is the position.
        keys = [(index, gid_number(item["id"]) or 0) for index, item in enumerate(items)]
    else:
        keys = [(sort(item), gid_number(item["id"]) or 0) for item in items]
    descending = bool(args.get("reverse")) and sort is not None

    def position(cursor: str, *, after: bool) -> int:
        """Index of the first item past the cursor (``after``) or at/past it (``before``)."""
        mark = _read_cursor(cursor)
        try:
            for index, key in enumerate(keys):
                if ((key < mark) if descending else (key > mark)) or (key == mark and not after):
                    return index
        except TypeError:
            # A cursor from a list sorted by another key.
            raise GraphQLError(f"Invalid cursor for the current sort: {cursor!r}") from None
        return len(keys)

    start = position(args["after"], after=True) if args.get("after") else 0
    end = position(args["before"], after=False) if args.get("before") else len(items)
    low, high = start, max(start, end)
    if first is not None:
        high = min(high, low + first)
    if last is not None:
        low = max(low, high - last)
    page = list(items[low:high])
    edges = [{"cursor": _cursor(*keys[low + i]), "node": node} for i, node in enumerate(page)]
    return {
        "edges": edges,
        "nodes": page,
        "pageInfo": {
            "hasNextPage": high < len(items),
            "hasPreviousPage": low > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


# -- sorting and searching ----------------------------------------------------------------


def _id(node: Node) -> int:
    return gid_number(node["id"]) or 0


_SORTS: dict[str, dict[str, Callable[[Node], Any]]] = {
    "products": {
        "ID": _id,
        "RELEVANCE": _id,
        "TITLE": lambda p: p["title"],
        "CREATED_AT": lambda p: p["createdAt"],
        "UPDATED_AT": lambda p: p["updatedAt"],
        "VENDOR": lambda p: p["vendor"],
        "PRODUCT_TYPE": lambda p: p["productType"],
    },
    "productVariants": {
        "ID": _id,
        "RELEVANCE": _id,
        "SKU": lambda v: v["sku"],
        "POSITION": lambda v: v["position"],
        "TITLE": lambda v: v["title"],
    },
    "customers": {
        "ID": _id,
        "RELEVANCE": _id,
        "CREATED_AT": lambda c: c["createdAt"],
        "UPDATED_AT": lambda c: c["updatedAt"],
        "NAME": lambda c: c["displayName"],
    },
    "orders": {
        "ID": _id,
        "RELEVANCE": _id,
        "CREATED_AT": lambda o: o["createdAt"],
        "PROCESSED_AT": lambda o: o["processedAt"],
        "UPDATED_AT": lambda o: o["updatedAt"],
        "ORDER_NUMBER": lambda o: int(o["name"].lstrip("#")),
    },
    "locations": {"ID": _id, "NAME": lambda loc: loc["name"], "RELEVANCE": _id},
}


def _number(node: Node | None) -> list[str]:
    return [str(gid_number(node["id"]))] if node else []


_SEARCH: dict[str, tuple[Field, dict[str, Field]]] = {
    "products": (
        Field(
            lambda p: [p["title"], p["handle"], p["vendor"], p["productType"], *p["tags"]],
            exact=False,
        ),
        {
            "handle": Field(lambda p: [p["handle"]]),
            "id": Field(_number),
            "title": Field(lambda p: [p["title"]], exact=False),
            "vendor": Field(lambda p: [p["vendor"]]),
            "product_type": Field(lambda p: [p["productType"]]),
            "tag": Field(lambda p: p["tags"]),
            "status": Field(lambda p: [p["status"]]),
            "sku": Field(lambda p: [v["sku"] for v in p["_variants"]]),
        },
    ),
    "productVariants": (
        Field(lambda v: [v["sku"], v["title"], v["product"]["title"]], exact=False),
        {
            "sku": Field(lambda v: [v["sku"]]),
            "id": Field(_number),
            "product_id": Field(lambda v: _number(v["product"])),
            "barcode": Field(lambda v: [v["barcode"]]),
            "title": Field(lambda v: [v["title"]], exact=False),
        },
    ),
    "customers": (
        Field(lambda c: [c["email"], c["firstName"], c["lastName"], c["phone"]], exact=False),
        {
            "email": Field(lambda c: [c["email"]]),
            "id": Field(_number),
            "phone": Field(lambda c: [c["phone"]]),
        },
    ),
    "orders": (
        Field(lambda o: [o["name"], o["email"]], exact=False),
        {
            "id": Field(_number),
            "customer_id": Field(lambda o: _number(o["customer"])),
            "email": Field(lambda o: [o["email"]]),
            "name": Field(lambda o: [o["name"]]),
            "source_name": Field(lambda o: [o["sourceName"]]),
            "financial_status": Field(lambda o: [o["displayFinancialStatus"]]),
            "fulfillment_status": Field(lambda o: [o["displayFulfillmentStatus"]]),
        },
    ),
    "locations": (
        Field(lambda loc: [loc["name"], loc["address"]["city"]], exact=False),
        {"id": Field(_number), "name": Field(lambda loc: [loc["name"]])},
    ),
}


def _select(resource: str, items: Sequence[Node], args: Mapping[str, Any]) -> Node:
    """Filter by ``query``, sort by ``sortKey``, and page — one connection field."""
    if args.get("savedSearchId"):
        raise GraphQLError("The Shopify sandbox does not support savedSearchId")
    query = args.get("query")
    if query:
        default, fields = _SEARCH[resource]
        try:
            search = parse_search(query)
            items = [
                item for item in items if matches(search, item, fields, default, resource=resource)
            ]
        except UnsupportedSearch as exc:
            raise GraphQLError(f"Unsupported search query {query!r}: {exc}") from None
    sort_key = args.get("sortKey") or "ID"
    sort = _SORTS[resource].get(sort_key)
    if sort is None:
        raise GraphQLError(f"The Shopify sandbox cannot sort {resource} by {sort_key}")
    ordered = sorted(
        items, key=lambda node: (sort(node), _id(node)), reverse=bool(args.get("reverse"))
    )
    return connection(ordered, args, sort)


# -- root fields ----------------------------------------------------------------------------


def _state(info: GraphQLResolveInfo[Context]) -> ShopState:
    context: Context = info.context
    return context.state


def _lookup(
    info: GraphQLResolveInfo[Context], id_: str, typename: str | None = None
) -> Node | None:
    if not _GID.match(id_):
        raise GraphQLError(f"Invalid global id '{id_}'")
    node = _state(info).by_id.get(id_)
    if node is None or (typename is not None and node.get("__typename") != typename):
        return None
    return node


def _nodes(_: Any, info: GraphQLResolveInfo[Context], ids: list[str]) -> list[Node | None]:
    if len(ids) > MAX_INPUT_ARRAY:
        raise GraphQLError(
            f"The input array size of {len(ids)} is greater than the maximum allowed of "
            f"{MAX_INPUT_ARRAY}.",
            extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
        )
    return [_lookup(info, id_) for id_ in ids]


def _by_id(typename: str, argument: str = "id") -> Callable[..., Node | None]:
    def resolve(_: Any, info: GraphQLResolveInfo[Context], **args: Any) -> Node | None:
        value = args.get(argument)
        return _lookup(info, value, typename) if value else None

    return resolve


def _root_list(resource: str, attribute: str) -> Callable[..., Node]:
    def resolve(_: Any, info: GraphQLResolveInfo[Context], **args: Any) -> Node:
        return _select(resource, getattr(_state(info), attribute), args)

    return resolve


def _locations(_: Any, info: GraphQLResolveInfo[Context], **args: Any) -> Node:
    locations = _state(info).locations
    if not args.get("includeInactive"):
        locations = [location for location in locations if location["isActive"]]
    return _select("locations", locations, {"sortKey": "NAME", **args})


# -- nested fields --------------------------------------------------------------------------


def _nested(key: str, resource: str | None = None) -> Callable[..., Node]:
    def resolve(source: Node, _: GraphQLResolveInfo[Context], **args: Any) -> Node:
        items = source[key]
        if resource is None:
            return connection(items[::-1] if args.get("reverse") else items, args)
        return _select(resource, items, args)

    return resolve


def _variants(source: Node, _: GraphQLResolveInfo[Context], **args: Any) -> Node:
    return _select("productVariants", source["_variants"], {"sortKey": "POSITION", **args})


def _addresses(
    source: Node, _: GraphQLResolveInfo[Context], first: int | None = None
) -> list[Node]:
    addresses: list[Node] = source["_addresses"]
    return addresses if first is None else addresses[:first]


def _description(
    source: Node, _: GraphQLResolveInfo[Context], truncateAt: int | None = None
) -> str:
    text: str = source["description"]
    if truncateAt is not None and len(text) > truncateAt:
        return text[: max(0, truncateAt - 3)].rstrip() + "..."
    return text


def _inventory_level(source: Node, info: GraphQLResolveInfo[Context], **args: Any) -> Node | None:
    location_id = args.get("locationId") or args.get("inventoryItemId")
    if not _GID.match(location_id or ""):
        raise GraphQLError(f"Invalid global id '{location_id}'")
    other = "location" if "locationId" in args else "item"
    return next((level for level in source["_levels"] if level[other]["id"] == location_id), None)


def _quantities(source: Node, _: GraphQLResolveInfo[Context], names: list[str]) -> list[Node]:
    unknown = [name for name in names if name not in QUANTITY_NAMES]
    if unknown:
        raise GraphQLError(
            f"The quantity names {unknown} are not valid; use {sorted(QUANTITY_NAMES)}"
        )
    quantities: dict[str, int] = source["_quantities"]
    return [
        {
            "id": f"gid://shopify/InventoryQuantity/{gid_number(source['location']['id'])}"
            f"?inventory_item_id={gid_number(source['item']['id'])}&name={name}",
            "name": name,
            "quantity": quantities[name],
            "updatedAt": source["updatedAt"],
        }
        for name in names
    ]


_RESOLVERS: dict[str, dict[str, Callable[..., Any]]] = {
    "QueryRoot": {
        "shop": lambda _, info: _state(info).shop,
        "nodes": _nodes,
        "node": lambda _, info, id: _lookup(info, id),
        "product": _by_id("Product"),
        "productVariant": _by_id("ProductVariant"),
        "inventoryItem": _by_id("InventoryItem"),
        "location": _by_id("Location"),
        "customer": _by_id("Customer"),
        "order": _by_id("Order"),
        "products": _root_list("products", "products"),
        "productVariants": _root_list("productVariants", "variants"),
        "customers": _root_list("customers", "customers"),
        "orders": _root_list("orders", "orders"),
        "locations": _locations,
    },
    "Product": {
        "variants": _variants,
        "media": _nested("_media"),
        "description": _description,
    },
    "InventoryItem": {
        "inventoryLevels": _nested("_levels"),
        "inventoryLevel": _inventory_level,
    },
    "Location": {
        "inventoryLevels": _nested("_levels"),
        "inventoryLevel": _inventory_level,
    },
    "InventoryLevel": {"quantities": _quantities},
    "Customer": {
        "orders": _nested("_orders", "orders"),
        "addresses": _addresses,
    },
    "Order": {"lineItems": _nested("_lines")},
}


@functools.cache
def served_schema() -> GraphQLSchema:
    """The Admin schema with the sandbox's resolvers attached (once per process)."""
    schema = admin_schema()
    for type_name, fields in _RESOLVERS.items():
        type_ = schema.get_type(type_name)
        assert isinstance(type_, GraphQLObjectType), type_name
        for field_name, resolve in fields.items():
            type_.fields[field_name].resolve = resolve
    return schema
