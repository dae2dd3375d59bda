{#
    The service view has every customer of dim_customers, and their order
    counts add up to the orders of fct_orders with a customer (anonymous
    orders are no one's); open tickets add up to the open tickets with a
    customer. A row returned names the measure that
    differs.
#}

with

service_view as (

    select * from {{ ref('dim_customer_service_view') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

compared as (

    select
        'customers' as measure,
        (select count(*) from service_view) as mart_count,
        (select count(*) from customers) as expected_count
    union all
    select
        'orders' as measure,
        (select sum(order_count) from service_view) as mart_count,
        (select count(*) from orders where customer_id is not null) as expected_count
    union all
    select
        'open_tickets' as measure,
        (select sum(open_ticket_count) from service_view) as mart_count,
        (select count(*) from tickets where is_open and customer_id is not null) as expected_count

)

select *
from compared
where coalesce(mart_count, 0) <> expected_count
