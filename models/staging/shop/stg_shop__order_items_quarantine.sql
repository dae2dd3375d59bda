{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('shop', 'order_items') }}

),

base_order_items as (

    select * from {{ ref('base_shop__order_items') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'shop' as source_name,
        'shop_order_items' as table_name,
        base_order_items.order_item_id as record_id,
        base_order_items.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.order_item_id,
        source.order_id,
        source.product_id,
        source.quantity,
        source.unit_price,
        source.discount_amount,
        source.currency,
        source.item_status
    from source
    inner join base_order_items
        on
            source._batch_id = base_order_items._batch_id
            and source._row_number = base_order_items._row_number
    where
        base_order_items.quarantine_reason is not null
        and not base_order_items.is_exact_duplicate

)

select * from final
