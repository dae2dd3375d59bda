{#
    Every cross-sell candidate belongs to a customer whose current marketing
    consent is granted and who is not erased, and names a category the
    customer never bought (an order line not cancelled). A row returned is a
    candidate that breaks either rule, with the reason.
#}

with

candidates as (

    select * from {{ ref('fct_cross_sell_candidates') }}

),

consents as (

    select * from {{ ref('int_customer_consents_resolved') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

bought_categories as (

    select distinct
        order_items.customer_id,
        products.category
    from order_items
    inner join products
        on order_items.product_id = products.product_id
    where order_items.item_status <> 'cancelled'

),

checked as (

    select
        candidates.customer_id,
        candidates.category,
        case
            when consents.customer_id is null then 'no_consent_decision'
            when consents.is_erased then 'erased'
            when coalesce(consents.marketing_consent_status, 'none') <> 'granted' then 'marketing_not_granted'
            when bought_categories.customer_id is not null then 'category_already_bought'
        end as failure_reason
    from candidates
    left outer join consents
        on candidates.customer_id = consents.customer_id
    left outer join bought_categories
        on
            candidates.customer_id = bought_categories.customer_id
            and candidates.category = bought_categories.category

)

select *
from checked
where failure_reason is not null
