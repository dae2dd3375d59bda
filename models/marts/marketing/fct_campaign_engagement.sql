{#
    Email campaign engagement by segment: per campaign, RFM segment and value
    tier, the events of each type and the customers who received, opened and
    clicked. Email events reach customers through their subscriber; a
    subscriber without a customer, or a customer without a segment, falls in
    `unassigned`. Segments are the customers' current ones (the segment
    history is not kept yet), not the ones they had when the campaign ran.

    Rates are per recipient reached (any event of the campaign), because the
    platform's event types are not a strict funnel: an open or a click can
    arrive without the events that should precede it.
#}

{%- set event_types = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained'] -%}

with

email_events as (

    select * from {{ ref('stg_email__events') }}

),

customer_records as (

    select * from {{ ref('bridge_customer_source_records') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

subscriber_customers as (

    select
        source_record_id as subscriber_id,
        customer_id
    from customer_records
    where source_table = 'email_subscribers'

),

campaign_names as (

    {# one name per campaign: the name can arrive truncated or flagged in some events #}
    select
        coalesce(campaign_id, 'unknown') as campaign_id,
        max(campaign_name) as campaign_name
    from email_events
    group by coalesce(campaign_id, 'unknown')

),

customer_events as (

    select
        coalesce(email_events.campaign_id, 'unknown') as campaign_id,
        email_events.event_type,
        email_events.occurred_at,
        subscriber_customers.customer_id,
        {# events of a subscriber without a customer count as one unknown recipient each #}
        coalesce(subscriber_customers.customer_id, email_events.subscriber_id) as recipient_id,
        coalesce(segments.rfm_segment, 'unassigned') as rfm_segment,
        coalesce(segments.value_tier, 'unassigned') as value_tier
    from email_events
    left outer join subscriber_customers
        on email_events.subscriber_id = subscriber_customers.subscriber_id
    left outer join segments
        on subscriber_customers.customer_id = segments.customer_id

),

engagement as (

    select
        campaign_id,
        rfm_segment,
        value_tier,
        count(distinct recipient_id) as recipient_count,
        {% for event_type in event_types %}
            sum(case when event_type = '{{ event_type }}' then 1 else 0 end) as {{ event_type }}_count,
        {% endfor %}
        count(distinct case when event_type = 'opened' then recipient_id end) as opened_recipient_count,
        count(distinct case when event_type = 'clicked' then recipient_id end) as clicked_recipient_count,
        count(*) as event_count,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at
    from customer_events
    group by campaign_id, rfm_segment, value_tier

),

rated as (

    select
        *,
        {{ round_half_up('cast(opened_recipient_count as numeric(18, 4)) / recipient_count', 4) }} as open_rate,
        {{ round_half_up('cast(clicked_recipient_count as numeric(18, 4)) / recipient_count', 4) }} as click_rate
    from engagement

),

final as (

    select
        rated.campaign_id,
        campaign_names.campaign_name,
        rated.rfm_segment,
        rated.value_tier,
        cast(rated.recipient_count as bigint) as recipient_count,
        cast(rated.opened_recipient_count as bigint) as opened_recipient_count,
        cast(rated.clicked_recipient_count as bigint) as clicked_recipient_count,
        cast(rated.event_count as bigint) as event_count,
        {% for event_type in event_types %}
            cast(rated.{{ event_type }}_count as bigint) as {{ event_type }}_count,
        {% endfor %}
        cast(rated.open_rate as numeric(9, 4)) as open_rate,
        cast(rated.click_rate as numeric(9, 4)) as click_rate,
        cast(rated.first_event_at as date) as first_event_date,
        cast(rated.last_event_at as date) as last_event_date
    from rated
    inner join campaign_names
        on rated.campaign_id = campaign_names.campaign_id

)

select * from final
