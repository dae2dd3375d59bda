{#
    Orders and revenue in fct_orders equal those served by staging after
    quarantine: order count and gross revenue per currency, and gross revenue
    in the reporting currency recomputed here from staging and the seed. A row
    returned names the currency and the measure that differ.
#}

with

staged_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

mart_orders as (

    select * from {{ ref('fct_orders') }}

),

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

),

staged_totals as (

    select
        staged_orders.currency_code,
        count(*) as order_count,
        sum(staged_orders.order_total) as gross_amount,
        sum(round(staged_orders.order_total * exchange_rates.exchange_rate, 2)) as gross_amount_reporting
    from staged_orders
    left outer join exchange_rates
        on
            staged_orders.currency_code = exchange_rates.currency_code
            and exchange_rates.reporting_currency_code = '{{ var("reporting_currency") }}'
            and cast(staged_orders.ordered_at as date) >= exchange_rates.valid_from
            and (exchange_rates.valid_to is null or cast(staged_orders.ordered_at as date) < exchange_rates.valid_to)
    group by staged_orders.currency_code

),

mart_totals as (

    select
        currency_code,
        count(*) as order_count,
        sum(gross_amount) as gross_amount,
        sum(gross_amount_reporting) as gross_amount_reporting
    from mart_orders
    group by currency_code

),

compared as (

    select
        coalesce(staged_totals.currency_code, mart_totals.currency_code) as currency_code,
        staged_totals.order_count as staged_order_count,
        mart_totals.order_count as mart_order_count,
        staged_totals.gross_amount as staged_gross_amount,
        mart_totals.gross_amount as mart_gross_amount,
        staged_totals.gross_amount_reporting as staged_gross_amount_reporting,
        mart_totals.gross_amount_reporting as mart_gross_amount_reporting
    from staged_totals
    full outer join mart_totals
        on staged_totals.currency_code = mart_totals.currency_code

)

select *
from compared
where
    staged_order_count is null
    or mart_order_count is null
    or staged_order_count <> mart_order_count
    or staged_gross_amount <> mart_gross_amount
    or staged_gross_amount_reporting is null
    or mart_gross_amount_reporting is null
    or staged_gross_amount_reporting <> mart_gross_amount_reporting
