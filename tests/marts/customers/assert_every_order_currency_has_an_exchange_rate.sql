{#
    Every currency and order date served by staging (orders and their lines)
    has exactly one rate into the reporting currency: a missing rate would
    leave reporting amounts empty, two would double the order. Each row
    returned is a currency and date to add to (or fix in) the exchange_rates seed.
#}

with

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

order_items as (

    select * from {{ ref('stg_shop__order_items') }}

),

exchange_rates as (

    select * from {{ ref('exchange_rates') }}

),

currency_dates as (

    select
        currency_code,
        cast(ordered_at as date) as ordered_date
    from orders

    union

    select
        order_items.currency_code,
        cast(orders.ordered_at as date) as ordered_date
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id

),

rates_found as (

    select
        currency_dates.currency_code,
        currency_dates.ordered_date,
        count(exchange_rates.exchange_rate) as rate_count
    from currency_dates
    left outer join exchange_rates
        on
            currency_dates.currency_code = exchange_rates.currency_code
            and exchange_rates.reporting_currency_code = '{{ var("reporting_currency") }}'
            and currency_dates.ordered_date >= exchange_rates.valid_from
            and (exchange_rates.valid_to is null or currency_dates.ordered_date < exchange_rates.valid_to)
    group by currency_dates.currency_code, currency_dates.ordered_date

)

select
    currency_code,
    ordered_date,
    rate_count
from rates_found
where rate_count <> 1
