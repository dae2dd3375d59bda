{#
    How each customer came to the business. The acquisition channel is the
    channel of the customer's earliest record, timed by when the record began
    (account created, first order placed, contact created, subscribed,
    enrolled, first social touch or ticket), not by when it was last updated.
    Only the channels of the acquisition_channels seed acquire a customer;
    its tie_break_rank settles records of the same time.

    The source within the channel: for web signups and online orders the
    campaign (utm_source) of the customer's first web session, else the host
    that referred that session, else `direct`; the CRM lead source, the email
    signup source, the social platform, the support ticket channel; `none`
    where the channel has no finer source.

    Built per customer: each row stores the fingerprints of what it was
    computed from (the customer's records with when their identity rows were
    written, their web events with their deliveries; the acquisition_channels
    seed), and a daily build computes again only the customers whose
    fingerprints changed and new ones, comparing those of the customers its
    inputs changed since its last build
    (macros/customers/acquisition_by_customer.sql).
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['customer_id'],
            {
                'acquisition_inputs_fingerprint': 'acquisition_inputs_fingerprint',
                'acquisition_rules_fingerprint': 'acquisition_rules_fingerprint',
            },
            acquisition_inputs_fingerprints(),
            changes=acquisition_inputs_changed_since_built(),
        ) }}",
    )
}}
{%- set incremental = is_incremental() -%}
{%- set record_starts = acquisition_record_starts() %}

with

all_customers as (

    select * from {{ ref('dim_customers') }}

),

{# in a daily build, the customers whose inputs changed (their rows were just deleted) and new ones #}
customers as (

    select *
    from all_customers
    where {{ is_key_to_build(['customer_id'], 'all_customers', incremental) }}

),

customer_records as (

    select * from {{ ref('bridge_customer_source_records') }}
    where {{ 'customer_id in (select customers.customer_id from customers)' if incremental else 'true' }}

),
{% for start in record_starts %}
    {{ start.alias }} as (

        select * from {{ ref(start.model) }}

    ),
{% endfor %}
interactions as (

    select * from {{ ref('fct_customer_interactions') }}
    where {{ 'customer_id in (select customers.customer_id from customers)' if incremental else 'true' }}

),

{# only the events of the customers built are ever read; a full build reads them all, unfiltered #}
web_events as (

    select * from {{ ref('stg_web__events') }}
    {% if incremental -%}
        where event_id in (
            select interactions.source_record_id
            from interactions
            where interactions.source_table = 'web_events'
        )
    {%- endif %}

),

acquisition_channels as (

    select * from {{ ref('acquisition_channels') }}

),

{# what each customer built here is computed from, stored on its row for the next build to compare #}
inputs_fingerprints as (

    select *
    from {{ acquisition_inputs_fingerprints(
        'customer_id in (select customers.customer_id from customers)' if incremental else 'true'
    ) }} as fingerprints

),

{# every record with the time it began, in its channel #}
record_starts as (

    {% for start in record_starts %}
        select
            customer_records.customer_id,
            customer_records.source_table,
            customer_records.source_record_id,
            {{ start.channel }} as acquisition_channel,
            {{ start.channel_source }} as channel_source,
            {{ start.alias }}.{{ start.started_at }} as started_at
        from customer_records
        inner join {{ start.alias }}
            on customer_records.source_record_id = {{ start.alias }}.{{ start.key }}
        where
            customer_records.source_table = '{{ start.source_table }}'
            and {{ start.alias }}.{{ start.started_at }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

acquiring_starts as (

    select
        record_starts.*,
        acquisition_channels.tie_break_rank
    from record_starts
    inner join acquisition_channels
        on record_starts.acquisition_channel = acquisition_channels.acquisition_channel

),

{# the earliest start first, so that ranking (for ties) runs on a few records per customer, not on all #}
first_start_times as (

    select
        customer_id,
        min(started_at) as first_started_at
    from acquiring_starts
    group by customer_id

),

ranked_starts as (

    select
        acquiring_starts.*,
        row_number() over (
            partition by acquiring_starts.customer_id
            order by
                acquiring_starts.tie_break_rank,
                acquiring_starts.source_table,
                acquiring_starts.source_record_id
        ) as start_rank
    from acquiring_starts
    inner join first_start_times
        on
            acquiring_starts.customer_id = first_start_times.customer_id
            and acquiring_starts.started_at = first_start_times.first_started_at

),

{# the customer of every web event, from the timeline: no need to read the events themselves #}
customer_web_events as (

    select
        customer_id,
        source_record_id as event_id,
        occurred_at
    from interactions
    where
        source_table = 'web_events'
        and customer_id is not null

),

{# as for record starts: the earliest time first, then ranking among the events of that instant #}
first_web_event_times as (

    select
        customer_id,
        min(occurred_at) as first_occurred_at
    from customer_web_events
    group by customer_id

),

first_web_events as (

    select
        customer_web_events.customer_id,
        web_events.session_id,
        row_number() over (
            partition by customer_web_events.customer_id order by customer_web_events.event_id
        ) as event_rank
    from customer_web_events
    inner join first_web_event_times
        on
            customer_web_events.customer_id = first_web_event_times.customer_id
            and customer_web_events.occurred_at = first_web_event_times.first_occurred_at
    inner join web_events
        on customer_web_events.event_id = web_events.event_id

),

{# the events of each customer's first session: only these are read in full #}
first_session_web_events as (

    select
        customer_web_events.customer_id,
        web_events.event_id,
        web_events.utm_source,
        web_events.utm_medium,
        web_events.utm_campaign,
        web_events.referrer,
        web_events.occurred_at
    from first_web_events
    inner join web_events
        on first_web_events.session_id = web_events.session_id
    inner join customer_web_events
        on
            web_events.event_id = customer_web_events.event_id
            and first_web_events.customer_id = customer_web_events.customer_id
    where first_web_events.event_rank = 1

),

{# within the first session: the earliest event that carries a campaign, and the earliest with a referrer #}
first_session_events as (

    select
        first_session_web_events.*,
        row_number() over (
            partition by first_session_web_events.customer_id
            order by
                case when first_session_web_events.utm_source is null then 1 else 0 end,
                first_session_web_events.occurred_at,
                first_session_web_events.event_id
        ) as campaign_rank,
        row_number() over (
            partition by first_session_web_events.customer_id
            order by
                case when first_session_web_events.referrer is null then 1 else 0 end,
                first_session_web_events.occurred_at,
                first_session_web_events.event_id
        ) as referrer_rank
    from first_session_web_events

),

first_sessions as (

    select
        customer_id,
        max(case when campaign_rank = 1 then utm_source end) as first_web_utm_source,
        max(case when campaign_rank = 1 then utm_medium end) as first_web_utm_medium,
        max(case when campaign_rank = 1 then utm_campaign end) as first_web_utm_campaign,
        {# https://www.google.com/path -> www.google.com #}
        max(case when referrer_rank = 1 then {{ dbt.split_part('referrer', "'/'", 3) }} end) as first_web_referrer_host,
        min(occurred_at) as first_web_session_started_at
    from first_session_events
    group by customer_id

),

final as (

    select
        customers.customer_id,
        coalesce(ranked_starts.acquisition_channel, 'unknown') as acquisition_channel,
        case
            when ranked_starts.acquisition_channel in ('web', 'online_shop')
                then coalesce(
                    first_sessions.first_web_utm_source,
                    nullif(first_sessions.first_web_referrer_host, ''),
                    'direct'
                )
            else coalesce(ranked_starts.channel_source, 'none')
        end as acquisition_source,
        ranked_starts.source_table as acquisition_source_table,
        ranked_starts.source_record_id as acquisition_source_record_id,
        first_sessions.first_web_utm_source,
        first_sessions.first_web_utm_medium,
        first_sessions.first_web_utm_campaign,
        nullif(first_sessions.first_web_referrer_host, '') as first_web_referrer_host,
        cast(ranked_starts.started_at as date) as acquired_date,
        ranked_starts.started_at as acquired_at,
        first_sessions.first_web_session_started_at,
        inputs_fingerprints.acquisition_inputs_fingerprint,
        inputs_fingerprints.acquisition_rules_fingerprint,
        {{ run_started_at_second() }} as built_at
    from customers
    left outer join ranked_starts
        on
            customers.customer_id = ranked_starts.customer_id
            and ranked_starts.start_rank = 1
    left outer join first_sessions
        on customers.customer_id = first_sessions.customer_id
    left outer join inputs_fingerprints
        on customers.customer_id = inputs_fingerprints.customer_id

)

select * from final
