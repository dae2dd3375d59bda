with

base_orders as (

    select * from {{ ref('base_shop__orders') }}

),

final as (

    select
        order_id,
        account_id,
        store_id,
        loyalty_card_number,
        guest_email,
        guest_email_as_given,
        guest_phone,
        guest_phone_extension,
        sales_channel,
        order_status,
        currency_code,
        shipping_country_code,
        shipping_postal_code,
        order_total,
        version_count,
        is_guest_email_placeholder,
        has_invalid_guest_email,
        is_guest_phone_placeholder,
        has_invalid_guest_phone,
        has_unknown_shipping_country,
        ordered_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_orders
    where is_current_version

)

select * from final
