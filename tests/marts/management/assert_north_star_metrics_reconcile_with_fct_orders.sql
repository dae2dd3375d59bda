{#
    Per day, the orders and the gross and net revenue of the daily headline
    figures equal those of fct_orders, and no order date is missing from the
    days. A row returned is a day that differs.
#}

with

metrics as (

    select * from {{ ref('fct_north_star_metrics_daily') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

order_days as (

    select
        ordered_date,
        count(*) as order_count,
        sum(gross_amount_reporting) as gross_revenue_reporting,
        sum(net_amount_reporting) as net_revenue_reporting
    from orders
    group by ordered_date

),

compared as (

    select
        coalesce(metrics.kpi_date, order_days.ordered_date) as kpi_date,
        metrics.kpi_date is null as is_day_missing,
        coalesce(metrics.order_count, 0) as metrics_order_count,
        coalesce(order_days.order_count, 0) as fact_order_count,
        coalesce(metrics.gross_revenue_reporting, 0) as metrics_gross_revenue_reporting,
        coalesce(order_days.gross_revenue_reporting, 0) as fact_gross_revenue_reporting,
        coalesce(metrics.net_revenue_reporting, 0) as metrics_net_revenue_reporting,
        coalesce(order_days.net_revenue_reporting, 0) as fact_net_revenue_reporting
    from metrics
    full outer join order_days
        on metrics.kpi_date = order_days.ordered_date

)

select *
from compared
where
    is_day_missing
    or metrics_order_count <> fact_order_count
    or metrics_gross_revenue_reporting <> fact_gross_revenue_reporting
    or metrics_net_revenue_reporting <> fact_net_revenue_reporting
