"""shop_products: the product catalogue shared by web events, orders and reviews."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.context import DayContext, between
from c360.generate.identifiers import ids
from c360.generate.strings import format_digits, join, mix64, pick

CATEGORIES = {
    "electronics": (("headphones", "charger", "speaker", "tablet", "smartwatch"), 120.0),
    "home": (("lamp", "pillow", "kettle", "blanket", "vase"), 45.0),
    "beauty": (("serum", "lipstick", "shampoo", "moisturiser", "perfume"), 30.0),
    "fashion": (("jacket", "sneakers", "scarf", "jeans", "handbag"), 70.0),
    "sports": (("yoga mat", "dumbbells", "running shoes", "bike helmet", "tent"), 60.0),
    "books": (("novel", "cookbook", "atlas", "biography", "comic"), 18.0),
    "toys": (("puzzle", "building blocks", "plush bear", "board game", "kite"), 25.0),
    "grocery": (("green tea", "olive oil", "coffee beans", "dark chocolate", "honey"), 12.0),
}
ADJECTIVES = ("Classic", "Pro", "Eco", "Ultra", "Mini", "Deluxe", "Smart", "Everyday", "Urban", "Zen")
BRAND_ENDINGS = ("Co", "Labs", "& Sons", "Works", "Goods", "Studio")


def product_catalogue(context: DayContext) -> pa.Table:
    """``volumes.products`` products with prices in US dollars (as cents)."""
    rng = context.rng("shop_products")
    count = context.volumes.products
    seq = context.counters.allocate("product", count)
    names = list(CATEGORIES)
    category = rng.integers(0, len(names), count)
    nouns = [noun for name in names for noun in CATEGORIES[name][0]]
    subcategory = category * 5 + rng.integers(0, 5, count)
    base_price = np.array([CATEGORIES[name][1] for name in names])[category]
    cents = (base_price * rng.lognormal(0, 0.5, count) * 100).astype(np.int64) // 10 * 10 + 9
    surnames = context.pools[0].last
    brand = join(
        pick(surnames, rng.integers(0, len(surnames), count)),
        pick(pa.array(BRAND_ENDINGS), rng.integers(0, len(BRAND_ENDINGS), count)),
        separator=" ",
    )
    noun = pick(pa.array(nouns), subcategory)
    adjective = pick(pa.array(ADJECTIVES), rng.integers(0, len(ADJECTIVES), count))
    start, end = context.window
    return pa.table(
        {
            "product_id": ids("product", seq),
            "sku": join("SKU-", format_digits(mix64(seq) % np.uint64(10**8), 8)),
            "product_name": join(brand, adjective, pc.utf8_title(noun), separator=" "),
            "category": pick(pa.array(names), category),
            "subcategory": noun,
            "brand": brand,
            "list_price": pa.array(cents),
            "currency": pa.repeat(pa.scalar("USD"), count),
            "is_active": pa.array(rng.random(count) < 0.95),
            "updated_at": pa.array(between(rng, start, end, count)),
        }
    )


def popular_products(rng: np.random.Generator, catalogue_size: int, size: int) -> np.ndarray:
    """Positions into the catalogue; a few products sell far more than the rest."""
    weights = 1.0 / (np.arange(catalogue_size) + 5.0) ** 0.9
    rank = rng.choice(catalogue_size, size, p=weights / weights.sum())
    # Spread the best sellers over the catalogue instead of P-00001, P-00002, ...
    return np.random.default_rng(catalogue_size).permutation(catalogue_size)[rank]
