{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['order_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'order_item_id', 'order_id', 'product_id', 'quantity', 'unit_price',
    'discount_amount', 'currency', 'item_status',
] -%}

with

source as (

    {{ new_deliveries(source('shop', 'order_items')) }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

base_orders as (

    select * from {{ ref('base_shop__orders') }}

),

renamed as (

    select
        {{ clean_text('order_item_id') }} as order_item_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('product_id') }} as product_id,
        {{ standardize_enum('item_status') }} as item_status,
        upper({{ clean_text('currency') }}) as currency_cleaned,
        {{ clean_text('discount_amount') }} as discount_amount_cleaned,
        {{ cast_or_null('quantity', 'integer') }} as quantity,
        {{ cast_or_null('unit_price', 'decimal(18,2)') }} as unit_price,
        {{ cast_or_null('discount_amount', 'decimal(18,2)') }} as discount_amount,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

usable_orders as (

    {#- An item needs an order that staging can serve: not quarantined, not a re-delivery. -#}
    {{ usable_parent_keys('base_orders', 'order_id', 'renamed') }}

),

standardised as (

    select
        renamed.order_item_id,
        renamed.order_id,
        renamed.product_id,
        renamed.item_status,
        currencies.currency_code,
        renamed.currency_cleaned,
        renamed.discount_amount_cleaned,
        renamed.quantity,
        renamed.unit_price,
        renamed.discount_amount,
        usable_orders.order_id is not null as has_usable_order,
        renamed.row_fingerprint,
        renamed._batch_id,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    left outer join currencies
        on renamed.currency_cleaned = currencies.currency_code
    left outer join usable_orders
        on renamed.order_id = usable_orders.order_id

),

checked as (

    select
        standardised.*,
        case
            when standardised.order_item_id is null then 'missing_natural_key'
            when
                standardised.unit_price is null
                or standardised.unit_price <= 0
                or (standardised.discount_amount_cleaned is not null and standardised.discount_amount is null)
                or standardised.discount_amount < 0
                then 'invalid_amount'
            when standardised.quantity is null or standardised.quantity <= 0 then 'invalid_quantity'
            when standardised.currency_code is null then 'unknown_currency'
            when not standardised.has_usable_order then 'orphan_record'
        end as quarantine_reason
    from standardised

),

{#- Items carry no change time, so the latest delivery wins. -#}
{{ version_deliveries(
    'checked',
    'order_item_id',
    none,
    orphan_release={'parent_key': 'order_id', 'usable_parents': 'usable_orders'},
) }},

final as (

    select
        order_item_id,
        order_id,
        product_id,
        item_status,
        currency_code,
        row_fingerprint,
        quarantine_reason,
        quantity,
        unit_price,
        discount_amount,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
