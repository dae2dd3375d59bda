{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('shop', 'products') }}

),

base_products as (

    select * from {{ ref('base_shop__products') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'shop' as source_name,
        'shop_products' as table_name,
        base_products.product_id as record_id,
        base_products.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.product_id,
        source.sku,
        source.product_name,
        source.category,
        source.subcategory,
        source.brand,
        source.list_price,
        source.currency,
        source.is_active,
        source.updated_at
    from source
    inner join base_products
        on
            source._batch_id = base_products._batch_id
            and source._row_number = base_products._row_number
    where
        base_products.quarantine_reason is not null
        and not base_products.is_exact_duplicate

)

select * from final
