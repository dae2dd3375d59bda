with

base_products as (

    select * from {{ ref('base_shop__products') }}

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
        list_price,
        version_count,
        has_invalid_list_price,
        has_unknown_currency,
        is_active,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_products
    where is_current_version

)

select * from final
