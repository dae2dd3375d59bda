{#
    Over all acquisition channels and sources, the customers are every
    customer of dim_customers, and the orders and net revenue those of
    fct_orders that belong to a customer (an anonymous order was acquired
    through no channel). A row returned names the measure that differs.
#}

with

channels as (

    select * from {{ ref('fct_acquisition_channels') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

orders as (

    select * from {{ ref('fct_orders') }}
    where customer_id is not null

),

compared as (

    select
        'customers' as measure,
        (select sum(customer_count) from channels) as mart_total,
        (select count(*) from customers) as expected_total
    union all
    select
        'orders' as measure,
        (select sum(order_count) from channels) as mart_total,
        (select count(*) from orders) as expected_total
    union all
    select
        'net_revenue_reporting' as measure,
        (select sum(net_revenue_reporting) from channels) as mart_total,
        (select sum(net_amount_reporting) from orders) as expected_total

)

select *
from compared
where coalesce(mart_total, 0) <> coalesce(expected_total, 0)
