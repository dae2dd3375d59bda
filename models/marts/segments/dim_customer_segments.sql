{#
    One row per customer of dim_customers: RFM scores and segment, value
    tier, lifecycle stage, churn risk and expected lifetime value, preferred
    channel and top category, with the inputs of every rule as columns.

    Everything is judged at segments_as_of_date: the var of that name, else
    the latest day the data has seen (an order or a touch), never the clock,
    so that the same data always gives the same segments. Orders after that
    date are left out. A purchase is an order that is not cancelled; a
    customer without one is a prospect. The rules and formulas are in
    docs/marts.md.
#}

{%- set buckets = var('rfm_score_buckets') -%}
{%- set at_risk_multiplier = var('lifecycle_at_risk_gap_multiplier') -%}
{%- set churned_multiplier = var('lifecycle_churned_gap_multiplier') -%}
{%- set min_gap_days = var('lifecycle_min_gap_days') -%}
{%- set fallback_gap_days = var('lifecycle_fallback_gap_days') -%}
{%- set as_of_date = var('segments_as_of_date') %}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

interactions as (

    select * from {{ ref('fct_customer_interactions') }}

),

channel_engagements as (

    select * from {{ ref('fct_customer_channel_engagements') }}

),

category_affinities as (

    select * from {{ ref('fct_customer_category_affinities') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

value_tiers as (

    select * from {{ ref('value_tiers') }}

),

as_of as (

    {% if as_of_date -%}
        select cast('{{ as_of_date }}' as date) as segments_as_of_date
    {%- else -%}
        select max(observed_date) as segments_as_of_date
        from (
            select max(ordered_date) as observed_date from orders
            union all
            select max(occurred_date) as observed_date from interactions
        ) as observed_dates
    {%- endif %}

),

purchases as (

    select
        orders.customer_id,
        orders.ordered_date,
        orders.net_amount_reporting
    from orders
    cross join as_of
    where
        not orders.is_cancelled
        and orders.ordered_date <= as_of.segments_as_of_date
        and orders.customer_id is not null

),

order_totals as (

    select
        customer_id,
        count(*) as order_count,
        sum(net_amount_reporting) as net_revenue_reporting,
        min(ordered_date) as first_order_date,
        max(ordered_date) as last_order_date
    from purchases
    group by customer_id

),

purchase_days as (

    select distinct
        customer_id,
        ordered_date as purchase_date
    from purchases

),

{# both windows sort the same way, so the engine sorts a customer's purchase days once #}
purchase_gaps as (

    select
        customer_id,
        {{ dbt.datediff(
            'lag(purchase_date) over (partition by customer_id order by purchase_date)',
            'purchase_date',
            'day'
        ) }} as gap_days,
        lead(purchase_date) over (partition by customer_id order by purchase_date) is null as is_last_purchase_day
    from purchase_days

),

{# the gap before the latest purchase day is kept apart to tell a return after a lapse #}
gap_summaries as (

    select
        customer_id,
        count(*) as purchase_day_count,
        percentile_cont(0.5) within group (order by gap_days) as median_gap_days,
        percentile_cont(0.5) within group (
            order by case when not is_last_purchase_day then gap_days end
        ) as median_gap_days_before_last,
        max(case when is_last_purchase_day then gap_days end) as last_gap_days
    from purchase_gaps
    group by customer_id

),

fallback as (

    {% if fallback_gap_days is not none -%}
        select cast({{ fallback_gap_days }} as numeric(10, 2)) as fallback_gap_days
    {%- else -%}
        select
            cast(
                coalesce(percentile_cont(0.5) within group (order by median_gap_days), {{ min_gap_days }})
                as numeric(10, 2)
            ) as fallback_gap_days
        from gap_summaries
    {%- endif %}

),

buyers as (

    select
        order_totals.customer_id,
        order_totals.order_count,
        gap_summaries.purchase_day_count,
        coalesce(order_totals.net_revenue_reporting, 0) as net_revenue_reporting,
        {{ dbt.datediff(
            'order_totals.last_order_date',
            'as_of.segments_as_of_date',
            'day'
        ) }} as recency_days,
        {{ dbt.datediff(
            'order_totals.first_order_date',
            'as_of.segments_as_of_date',
            'day'
        ) }} as days_since_first_order,
        cast(gap_summaries.median_gap_days as numeric(10, 2)) as median_gap_days,
        cast(gap_summaries.last_gap_days as integer) as last_gap_days,
        greatest(
            cast(coalesce(gap_summaries.median_gap_days, fallback.fallback_gap_days) as numeric(10, 2)),
            {{ min_gap_days }}
        ) as expected_gap_days,
        greatest(
            cast(coalesce(gap_summaries.median_gap_days_before_last, fallback.fallback_gap_days) as numeric(10, 2)),
            {{ min_gap_days }}
        ) as previous_expected_gap_days,
        order_totals.first_order_date,
        order_totals.last_order_date
    from order_totals
    inner join gap_summaries
        on order_totals.customer_id = gap_summaries.customer_id
    cross join as_of
    cross join fallback

),

{#
    Scores by rank, not by ntile: customers with equal values share a rank and
    so a score. A score is 1 plus the share of buyers strictly worse, in
    buckets: least(n, 1 + floor(n * (rank - 1) / (buyers - 1))).
#}
ranked as (

    select
        *,
        rank() over (order by recency_days desc) as recency_rank,
        rank() over (order by order_count asc) as frequency_rank,
        rank() over (order by net_revenue_reporting asc) as monetary_rank,
        count(*) over () as buyer_count
    from buyers

),

scored as (

    select
        *,
        case
            when buyer_count = 1 then 1
            else least({{ buckets }}, 1 + floor(1.0 * {{ buckets }} * (recency_rank - 1) / (buyer_count - 1)))
        end as rfm_recency_score,
        case
            when buyer_count = 1 then 1
            else least({{ buckets }}, 1 + floor(1.0 * {{ buckets }} * (frequency_rank - 1) / (buyer_count - 1)))
        end as rfm_frequency_score,
        case
            when buyer_count = 1 then 1
            else least({{ buckets }}, 1 + floor(1.0 * {{ buckets }} * (monetary_rank - 1) / (buyer_count - 1)))
        end as rfm_monetary_score,
        1 - exp(-1.0 * recency_days / expected_gap_days) as churn_risk
    from ranked

),

{#
    The pattern of each score combination that occurs (at most buckets cubed), matched against
    the seed once per combination rather than once per buyer; buyers take theirs by their scores.
#}
score_combinations as (

    select distinct
        rfm_recency_score,
        rfm_frequency_score,
        rfm_monetary_score
    from scored

),

combination_matches as (

    select
        score_combinations.rfm_recency_score,
        score_combinations.rfm_frequency_score,
        score_combinations.rfm_monetary_score,
        rfm_segments.rfm_segment,
        row_number() over (
            partition by
                score_combinations.rfm_recency_score,
                score_combinations.rfm_frequency_score,
                score_combinations.rfm_monetary_score
            order by rfm_segments.segment_priority asc
        ) as match_order
    from score_combinations
    inner join rfm_segments
        on
            score_combinations.rfm_recency_score between rfm_segments.recency_score_min
            and rfm_segments.recency_score_max
            and score_combinations.rfm_frequency_score between rfm_segments.frequency_score_min
            and rfm_segments.frequency_score_max
            and score_combinations.rfm_monetary_score between rfm_segments.monetary_score_min
            and rfm_segments.monetary_score_max

),

customer_metrics as (

    select
        customers.customer_id,
        scored.rfm_recency_score,
        scored.rfm_frequency_score,
        scored.rfm_monetary_score,
        case
            when scored.customer_id is null then 'prospect'
            else coalesce(combination_matches.rfm_segment, 'unclassified')
        end as rfm_segment,
        coalesce(scored.order_count, 0) as order_count,
        coalesce(scored.purchase_day_count, 0) as purchase_day_count,
        coalesce(scored.net_revenue_reporting, 0) as net_revenue_reporting,
        scored.recency_days,
        scored.days_since_first_order,
        scored.median_gap_days,
        scored.last_gap_days,
        scored.expected_gap_days,
        scored.previous_expected_gap_days,
        scored.churn_risk,
        scored.first_order_date,
        scored.last_order_date
    from customers
    left outer join scored
        on customers.customer_id = scored.customer_id
    left outer join combination_matches
        on
            scored.rfm_recency_score = combination_matches.rfm_recency_score
            and scored.rfm_frequency_score = combination_matches.rfm_frequency_score
            and scored.rfm_monetary_score = combination_matches.rfm_monetary_score
            and combination_matches.match_order = 1

),

{# a tier is reached when any one of its rows has both thresholds met; the best tier reached wins #}
tier_matches as (

    select
        customer_metrics.customer_id,
        min(value_tiers.tier_rank) as tier_rank
    from customer_metrics
    inner join value_tiers
        on
            customer_metrics.order_count >= value_tiers.min_order_count
            and customer_metrics.net_revenue_reporting >= value_tiers.min_net_revenue_reporting
    group by customer_metrics.customer_id

),

tier_names as (

    select distinct
        tier_rank,
        value_tier
    from value_tiers

),

staged as (

    select
        customer_metrics.*,
        tier_names.value_tier,
        case
            when customer_metrics.order_count = 0 then 'prospect'
            when customer_metrics.recency_days > {{ churned_multiplier }} * customer_metrics.expected_gap_days
                then 'churned'
            when customer_metrics.recency_days > {{ at_risk_multiplier }} * customer_metrics.expected_gap_days
                then 'at_risk'
            when customer_metrics.days_since_first_order < {{ var('lifecycle_new_days') }} then 'new'
            when
                customer_metrics.last_gap_days
                > {{ churned_multiplier }} * customer_metrics.previous_expected_gap_days
                then 'reactivated'
            else 'active'
        end as lifecycle_stage,
        cast({{ customer360.round_half_up('customer_metrics.churn_risk', 4) }} as numeric(5, 4)) as churn_risk_score,
        cast({{ customer360.round_half_up(
            'customer_metrics.net_revenue_reporting / nullif(customer_metrics.order_count, 0)', 2
        ) }} as numeric(18, 2)) as average_order_value_reporting,
        cast(
            {{ customer360.round_half_up('365.0 / customer_metrics.expected_gap_days', 4) }} as numeric(12, 4)
        ) as expected_orders_per_year
    from customer_metrics
    left outer join tier_matches
        on customer_metrics.customer_id = tier_matches.customer_id
    left outer join tier_names
        on tier_matches.tier_rank = tier_names.tier_rank

),

{# from the published, rounded inputs, so that anyone can recompute the value from the columns #}
valued as (

    select
        *,
        cast(
            {{ customer360.round_half_up('(1 - churn_risk_score) * ' ~ var('clv_horizon_years'), 4) }} as numeric(12, 4)
        )
            as expected_lifetime_years
    from staged

),

final as (

    select
        valued.customer_id,
        valued.rfm_segment,
        valued.value_tier,
        valued.lifecycle_stage,
        preferred_channels.channel as preferred_channel,
        top_categories.category as top_category,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        cast(valued.recency_days as integer) as recency_days,
        cast(valued.order_count as bigint) as order_count,
        cast(valued.purchase_day_count as bigint) as purchase_day_count,
        cast(valued.net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        valued.average_order_value_reporting,
        cast(valued.rfm_recency_score as integer) as rfm_recency_score,
        cast(valued.rfm_frequency_score as integer) as rfm_frequency_score,
        cast(valued.rfm_monetary_score as integer) as rfm_monetary_score,
        cast(valued.days_since_first_order as integer) as days_since_first_order,
        valued.median_gap_days,
        valued.last_gap_days,
        cast(valued.expected_gap_days as numeric(10, 2)) as expected_gap_days,
        cast(valued.previous_expected_gap_days as numeric(10, 2)) as previous_expected_gap_days,
        valued.churn_risk_score,
        valued.expected_orders_per_year,
        valued.expected_lifetime_years,
        cast(
            {{ customer360.round_half_up(
                'valued.average_order_value_reporting * valued.expected_orders_per_year'
                ~ ' * valued.expected_lifetime_years * ' ~ var('clv_margin_rate'),
                2
            ) }} as numeric(18, 2)
        ) as expected_lifetime_value_reporting,
        valued.first_order_date,
        valued.last_order_date,
        as_of.segments_as_of_date
    from valued
    cross join as_of
    left outer join channel_engagements as preferred_channels
        on
            valued.customer_id = preferred_channels.customer_id
            and preferred_channels.is_preferred_channel
    left outer join category_affinities as top_categories
        on
            valued.customer_id = top_categories.customer_id
            and top_categories.is_top_category

)

select * from final
