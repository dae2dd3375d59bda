{#
    How much each customer engages through each channel, from the touches the
    customer starts (seeds/segments/engagement_interaction_weights.csv weighs
    each interaction type; what the business sends, such as an email
    delivered, weighs 0 and does not count). The channel with the highest
    weighted engagement is the customer's preferred channel; ties go to the
    channel touched most recently, then to the channel name, so that the
    choice never depends on row order.

    Built per customer: each row stores the fingerprints of its customer's
    touches and of the weights seed, and a daily build computes again only
    the customers whose fingerprints changed and new ones, comparing those
    of the customers whose touches changed since its last build
    (macros/customers/engagements_by_customer.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['customer_id'],
            {
                'engagement_inputs_fingerprint': 'engagement_inputs_fingerprint',
                'engagement_rules_fingerprint': 'engagement_rules_fingerprint',
            },
            engagement_inputs_fingerprints(),
            many_rows_per_key=true,
            changes=engagement_inputs_changed_since_built(),
        ) }}",
    )
}}
{%- set incremental = is_incremental() %}

with

all_interactions as (

    select * from {{ ref('fct_customer_interactions') }}

),

engagement_weights as (

    select * from {{ ref('engagement_interaction_weights') }}

),

{# in a daily build, the customers the pre-hook just deleted and new ones (see the macro) #}
interactions as (

    select *
    from all_interactions
    where {{ is_customer_to_build(incremental) }}

),

{# what each customer built here is computed from, stored on its rows for the next build to compare #}
inputs_fingerprints as (

    select *
    from {{ engagement_inputs_fingerprints(is_customer_to_build(incremental)) }} as fingerprints

),

channel_touches as (

    select
        interactions.customer_id,
        interactions.channel,
        count(*) as touch_count,
        sum(engagement_weights.engagement_weight) as engagement_score,
        max(interactions.occurred_at) as last_touch_at
    from interactions
    inner join engagement_weights
        on interactions.interaction_type = engagement_weights.interaction_type
    where
        interactions.customer_id is not null
        and engagement_weights.engagement_weight > 0
    group by
        interactions.customer_id,
        interactions.channel

),

ranked as (

    select
        customer_id,
        channel,
        touch_count,
        engagement_score,
        1.0 * engagement_score / sum(engagement_score) over (partition by customer_id) as engagement_share,
        row_number() over (
            partition by customer_id
            order by engagement_score desc, last_touch_at desc, channel asc
        ) as channel_rank,
        last_touch_at
    from channel_touches

),

final as (

    select
        ranked.customer_id,
        ranked.channel,
        cast(ranked.touch_count as bigint) as touch_count,
        cast(ranked.engagement_score as bigint) as engagement_score,
        cast({{ customer360.round_half_up('ranked.engagement_share', 4) }} as numeric(5, 4)) as engagement_share,
        cast(ranked.channel_rank as integer) as channel_rank,
        ranked.channel_rank = 1 as is_preferred_channel,
        ranked.last_touch_at,
        inputs_fingerprints.engagement_inputs_fingerprint,
        inputs_fingerprints.engagement_rules_fingerprint,
        {{ run_started_at_second() }} as built_at
    from ranked
    inner join inputs_fingerprints
        on ranked.customer_id = inputs_fingerprints.customer_id

)

select * from final
