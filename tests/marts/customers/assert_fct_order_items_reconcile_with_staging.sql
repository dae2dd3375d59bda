{#
    Order lines in fct_order_items equal those served by staging after
    quarantine: line count, units, subtotal and discount per currency, and the
    gross in the reporting currency recomputed here from staging and the seed
    (gross = subtotal less discount, never below zero).
#}

with

staged_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

staged_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

mart_items as (

    select * from {{ ref('fct_order_items') }}

),

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

),

staged_lines as (

    select
        staged_items.currency_code,
        staged_items.quantity,
        staged_items.quantity * staged_items.unit_price as subtotal_amount,
        coalesce(staged_items.discount_amount, 0) as discount_amount,
        cast(staged_orders.ordered_at as date) as ordered_date
    from staged_items
    inner join staged_orders
        on staged_items.order_id = staged_orders.order_id

),

staged_totals as (

    select
        staged_lines.currency_code,
        count(*) as item_count,
        sum(staged_lines.quantity) as quantity,
        sum(staged_lines.subtotal_amount) as subtotal_amount,
        sum(staged_lines.discount_amount) as discount_amount,
        sum(round(
            case
                when staged_lines.discount_amount > staged_lines.subtotal_amount then 0
                else staged_lines.subtotal_amount - staged_lines.discount_amount
            end * exchange_rates.exchange_rate,
            2
        )) as gross_amount_reporting
    from staged_lines
    left outer join exchange_rates
        on
            staged_lines.currency_code = exchange_rates.currency_code
            and exchange_rates.reporting_currency_code = '{{ var("reporting_currency") }}'
            and staged_lines.ordered_date >= exchange_rates.valid_from
            and (exchange_rates.valid_to is null or staged_lines.ordered_date < exchange_rates.valid_to)
    group by staged_lines.currency_code

),

mart_totals as (

    select
        currency_code,
        count(*) as item_count,
        sum(quantity) as quantity,
        sum(subtotal_amount) as subtotal_amount,
        sum(discount_amount) as discount_amount,
        sum(gross_amount_reporting) as gross_amount_reporting
    from mart_items
    group by currency_code

),

compared as (

    select
        coalesce(staged_totals.currency_code, mart_totals.currency_code) as currency_code,
        staged_totals.item_count as staged_item_count,
        mart_totals.item_count as mart_item_count,
        staged_totals.quantity as staged_quantity,
        mart_totals.quantity as mart_quantity,
        staged_totals.subtotal_amount as staged_subtotal_amount,
        mart_totals.subtotal_amount as mart_subtotal_amount,
        staged_totals.discount_amount as staged_discount_amount,
        mart_totals.discount_amount as mart_discount_amount,
        staged_totals.gross_amount_reporting as staged_gross_amount_reporting,
        mart_totals.gross_amount_reporting as mart_gross_amount_reporting
    from staged_totals
    full outer join mart_totals
        on staged_totals.currency_code = mart_totals.currency_code

)

select *
from compared
where
    staged_item_count is null
    or mart_item_count is null
    or staged_item_count <> mart_item_count
    or staged_quantity <> mart_quantity
    or staged_subtotal_amount <> mart_subtotal_amount
    or staged_discount_amount <> mart_discount_amount
    or staged_gross_amount_reporting is null
    or mart_gross_amount_reporting is null
    or staged_gross_amount_reporting <> mart_gross_amount_reporting
