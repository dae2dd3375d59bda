{#
    One row per order served by staging (online and point of sale). The order
    total is the gross; a cancelled or returned order gives it all back; in an
    order still live, its cancelled and returned lines give back their share,
    never more than the total. Amounts in the order's currency and in the
    reporting currency at the rate of the order date. fct_order_items takes
    its customer, date and rate from here, so that the two facts agree.

    Built by version: each row stores its order's order_version, and a daily
    build computes only the orders whose version changed, comparing those of
    the orders its inputs changed since its last build (see
    macros/facts/orders_by_version.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['order_id'],
            {'order_version': 'order_version', 'order_rules_fingerprint': 'order_rules_fingerprint'},
            order_versions(),
            changes=orders_changed_since_built(),
            deletion_log_columns=['order_id'],
        ) }}",
    )
}}
{%- set incremental = is_incremental() %}

with

all_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

orders as (

    select *
    from all_orders
    where {{ is_key_to_build(['order_id'], 'all_orders', incremental) }}

),

order_items as (

    select *
    from {{ ref('stg_shop__order_items') }}
    where {{ 'order_id in (select orders.order_id from orders)' if incremental else 'true' }}

),

customer_records as (

    select * from {{ ref('bridge_customer_source_records') }}

),

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

),

order_customers as (

    select
        source_record_id as order_id,
        customer_id
    from customer_records
    where source_table = 'shop_orders'

),

reporting_rates as (

    select
        currency_code,
        valid_from,
        valid_to,
        exchange_rate
    from exchange_rates
    where reporting_currency_code = '{{ var("reporting_currency") }}'

),

lines as (

    select
        order_id,
        order_item_id,
        _batch_id,
        _loaded_at,
        item_status,
        quantity,
        {# the line gross as fct_order_items defines it: never below zero #}
        case
            when coalesce(discount_amount, 0) > quantity * unit_price then 0
            else quantity * unit_price - coalesce(discount_amount, 0)
        end as gross_amount
    from order_items

),

item_totals as (

    select
        order_id,
        count(*) as item_count,
        sum(quantity) as item_quantity,
        sum(gross_amount) as gross_amount,
        sum(case when item_status = 'cancelled' then gross_amount else 0 end) as cancelled_amount,
        sum(case when item_status = 'returned' then gross_amount else 0 end) as returned_amount,
        {{ order_lines_fingerprint() }} as lines_fingerprint
    from lines
    group by order_id

),

joined as (

    select
        orders.order_id,
        order_customers.customer_id,
        orders.store_id,
        orders.sales_channel,
        orders.order_status,
        orders.currency_code,
        orders.shipping_country_code,
        coalesce(item_totals.item_count, 0) as item_count,
        coalesce(item_totals.item_quantity, 0) as item_quantity,
        orders.order_total as gross_amount,
        case
            when orders.order_status = 'cancelled' then orders.order_total
            else least(orders.order_total, coalesce(item_totals.cancelled_amount, 0))
        end as cancelled_amount,
        item_totals.returned_amount as returned_line_amount,
        reporting_rates.exchange_rate,
        orders.account_id is not null as has_web_account,
        orders.loyalty_card_number is not null as has_loyalty_card,
        coalesce(item_totals.gross_amount <> orders.order_total, true) as has_item_total_mismatch,
        orders.ordered_at,
        orders.updated_at,
        {{ order_version(
            'orders', 'item_totals.lines_fingerprint', 'order_customers.customer_id', 'rates.rates_fingerprint'
        ) }} as order_version
    from orders
    cross join {{ exchange_rates_version() }} as rates
    left outer join item_totals
        on orders.order_id = item_totals.order_id
    left outer join order_customers
        on orders.order_id = order_customers.order_id
    left outer join reporting_rates
        on
            orders.currency_code = reporting_rates.currency_code
            and cast(orders.ordered_at as date) >= reporting_rates.valid_from
            and (reporting_rates.valid_to is null or cast(orders.ordered_at as date) < reporting_rates.valid_to)

),

settled as (

    select
        *,
        case
            when order_status = 'cancelled' then 0
            when order_status = 'returned' then gross_amount - cancelled_amount
            else least(gross_amount - cancelled_amount, coalesce(returned_line_amount, 0))
        end as returned_amount
    from joined

),

converted as (

    select
        *,
        round(gross_amount * exchange_rate, 2) as gross_amount_reporting,
        round(cancelled_amount * exchange_rate, 2) as cancelled_amount_reporting,
        {# rounded cumulatively, so that the parts are never negative and add up to the gross exactly #}
        round((cancelled_amount + returned_amount) * exchange_rate, 2) as given_back_amount_reporting
    from settled

),

final as (

    select
        order_id,
        customer_id,
        store_id,
        sales_channel,
        order_status,
        {# PostgreSQL serves these as varchar, the contract says text; an incremental build compares the two #}
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        cast(shipping_country_code as {{ dbt.type_string() }}) as shipping_country_code,
        cast(item_count as bigint) as item_count,
        cast(item_quantity as bigint) as item_quantity,
        cast(gross_amount as numeric(18, 2)) as gross_amount,
        cast(cancelled_amount as numeric(18, 2)) as cancelled_amount,
        cast(returned_amount as numeric(18, 2)) as returned_amount,
        cast(gross_amount - cancelled_amount - returned_amount as numeric(18, 2)) as net_amount,
        cast(exchange_rate as numeric(18, 10)) as exchange_rate,
        cast(gross_amount_reporting as numeric(18, 2)) as gross_amount_reporting,
        cast(cancelled_amount_reporting as numeric(18, 2)) as cancelled_amount_reporting,
        cast(given_back_amount_reporting - cancelled_amount_reporting as numeric(18, 2)) as returned_amount_reporting,
        cast(gross_amount_reporting - given_back_amount_reporting as numeric(18, 2)) as net_amount_reporting,
        order_status = 'cancelled' as is_cancelled,
        order_status = 'returned' as is_returned,
        has_web_account,
        has_loyalty_card,
        has_item_total_mismatch,
        cast(ordered_at as date) as ordered_date,
        ordered_at,
        updated_at,
        order_version,
        {{ order_rules_fingerprint() }} as order_rules_fingerprint,
        {{ run_started_at_second() }} as built_at
    from converted

)

select * from final
