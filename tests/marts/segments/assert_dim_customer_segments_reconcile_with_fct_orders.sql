{#
    The purchase inputs of the segments equal fct_orders, recomputed here
    without the segment model's logic: per customer, orders not cancelled and
    their net revenue in the reporting currency up to the as-of date, and the
    first and latest order dates; anonymous orders (no customer) are no
    one's. A customer of dim_customers without such orders must have 0 and 0. A row returned names the customer and the values
    that differ.
#}

with

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

as_of as (

    select max(segments_as_of_date) as segments_as_of_date
    from segments

),

order_totals as (

    select
        orders.customer_id,
        count(*) as order_count,
        sum(orders.net_amount_reporting) as net_revenue_reporting,
        min(orders.ordered_date) as first_order_date,
        max(orders.ordered_date) as last_order_date
    from orders
    cross join as_of
    where
        not orders.is_cancelled
        and orders.ordered_date <= as_of.segments_as_of_date
        and orders.customer_id is not null
    group by orders.customer_id

),

compared as (

    select
        coalesce(segments.customer_id, order_totals.customer_id) as customer_id,
        segments.order_count as segment_order_count,
        coalesce(order_totals.order_count, 0) as fct_order_count,
        segments.net_revenue_reporting as segment_net_revenue_reporting,
        coalesce(order_totals.net_revenue_reporting, 0) as fct_net_revenue_reporting,
        segments.first_order_date as segment_first_order_date,
        order_totals.first_order_date as fct_first_order_date,
        segments.last_order_date as segment_last_order_date,
        order_totals.last_order_date as fct_last_order_date
    from segments
    full outer join order_totals
        on segments.customer_id = order_totals.customer_id

)

select * from compared
where
    segment_order_count is null
    or segment_order_count <> fct_order_count
    or segment_net_revenue_reporting <> fct_net_revenue_reporting
    or coalesce(segment_first_order_date, cast('1900-01-01' as date))
    <> coalesce(fct_first_order_date, cast('1900-01-01' as date))
    or coalesce(segment_last_order_date, cast('1900-01-01' as date))
    <> coalesce(fct_last_order_date, cast('1900-01-01' as date))
