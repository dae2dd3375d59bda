with

base_order_items as (

    select * from {{ ref('base_shop__order_items') }}

),

final as (

    select
        order_item_id,
        order_id,
        product_id,
        item_status,
        currency_code,
        quantity,
        unit_price,
        discount_amount,
        version_count,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_order_items
    where is_current_version

)

select * from final
