{#
    Cross-sell candidates: product categories a customer shows interest in
    but has never bought (the interest-product gap), ranked per customer,
    only for customers whose consent allows marketing.

    - Consent: the customer's current marketing consent
      (int_customer_consents_resolved, which applies the precedence of grants,
      withdrawals and erasures) is `granted` and the customer is not erased.
      No consent decision at all means no marketing.
    - Interest: product views and add-to-carts of the category on the web in
      the last `cross_sell_lookback_days` days up to the as-of date, and the
      categories a third-party profile lists among the person's interests;
      each weighted by the cross_sell_signal_weights seed and summed.
    - Bought: any order line of the category that was not cancelled (a
      returned purchase still shows the customer knows the category).
    - Kept: score at least `cross_sell_min_interest_score`; at most
      `cross_sell_max_candidates` per customer, best score first, then the
      most recent interest, then the category name.
    The as-of date is the segments' (dim_customer_segments), so that the
    windows here and there end on the same day.
#}

{%- set lookback_days = var('cross_sell_lookback_days') -%}

with

consents as (

    select * from {{ ref('int_customer_consents_resolved') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

interactions as (

    select * from {{ ref('fct_customer_interactions') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

enrichment_profiles as (

    select * from {{ ref('stg_enrichment__profiles') }}

),

customer_records as (

    select * from {{ ref('bridge_customer_source_records') }}

),

signal_weights as (

    select * from {{ ref('cross_sell_signal_weights') }}

),

as_of as (

    select max(segments_as_of_date) as as_of_date
    from segments

),

weights as (

    select
        coalesce(max(case when interest_signal = 'product_view' then signal_weight end), 0) as product_view_weight,
        coalesce(max(case when interest_signal = 'add_to_cart' then signal_weight end), 0) as add_to_cart_weight,
        coalesce(max(case when interest_signal = 'declared_interest' then signal_weight end), 0)
            as declared_interest_weight
    from signal_weights

),

marketable_customers as (

    select
        customer_id,
        marketing_consent_effective_at
    from consents
    where
        marketing_consent_status = 'granted'
        and not is_erased

),

categories as (

    select distinct category
    from products
    where category is not null

),

product_interests as (

    select
        interactions.customer_id,
        products.category,
        sum(case when interactions.interaction_type = 'product_view' then 1 else 0 end) as product_view_count,
        sum(case when interactions.interaction_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_count,
        max(interactions.occurred_at) as last_interest_at
    from interactions
    inner join marketable_customers
        on interactions.customer_id = marketable_customers.customer_id
    inner join products
        on interactions.product_id = products.product_id
    cross join as_of
    where
        interactions.interaction_type in ('product_view', 'add_to_cart')
        and products.category is not null
        and interactions.occurred_date <= as_of.as_of_date
        and interactions.occurred_date > {{ dbt.dateadd('day', -lookback_days, 'as_of.as_of_date') }}
    group by interactions.customer_id, products.category

),

declared_interests as (

    select distinct
        customer_records.customer_id,
        categories.category
    from enrichment_profiles
    inner join customer_records
        on
            enrichment_profiles.profile_id = customer_records.source_record_id
            and customer_records.source_table = 'enrichment_profiles'
    inner join marketable_customers
        on customer_records.customer_id = marketable_customers.customer_id
    inner join categories
        on
            {{ dbt.concat(["';'", 'enrichment_profiles.interests', "';'"]) }}
            like {{ dbt.concat(["'%;'", 'categories.category', "';%'"]) }}

),

interests as (

    select
        coalesce(product_interests.customer_id, declared_interests.customer_id) as customer_id,
        coalesce(product_interests.category, declared_interests.category) as category,
        coalesce(product_interests.product_view_count, 0) as product_view_count,
        coalesce(product_interests.add_to_cart_count, 0) as add_to_cart_count,
        declared_interests.customer_id is not null as has_declared_interest,
        product_interests.last_interest_at
    from product_interests
    full outer join declared_interests
        on
            product_interests.customer_id = declared_interests.customer_id
            and product_interests.category = declared_interests.category

),

bought_categories as (

    select distinct
        order_items.customer_id,
        products.category
    from order_items
    inner join products
        on order_items.product_id = products.product_id
    where
        order_items.item_status <> 'cancelled'
        and products.category is not null

),

scored as (

    select
        interests.*,
        interests.product_view_count * weights.product_view_weight
        + interests.add_to_cart_count * weights.add_to_cart_weight
        + case when interests.has_declared_interest then weights.declared_interest_weight else 0 end
            as interest_score
    from interests
    cross join weights
    left outer join bought_categories
        on
            interests.customer_id = bought_categories.customer_id
            and interests.category = bought_categories.category
    where bought_categories.customer_id is null

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by
                interest_score desc,
                case when last_interest_at is null then 1 else 0 end asc,
                last_interest_at desc,
                category asc
        ) as candidate_rank
    from scored
    where interest_score >= {{ var('cross_sell_min_interest_score') }}

),

final as (

    select
        ranked.customer_id,
        ranked.category,
        segments.rfm_segment,
        segments.value_tier,
        segments.lifecycle_stage,
        segments.top_category,
        cast(ranked.candidate_rank as bigint) as candidate_rank,
        cast(ranked.interest_score as numeric(18, 2)) as interest_score,
        cast(ranked.product_view_count as bigint) as product_view_count,
        cast(ranked.add_to_cart_count as bigint) as add_to_cart_count,
        ranked.has_declared_interest,
        as_of.as_of_date,
        cast(ranked.last_interest_at as date) as last_interest_date,
        marketable_customers.marketing_consent_effective_at
    from ranked
    inner join marketable_customers
        on ranked.customer_id = marketable_customers.customer_id
    cross join as_of
    left outer join segments
        on ranked.customer_id = segments.customer_id
    where ranked.candidate_rank <= {{ var('cross_sell_max_candidates') }}

)

select * from final
