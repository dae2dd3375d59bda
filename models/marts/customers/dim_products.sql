{#
    One row per product: the catalogue as served by staging, plus every
    product id that order lines, web events or surveys name but the catalogue
    does not serve (its row quarantined or never delivered). Those inferred
    products carry no attributes and `is_in_catalogue = false`, so that every
    product id in the facts finds its dimension row.
#}

with

products as (

    select * from {{ ref('stg_shop__products') }}

),

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

web_events as (

    select * from {{ ref('stg_web__events') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

referenced_products as (

    select product_id from order_items
    union
    select product_id from web_events
    where product_id is not null
    union
    select product_id from surveys
    where product_id is not null

),

inferred_products as (

    select referenced_products.product_id
    from referenced_products
    left outer join products
        on referenced_products.product_id = products.product_id
    where products.product_id is null

),

unioned as (

    select
        product_id,
        sku,
        product_name,
        category,
        subcategory,
        brand,
        currency_code,
        list_price,
        is_active,
        has_invalid_list_price,
        true as is_in_catalogue,
        updated_at
    from products

    union all

    select
        product_id,
        cast(null as {{ dbt.type_string() }}) as sku,
        cast(null as {{ dbt.type_string() }}) as product_name,
        cast(null as {{ dbt.type_string() }}) as category,
        cast(null as {{ dbt.type_string() }}) as subcategory,
        cast(null as {{ dbt.type_string() }}) as brand,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        cast(null as numeric(18, 2)) as list_price,
        cast(null as boolean) as is_active,
        false as has_invalid_list_price,
        false as is_in_catalogue,
        cast(null as timestamp) as updated_at
    from inferred_products

),

final as (

    select
        product_id,
        sku,
        product_name,
        category,
        subcategory,
        brand,
        currency_code,
        cast(list_price as numeric(18, 2)) as list_price,
        is_active,
        has_invalid_list_price,
        is_in_catalogue,
        updated_at
    from unioned

)

select * from final
