{#
    Per customer and product category, how much of the customer's buying and
    browsing goes to that category: units bought (order lines not cancelled;
    a returned line still shows interest) and product views. Each share is
    the category's part of the customer's own total, so the shares of a
    customer add up to 1. The affinity blends the two with the weights
    `affinity_purchase_weight` and `affinity_view_weight`; a customer who only
    bought (or only browsed) is judged on that alone, so affinities always
    add up to 1 per customer and one threshold fits everyone. Products
    without a category (inferred products) are left out.

    Built per customer: each row stores the fingerprints of its customer's
    order lines and product views and of the categories and weights, and a
    daily build computes again only the customers whose fingerprints changed
    and new ones, comparing those of the customers whose lines or views
    changed since its last build (macros/customers/affinities_by_customer.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['customer_id'],
            {
                'affinity_inputs_fingerprint': 'affinity_inputs_fingerprint',
                'affinity_rules_fingerprint': 'affinity_rules_fingerprint',
            },
            affinity_inputs_fingerprints(),
            many_rows_per_key=true,
            changes=affinity_inputs_changed_since_built(),
        ) }}",
    )
}}
{%- set incremental = is_incremental() %}

{%- set purchase_weight = var('affinity_purchase_weight') -%}
{%- set view_weight = var('affinity_view_weight') %}

with

order_items as (

    {#- in a daily build, the customers the pre-hook just deleted and new ones (see the macro) -#}
    select *
    from {{ ref('fct_order_items') }}
    where {{ is_customer_to_build(incremental) }}

),

interactions as (

    select *
    from {{ ref('fct_customer_interactions') }}
    where {{ is_customer_to_build(incremental) }}

),

products as (

    select * from {{ ref('dim_products') }}

),

{# what each customer built here is computed from, stored on its rows for the next build to compare #}
inputs_fingerprints as (

    select *
    from {{ affinity_inputs_fingerprints(is_customer_to_build(incremental)) }} as fingerprints

),

{#
    Summed per order first, then per category: the orders are then counted
    with count(*), where count(distinct) would need a grouping of its own
    joined back to the sums.
#}
purchased_orders as (

    select
        order_items.customer_id,
        products.category,
        order_items.order_id,
        sum(order_items.quantity) as item_quantity,
        sum(order_items.net_amount_reporting) as net_revenue_reporting
    from order_items
    inner join products
        on order_items.product_id = products.product_id
    where
        order_items.item_status <> 'cancelled'
        and products.category is not null
        and order_items.customer_id is not null
    group by
        order_items.customer_id,
        products.category,
        order_items.order_id

),

purchased as (

    select
        customer_id,
        category,
        count(*) as order_count,
        sum(item_quantity) as item_quantity,
        sum(net_revenue_reporting) as net_revenue_reporting
    from purchased_orders
    group by
        customer_id,
        category

),

viewed as (

    select
        interactions.customer_id,
        products.category,
        count(*) as product_view_count
    from interactions
    inner join products
        on interactions.product_id = products.product_id
    where
        interactions.interaction_type = 'product_view'
        and interactions.customer_id is not null
        and products.category is not null
    group by
        interactions.customer_id,
        products.category

),

combined as (

    select
        coalesce(purchased.customer_id, viewed.customer_id) as customer_id,
        coalesce(purchased.category, viewed.category) as category,
        coalesce(purchased.order_count, 0) as order_count,
        coalesce(purchased.item_quantity, 0) as item_quantity,
        coalesce(purchased.net_revenue_reporting, 0) as net_revenue_reporting,
        coalesce(viewed.product_view_count, 0) as product_view_count
    from purchased
    full outer join viewed
        on
            purchased.customer_id = viewed.customer_id
            and purchased.category = viewed.category

),

customer_totals as (

    select
        *,
        sum(item_quantity) over (partition by customer_id) as customer_item_quantity,
        sum(product_view_count) over (partition by customer_id) as customer_product_view_count
    from combined

),

shares as (

    select
        *,
        case
            when customer_item_quantity > 0 then 1.0 * item_quantity / customer_item_quantity
        end as purchase_share,
        case
            when customer_product_view_count > 0 then 1.0 * product_view_count / customer_product_view_count
        end as view_share
    from customer_totals

),

scored as (

    select
        *,
        cast({{ customer360.round_half_up(
            '(' ~ purchase_weight ~ ' * coalesce(purchase_share, 0) + ' ~ view_weight ~ ' * coalesce(view_share, 0))'
            ~ ' / (case when purchase_share is null then 0 else ' ~ purchase_weight ~ ' end'
            ~ ' + case when view_share is null then 0 else ' ~ view_weight ~ ' end)',
            4
        ) }} as numeric(5, 4)) as affinity_score
    from shares

),

{# ranked on the score as published, so that the top category can be read off the columns #}
ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by affinity_score desc, item_quantity desc, product_view_count desc, category asc
        ) as affinity_rank
    from scored

),

final as (

    select
        ranked.customer_id,
        ranked.category,
        cast(ranked.order_count as bigint) as order_count,
        cast(ranked.item_quantity as bigint) as item_quantity,
        cast(ranked.product_view_count as bigint) as product_view_count,
        cast(ranked.net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast({{ customer360.round_half_up('ranked.purchase_share', 4) }} as numeric(5, 4)) as purchase_share,
        cast({{ customer360.round_half_up('ranked.view_share', 4) }} as numeric(5, 4)) as view_share,
        ranked.affinity_score,
        cast(ranked.affinity_rank as integer) as affinity_rank,
        ranked.affinity_rank = 1 as is_top_category,
        ranked.affinity_score >= {{ var('interest_group_min_affinity') }} as is_interest_group,
        inputs_fingerprints.affinity_inputs_fingerprint,
        inputs_fingerprints.affinity_rules_fingerprint,
        {{ run_started_at_second() }} as built_at
    from ranked
    inner join inputs_fingerprints
        on ranked.customer_id = inputs_fingerprints.customer_id

)

select * from final
