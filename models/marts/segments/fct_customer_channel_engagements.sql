{#
    How much each customer engages through each channel, from the touches the
    customer starts (seeds/segments/engagement_interaction_weights.csv weighs
    each interaction type; what the business sends, such as an email
    delivered, weighs 0 and does not count). The channel with the highest
    weighted engagement is the customer's preferred channel; ties go to the
    channel touched most recently, then to the channel name, so that the
    choice never depends on row order.
#}

with

interactions as (

    select * from {{ ref('fct_customer_interactions') }}

),

engagement_weights as (

    select * from {{ ref('engagement_interaction_weights') }}

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
        customer_id,
        channel,
        cast(touch_count as bigint) as touch_count,
        cast(engagement_score as bigint) as engagement_score,
        cast({{ customer360.round_half_up('engagement_share', 4) }} as numeric(5, 4)) as engagement_share,
        cast(channel_rank as integer) as channel_rank,
        channel_rank = 1 as is_preferred_channel,
        last_touch_at
    from ranked

)

select * from final
