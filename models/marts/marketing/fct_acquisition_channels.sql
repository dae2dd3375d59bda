{#
    Which channel and source bring the most customers, and the most valuable
    ones: per acquisition channel and source (dim_customer_acquisition), the
    customers acquired, how many still buy (lifecycle stage new, active or
    reactivated), their orders and net revenue to date (fct_orders, reporting
    currency), the average per customer, and the share of VIPs. Counts and
    sums add up over rows; recompute averages and shares from them when
    rolling rows up to the channel.
#}

with

acquisitions as (

    select * from {{ ref('dim_customer_acquisition') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

customer_orders as (

    select
        customer_id,
        count(*) as order_count,
        sum(net_amount_reporting) as net_revenue_reporting
    from orders
    group by customer_id

),

customers as (

    select
        acquisitions.acquisition_channel,
        acquisitions.acquisition_source,
        coalesce(customer_orders.order_count, 0) as order_count,
        coalesce(customer_orders.net_revenue_reporting, 0) as net_revenue_reporting,
        coalesce(segments.expected_lifetime_value_reporting, 0) as expected_lifetime_value_reporting,
        customer_orders.customer_id is not null as has_ordered,
        coalesce(segments.lifecycle_stage in ('new', 'active', 'reactivated'), false) as is_active,
        coalesce(segments.value_tier = 'vip', false) as is_vip
    from acquisitions
    left outer join customer_orders
        on acquisitions.customer_id = customer_orders.customer_id
    left outer join segments
        on acquisitions.customer_id = segments.customer_id

),

channels as (

    select
        acquisition_channel,
        acquisition_source,
        count(*) as customer_count,
        sum(case when has_ordered then 1 else 0 end) as ordering_customer_count,
        sum(case when is_active then 1 else 0 end) as active_customer_count,
        sum(case when is_vip then 1 else 0 end) as vip_customer_count,
        sum(order_count) as order_count,
        sum(net_revenue_reporting) as net_revenue_reporting,
        sum(expected_lifetime_value_reporting) as expected_lifetime_value_reporting
    from customers
    group by acquisition_channel, acquisition_source

),

final as (

    select
        acquisition_channel,
        acquisition_source,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        cast(customer_count as bigint) as customer_count,
        cast(ordering_customer_count as bigint) as ordering_customer_count,
        cast(active_customer_count as bigint) as active_customer_count,
        cast(vip_customer_count as bigint) as vip_customer_count,
        cast(order_count as bigint) as order_count,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast({{ round_half_up('net_revenue_reporting / customer_count', 2) }} as numeric(18, 2))
            as average_net_revenue_per_customer_reporting,
        cast({{ round_half_up('expected_lifetime_value_reporting / customer_count', 2) }} as numeric(18, 2))
            as average_expected_lifetime_value_reporting,
        cast({{ round_half_up('cast(active_customer_count as numeric(18, 4)) / customer_count', 4) }} as numeric(9, 4))
            as active_customer_share,
        cast({{ round_half_up('cast(vip_customer_count as numeric(18, 4)) / customer_count', 4) }} as numeric(9, 4))
            as vip_customer_share
    from channels

)

select * from final
