{#
    dim_customer_segments has exactly the customers of dim_customers, each
    once: none left out (the relationships test covers the other direction).
    A row returned names a customer missing from the segments.
#}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

)

select customers.customer_id
from customers
left outer join segments
    on customers.customer_id = segments.customer_id
where segments.customer_id is null
