{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('shop', 'orders') }}

),

base_orders as (

    select * from {{ ref('base_shop__orders') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'shop' as source_name,
        'shop_orders' as table_name,
        base_orders.order_id as record_id,
        base_orders.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.order_id,
        source.account_id,
        source.guest_email,
        source.guest_phone,
        source.loyalty_card_number,
        source.sales_channel,
        source.store_id,
        source.order_status,
        source.currency,
        source.order_total,
        source.shipping_country,
        source.shipping_postal_code,
        source.ordered_at,
        source.updated_at
    from source
    inner join base_orders
        on
            source._batch_id = base_orders._batch_id
            and source._row_number = base_orders._row_number
    where
        base_orders.quarantine_reason is not null
        and not base_orders.is_exact_duplicate

)

select * from final
